"""A counter's exceptions over real HTTP (SQLite and PostgreSQL): 找号 with history, 过号顺延 of a no-show, and 特呼
with a reason that is kept but never streamed (issue 11)."""

from tests.caller.test_api import issue, problem
from tests.caller.test_receipts_and_help import events


def test_a_number_is_found_with_its_history_and_a_returned_no_show_waits_again(live, clock):
    first = issue(live).json()
    live.post("/api/v1/windows/3/open", "counter", window=3)
    live.post("/api/v1/windows/3/call-next", "counter", window=3)
    for _ in range(2):
        live.post("/api/v1/windows/3/recall", "counter", window=3)
    live.post("/api/v1/windows/3/no-show", "counter", window=3)
    found = live.get(f"/api/v1/numbers/{first['number'].lower()}", "counter", window=5).json()
    assert found["ticket"]["status"] == "no-show"
    assert [h["what"] for h in found["history"]] == ["取号", "叫号", "重呼", "重呼", "过号"]
    clock.advance(minutes=5)
    back = live.post(f"/api/v1/tickets/{first['id']}/return", "counter", window=5)
    assert back.status_code == 200, back.text
    again = live.get(f"/api/v1/numbers/{first['number']}", "counter", window=5).json()
    assert again["ticket"]["status"] == "waiting" and again["history"][-1]["what"] == "过号顺延"
    problem(live.get("/api/v1/numbers/Z999", "counter", window=5), 404, "unknown_number")
    assert live.get(f"/api/v1/numbers/{first['number']}", "kiosk").status_code == 403
    assert live.get(f"/api/v1/numbers/{first['number']}").status_code == 401


def test_a_special_call_takes_the_named_ticket_out_of_turn_and_keeps_its_reason_private(live):
    tickets = [issue(live).json() for _ in range(3)]
    live.post("/api/v1/windows/3/open", "counter", window=3)
    body = {"ticket": tickets[2]["id"], "reason": "老人行动不便，电话 13800138000"}
    called = live.post("/api/v1/windows/3/call-ticket", "counter", window=3, json=body)
    assert called.status_code == 200, called.text
    assert called.json()["window"]["ticket"]["number"] == tickets[2]["number"]
    problem(live.post("/api/v1/windows/3/call-ticket", "counter", window=3, json=body), 409, "window_busy")
    live.post("/api/v1/windows/3/finish", "counter", window=3)
    problem(live.post("/api/v1/windows/3/call-ticket", "counter", window=3, json=body), 409, "not_waiting")
    problem(live.post("/api/v1/windows/3/call-ticket", "counter", window=3,
                      json={"ticket": tickets[0]["id"], "reason": " "}), 409, "reason_required")
    assert live.post("/api/v1/windows/3/call-ticket", "counter", window=4, json=body).status_code == 403
    live.post("/api/v1/windows/10/open", "counter", window=10)  # 公章刻制 only
    problem(live.post("/api/v1/windows/10/call-ticket", "counter", window=10,
                      json={"ticket": tickets[0]["id"], "reason": "x"}), 409, "not_served_here")
    streamed = [e for e in events(live) if e["type"] == "ticket-called"]
    assert streamed and all("special_reason" not in (e.get("data") or {}) for e in streamed)
    assert "老人" not in str(streamed)
    with live.app.state.service.db.read() as conn:
        kept = conn.exec_driver_sql("SELECT data FROM events WHERE type = 'ticket-called'").scalars().all()
    assert any("老人行动不便，电话 138****8000" in d for d in kept) and "13800138000" not in str(kept)
    history = live.get(f"/api/v1/numbers/{tickets[2]['number']}", "counter", window=3).json()["history"]
    assert history[1]["special"] is True


