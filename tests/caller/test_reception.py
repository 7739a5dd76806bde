"""The 咨询台 issues over real HTTP (SQLite and PostgreSQL): green-channel tickets with the hall's reasons, kept
but never streamed; a booking the kiosk refused; the phone page's QR code; 找号 and 过号顺延 from the desk."""

import pytest

from caller.staff.rules import StaffRole
from tests.caller.test_api import issue, problem
from tests.caller.test_notices import signed_in
from tests.caller.test_receipts_and_help import events
from tests.conftest import serving


def desk_ticket(live, headers, **body):
    return live.post("/api/v1/desk/tickets", json={"category": "shebao", **body}, headers=headers)


def test_the_desk_issues_green_channel_tickets_with_a_recorded_reason_ahead_of_walk_ins(live):
    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
    assert live.get("/api/v1/desk", headers=desk).json()["green_reasons"] == ["残疾人", "孕妇", "军人", "老年人"]
    walk_in = issue(live).json()
    green = desk_ticket(live, desk, kind="green", reason="孕妇")
    assert green.status_code == 201, green.text
    ticket = green.json()["ticket"]
    assert ticket["priority"] == "green" and ticket["phone_code"]
    assert green.json()["phone_url"] is None and green.json()["qr_svg"] is None  # no public_url, not demo
    late = desk_ticket(live, desk, kind="appointment").json()["ticket"]
    assert late["priority"] == "appointment"
    plain = desk_ticket(live, desk).json()["ticket"]
    assert plain["priority"] == "normal"
    problem(desk_ticket(live, desk, kind="green", reason="VIP"), 422, "unknown_green_reason")
    problem(desk_ticket(live, desk, kind="green"), 422, "unknown_green_reason")
    problem(desk_ticket(live, desk, category="nope"), 422, "unknown_category")
    problem(desk_ticket(live, live.headers("kiosk")), 403, "forbidden")  # the kiosk issues at /tickets
    live.post("/api/v1/windows/7/open", "counter", window=7)
    called = []
    for _ in range(2):
        called.append(live.post("/api/v1/windows/7/call-next", "counter", window=7).json()["ticket"]["number"])
        live.post("/api/v1/windows/7/finish", "counter", window=7)
    assert called == [ticket["number"], late["number"]] and walk_in["number"] not in called
    issued = [e for e in events(live) if e["type"] == "ticket-issued"]
    assert "孕妇" not in str(issued) and "赵敏" not in str(issued)  # the reason and who issued: never streamed
    with live.app.state.service.db.read() as conn:
        kept = conn.exec_driver_sql("SELECT data FROM events WHERE type = 'ticket-issued'").scalars().all()
    assert any('"priority_reason": "孕妇"' in d and "赵敏（5001）" in d for d in kept)
    assert any('"priority_reason": "预约补签"' in d for d in kept)


def test_a_retried_desk_issue_gives_the_same_ticket(live):
    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
    key = {"Idempotency-Key": "desk-press-1"}
    first = desk_ticket(live, {**desk, **key}, kind="green", reason="老年人").json()["ticket"]
    again = desk_ticket(live, {**desk, **key}, kind="green", reason="老年人").json()["ticket"]
    assert again["id"] == first["id"]
    problem(desk_ticket(live, {**desk, **key}), 422, "idempotency_key_reused")


def test_the_desk_finds_a_no_show_and_brings_it_back(live, clock):
    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
    ticket = issue(live).json()
    live.post("/api/v1/windows/7/open", "counter", window=7)
    live.post("/api/v1/windows/7/call-next", "counter", window=7)
    for _ in range(2):
        live.post("/api/v1/windows/7/recall", "counter", window=7)
    live.post("/api/v1/windows/7/no-show", "counter", window=7)
    assert live.get(f"/api/v1/numbers/{ticket['number']}", headers=desk).json()["ticket"]["status"] == "no-show"
    clock.advance(minutes=10)
    assert live.post(f"/api/v1/tickets/{ticket['id']}/return", headers=desk).json()["status"] == "waiting"


@pytest.mark.parametrize("where", ["public_url", "demo"])
def test_the_desk_answer_carries_the_phone_page_as_a_qr_code_that_decodes(hall, sqlite_url, clock, where):
    public = hall.model_copy(update={"hall": hall.hall.model_copy(update={"public_url": "https://yc.example.gov.cn"})})
    with serving(public if where == "public_url" else hall, sqlite_url, clock, demo=where == "demo") as live:
        desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
        answer = desk_ticket(live, desk, kind="green", reason="军人").json()
    base = "https://yc.example.gov.cn" if where == "public_url" else live.base
    assert answer["phone_url"] == f"{base}/t#{answer['ticket']['phone_code']}"
    svg = answer["qr_svg"]
    assert svg.startswith("<?xml") and "<path" in svg  # the desk page shows it; tests/web/test_desk.py decodes it
