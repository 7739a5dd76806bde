"""Receipts that did not print, the help button, and the hall info kiosks read (real HTTP)."""

import datetime as dt

from tests.caller.test_api import issue, problem
from tests.sse_client import open_stream


def test_an_unprinted_receipt_keeps_the_ticket_and_lists_it_for_reprint(live):
    ticket = issue(live).json()
    other = issue(live).json()
    assert live.post(f"/api/v1/tickets/{ticket['id']}/receipt", "kiosk", json={"printed": False}).status_code == 200
    assert live.post(f"/api/v1/tickets/{other['id']}/receipt", "kiosk", json={"printed": True}).status_code == 200
    listed = live.get("/api/v1/tickets/unprinted", "counter", window=1).json()
    assert [t["number"] for t in listed] == [ticket["number"]] and listed[0]["status"] == "waiting"
    assert live.post(f"/api/v1/tickets/{ticket['id']}/receipt", "counter", window=1, json={"printed": True}).ok
    assert live.get("/api/v1/tickets/unprinted", "counter", window=1).json() == []
    problem(live.post("/api/v1/tickets/nope/receipt", "kiosk", json={"printed": False}), 404, "unknown_ticket")
    problem(live.post(f"/api/v1/tickets/{ticket['id']}/receipt", "kiosk", json={"printed": "maybe"}), 422, "invalid_request")
    assert live.get("/api/v1/tickets/unprinted").status_code == 401
    types = [e["type"] for e in events(live)]
    assert types.count("receipt-unprinted") == 1 and types.count("receipt-printed") == 2


def events(live):
    """Today's events so far, as clients see them (the `data` of each)."""
    last = last_id(live)
    if last == 0:
        return []
    stream = open_stream(live.base, live.headers("display"), last_event_id=0)
    try:
        return [event.data for event in stream.take_until(last)]
    finally:
        stream.close()


def last_id(live):
    return live.get("/api/v1/queue", "display").json()["last_event_id"]


def test_the_help_button_becomes_a_notice_for_the_help_window_and_the_desk(live):
    answer = live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1", "note": "老人需要帮办"})
    assert answer.status_code == 201
    (help_event,) = [e for e in events(live) if e["type"] == "notice-raised"]
    assert help_event["data"] == {"notice": answer.json()["notice"], "kind": "help", "condition": "help",
                                  "source": "kiosk-1"}
    problem(live.post("/api/v1/help", "kiosk", json={"note": "x" * 65}), 422, "invalid_request")


def test_the_hall_info_says_whether_tickets_are_issued_and_when_next(live, clock):
    info = live.get("/api/v1/hall").json()
    assert info["name"] and info["issuing_now"] is True and info["next_issuing_day"] == "2026-11-23"
    clock.set(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc))  # 18:00 in Shanghai
    night = live.get("/api/v1/hall").json()
    assert night["issuing_now"] is False and night["next_issuing_day"] == "2026-11-24"
    assert night["self_service"]["enabled"] and night["self_service"]["notice"]


def test_the_help_button_says_whether_anyone_is_on_duty_and_who_is_coming(live):
    from caller.staff.rules import StaffRole

    off = live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1"}).json()
    assert off["on_duty"] is False and off["helper"] is None  # before: 工作人员马上过来 with nobody there
    live.app.state.staff.add("3001", "王芳", "402913", frozenset({StaffRole.HELP}), frozenset({14}))
    problem(live.post("/api/v1/staff/sign-in", json={"staff_no": "3001", "pin": "402913", "window": 3}), 403,
            "window_not_allowed")  # 帮办 staff sign in at the help window, not at a counter
    token = live.post("/api/v1/staff/sign-in", json={"staff_no": "3001", "pin": "402913", "window": 14}).json()["token"]
    live.post("/api/v1/windows/14/open", headers={"Authorization": f"Bearer {token}"})
    on = live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1"}).json()
    assert on["on_duty"] is True and on["helper"] == "王芳"
    live.post("/api/v1/staff/sign-out", headers={"Authorization": f"Bearer {token}"})
    assert live.post("/api/v1/help", "kiosk", json={}).json()["helper"] is None