def test_the_console_sees_whom_the_rule_calls_next_and_todays_counts_for_the_window_and_the_member(live, clock):
    from caller.staff.rules import StaffRole

    live.app.state.staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
    session = {"Authorization": "Bearer " + live.post("/api/v1/staff/sign-in", json={
        "staff_no": "2001", "pin": "402913", "window": 7}).json()["token"]}
    issue(live, "budongchan")  # not served at window 7
    tickets = [issue(live, category).json() for category in ("shebao", "yibao", "shebao", "yibao")]
    clock.advance(minutes=3)
    green = issue(live, "yibao", priority="green").json()
    live.post("/api/v1/windows/7/open", headers=session)
    seen = live.get("/api/v1/windows/7/glance", headers=session).json()
    upcoming = [n["number"] for n in seen["next"]]
    assert len(upcoming) == 3 and upcoming[0] == green["number"] and "E001" not in upcoming  # 不动产: not here
    assert seen["window_served"] == 0 and seen["mine_mean_s"] is None
    called = []
    for _ in range(3):  # what the window then calls, in turn, is what it was shown
        called.append(live.post("/api/v1/windows/7/call-next", headers=session).json()["ticket"]["number"])
        live.post("/api/v1/windows/7/finish", headers=session)
    assert called == upcoming and set(called) <= {green["number"], *(t["number"] for t in tickets)}
    for minutes in (4, 6):
        live.post("/api/v1/windows/7/call-next", headers=session)
        live.post("/api/v1/windows/7/start", headers=session)
        clock.advance(minutes=minutes)
        live.post("/api/v1/windows/7/finish", headers=session)
    live.post("/api/v1/windows/8/open", "counter", window=8)
    live.post("/api/v1/windows/8/call-next", "counter", window=8)
    live.post("/api/v1/windows/8/finish", "counter", window=8)  # another window, another person
    seen = live.get("/api/v1/windows/7/glance", headers=session).json()
    assert seen["window_served"] == 5 and seen["window_mean_s"] == 120  # (0 + 0 + 0 + 240 + 360) / 5
    assert seen["mine_served"] == 5 and seen["mine_mean_s"] == 120
    assert live.get("/api/v1/windows/8/glance", headers=session).status_code == 403


def test_a_citizen_put_on_hold_steps_aside_while_the_window_serves_the_next_and_is_taken_back(live, clock):
    tickets = [issue(live).json() for _ in range(2)]
    window = {"role": "counter", "window": 3}
    live.post("/api/v1/windows/3/open", **window)
    live.post("/api/v1/windows/3/call-next", **window)
    live.post("/api/v1/windows/3/start", **window)
    held = live.post("/api/v1/windows/3/hold", **window, json={"ticket": tickets[0]["id"]})
    assert held.status_code == 200, held.text
    assert held.json()["window"]["ticket"] is None
    assert live.get(f"/api/v1/tickets/{tickets[0]['id']}").json()["status"] == "on-hold"
    glance = live.get("/api/v1/windows/3/glance", **window).json()
    assert [h["number"] for h in glance["on_hold"]] == [tickets[0]["number"]]
    assert live.post("/api/v1/windows/3/call-next", **window).json()["ticket"]["number"] == tickets[1]["number"]
    problem(live.post("/api/v1/windows/3/take-back", **window, json={"ticket": tickets[0]["id"]}), 409, "window_busy")
    live.post("/api/v1/windows/3/finish", **window)
    live.post("/api/v1/windows/4/open", "counter", window=4)
    problem(live.post("/api/v1/windows/4/take-back", "counter", window=4, json={"ticket": tickets[0]["id"]}), 409,
            "held_elsewhere")
    clock.advance(minutes=7)
    back = live.post("/api/v1/windows/3/take-back", **window, json={"ticket": tickets[0]["id"]})
    assert back.status_code == 200 and back.json()["window"]["ticket"]["number"] == tickets[0]["number"]
    assert live.get(f"/api/v1/tickets/{tickets[0]['id']}").json()["status"] == "serving"
    assert live.post("/api/v1/windows/3/finish", **window).status_code == 200
    history = [h["what"] for h in live.get(f"/api/v1/numbers/{tickets[0]['number']}", **window).json()["history"]]
    assert history == ["取号", "叫号", "开始办理", "挂起", "恢复办理", "办结"]
    assert live.get("/api/v1/windows/3/glance", **window).json()["on_hold"] == []


def test_a_ticket_left_on_hold_at_midnight_is_settled_as_served(service, clock):
    import datetime as dt

    from caller.engine.model import TicketStatus
    from caller.queue.desk import Desk
    from caller.queue.service import IssueRequest

    ticket = service.issue(IssueRequest("shebao")).ticket
    service.open(3)
    service.call_next(3)
    Desk(service).hold(3)
    clock.set(dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.timezone.utc))  # the next morning
    service.housekeeping.close_past_days()
    assert service.ticket(ticket.id).ticket.status is TicketStatus.DONE


def test_a_transfer_note_reaches_the_window_that_takes_the_ticket_and_nobody_else(live):
    ticket = issue(live).json()
    live.post("/api/v1/windows/3/open", "counter", window=3)
    live.post("/api/v1/windows/3/call-next", "counter", window=3)
    moved = live.post("/api/v1/windows/3/transfer", "counter", window=3,
                      json={"category": "budongchan", "note": "已核验身份证，缺房产证复印件，电话13800138000"})
    assert moved.status_code == 200, moved.text
    live.post("/api/v1/windows/9/open", "counter", window=9)
    assert live.post("/api/v1/windows/9/call-next", "counter", window=9).json()["ticket"]["id"] == ticket["id"]
    mine = live.get("/api/v1/windows/9", "counter", window=9).json()
    assert mine["handover"] == "3 号窗口：已核验身份证，缺房产证复印件，电话138****8000"
    assert live.get("/api/v1/windows/9", "display").json()["handover"] is None  # the board sees no note
    streamed = [e for e in events(live) if e["type"] == "ticket-transferred"]
    assert streamed and "transfer_note" not in str(streamed) and "房产证" not in str(streamed)


def test_a_ticket_transferred_to_a_named_window_waits_for_that_window_alone_until_it_closes(live):
    first, second = issue(live).json(), issue(live).json()  # 社保: windows 1-8 and 12 serve it
    for number in (3, 7, 8, 10):
        live.post(f"/api/v1/windows/{number}/open", "counter", window=number)
    live.post("/api/v1/windows/3/call-next", "counter", window=3)
    problem(live.post("/api/v1/windows/3/transfer", "counter", window=3, json={"window": 3}), 409, "same_window")
    problem(live.post("/api/v1/windows/3/transfer", "counter", window=3, json={"window": 10}), 409,
            "not_served_there")  # 公章刻制 only
    problem(live.post("/api/v1/windows/3/transfer", "counter", window=3, json={"window": 5}), 409, "window_closed")
    problem(live.post("/api/v1/windows/3/transfer", "counter", window=3, json={"window": 99}), 404, "unknown_window")
    moved = live.post("/api/v1/windows/3/transfer", "counter", window=3, json={"window": 8, "note": "需社保专窗复核"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["ticket"]["category"] == "shebao" and moved.json()["ticket"]["transfers"] == 1
    # window 7 serves 社保 too, but the transferred ticket is window 8's: 7 gets the next walk-in instead
    assert live.post("/api/v1/windows/7/call-next", "counter", window=7).json()["ticket"]["id"] == second["id"]
    seen = live.get("/api/v1/windows/8/glance", "counter", window=8).json()
    assert [n["number"] for n in seen["next"]] == [first["number"]]
    taken = live.post("/api/v1/windows/8/call-next", "counter", window=8).json()
    assert taken["ticket"]["id"] == first["id"]
    assert live.get("/api/v1/windows/8", "counter", window=8).json()["handover"] == "3 号窗口：需社保专窗复核"
    moved_event = [e for e in events(live) if e["type"] == "ticket-transferred"][-1]
    assert moved_event["data"]["to_window"] == 8


def test_a_ticket_sent_to_a_window_that_closes_is_called_by_the_others(live):
    ticket = issue(live).json()
    for number in (3, 7, 8):
        live.post(f"/api/v1/windows/{number}/open", "counter", window=number)
    live.post("/api/v1/windows/3/call-next", "counter", window=3)
    live.post("/api/v1/windows/3/transfer", "counter", window=3, json={"window": 8, "category": "yibao"})
    assert live.post("/api/v1/windows/7/call-next", "counter", window=7).status_code == 204  # window 8's
    live.post("/api/v1/windows/8/close", "counter", window=8)  # its staff went home: nothing strands
    called = live.post("/api/v1/windows/7/call-next", "counter", window=7).json()["ticket"]
    assert called["id"] == ticket["id"] and called["category"] == "yibao"
