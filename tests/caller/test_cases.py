"""办件 after the ticket (统一出件 issue): 受理 at the window with 首问负责, the 交接记录, the back office's progress
through its webhook with a department token, the promised day by the hall's working-day calendar, and the
monitor's 超时提醒 — over real HTTP on SQLite and PostgreSQL."""

import datetime as dt
import time

from caller.auth import Role
from caller.cases.rules import CaseState, next_state
from caller.engine.calendar import due_day, working_days_left
from tests.caller.test_api import issue, problem
from tests.caller.test_reports import member


def test_the_promised_day_follows_the_hall_calendar_with_holidays_and_make_up_days(hall):
    national_day = [dt.date(2026, 10, d) for d in range(1, 8)]
    autumn = hall.model_copy(update={"hours": hall.hours.model_copy(update={
        "closed_dates": national_day, "open_dates": [dt.date(2026, 10, 10)]})})  # 调休: Saturday the 10th
    working = autumn.is_working_day
    assert due_day(dt.date(2026, 9, 30), 3, working) == dt.date(2026, 10, 10)  # Thu 8th, Fri 9th, Sat 10th
    assert due_day(dt.date(2026, 9, 30), 4, working) == dt.date(2026, 10, 12)  # not Sunday the 11th
    assert working_days_left(dt.date(2026, 9, 30), dt.date(2026, 10, 10), working) == 3
    assert working_days_left(dt.date(2026, 10, 13), dt.date(2026, 10, 10), working) == -2  # Mon 12th, Tue 13th
    assert next_state(CaseState.READY, CaseState.READY) is CaseState.READY  # a webhook's retry


def case_at_window(live, window, headers, case_no, id_number=None, **extra):
    issue(live, "budongchan", **({"id_number": id_number} if id_number else {}))
    live.post(f"/api/v1/windows/{window}/open", headers=headers)
    live.post(f"/api/v1/windows/{window}/call-next", headers=headers)
    return live.post(f"/api/v1/windows/{window}/cases", headers=headers, json={"case_no": case_no, **extra})


def department(live, name):
    return {"Authorization": "Bearer " + live.app.state.tokens.create(Role.DEPARTMENT, None, name)}


def test_a_case_goes_from_the_window_to_the_back_office_and_comes_back_ready(live, clock):
    li = member(live, "2001", "李静", 9)
    made = case_at_window(live, 9, li, "BDC-2026-0001", kind="promised", limit_days=5)
    assert made.status_code == 201, made.text
    case = made.json()
    assert (case["state"], case["kind_name"], case["received_by"], case["ticket_number"]) == (
        "received", "承诺件", "李静（2001）", "E001")
    assert case["due_day"] == "2026-11-30" and case["timing"] == "on_time"  # Mon 23rd + 5 working days
    handed = live.post("/api/v1/cases/BDC-2026-0001/handover", headers=li,
                       json={"department": "不动产登记中心", "note": "材料齐全，原件已核验"}).json()
    assert handed["state"] == "handed-over" and handed["department"] == "不动产登记中心"
    bureau = department(live, "不动产登记中心")
    clock.advance(hours=2)
    for state in ("accepted", "in-approval", "needs-material"):
        answer = live.post("/api/v1/cases/BDC-2026-0001/progress", headers=bureau,
                           json={"state": state, "note": "请补交身份证复印件，联系电话 13812345678" if
                                 state == "needs-material" else None})
        assert answer.status_code == 200, answer.text
    problem(live.post("/api/v1/cases/BDC-2026-0001/progress", headers=bureau, json={"state": "ready"}), 409,
            "invalid_transition")  # material first
    for state in ("in-approval", "ready", "ready"):  # the same report twice: a retry, no change
        assert live.post("/api/v1/cases/BDC-2026-0001/progress", headers=bureau, json={"state": state}).ok
    other = department(live, "市场监管局")
    problem(live.post("/api/v1/cases/BDC-2026-0001/progress", headers=other, json={"state": "accepted"}), 404,
            "unknown_case")
    problem(live.get("/api/v1/cases/BDC-2026-0001", headers=other), 403, "not_your_case")
    seen = live.get("/api/v1/cases/BDC-2026-0001", headers=bureau).json()
    steps = [(s["state_name"], s["actor"]) for s in seen["history"]]
    assert steps == [("已受理", "李静（2001）"), ("已交接", "李静（2001）"), ("部门已接收", "不动产登记中心"),
                     ("审批中", "不动产登记中心"), ("需补正材料", "不动产登记中心"), ("审批中", "不动产登记中心"),
                     ("待领取", "不动产登记中心")]
    assert seen["history"][1]["note"] == "交不动产登记中心：材料齐全，原件已核验"
    assert "13812345678" not in str(seen) and "138****5678" in seen["history"][4]["note"]
    assert seen["timing"] == "done"  # decided within its limit: no warning any more


def test_an_immediate_case_is_finished_at_the_window_and_bad_requests_are_refused(live):
    wang = member(live, "2002", "王芳", 9)
    problem(live.post("/api/v1/windows/9/cases", headers=wang, json={"case_no": "JB-0001", "kind": "immediate"}),
            409, "no_citizen")
    done = case_at_window(live, 9, wang, "JB-0001", kind="immediate").json()
    assert done["state"] == "finished" and done["due_day"] is None and done["timing"] == "done"
    assert [s["state"] for s in done["history"]] == ["received", "finished"]
    problem(live.post("/api/v1/windows/9/cases", headers=wang, json={"case_no": "JB-0001", "kind": "immediate"}),
            409, "case_exists")
    problem(live.post("/api/v1/windows/9/cases", headers=wang, json={"case_no": "JB-0002", "kind": "promised"}),
            422, "limit_needed")
    problem(live.post("/api/v1/windows/9/cases", headers=wang,
                      json={"case_no": "JB-0003", "kind": "immediate", "limit_days": 3}), 422, "limit_not_needed")
    problem(live.post("/api/v1/windows/9/cases", headers=wang, json={"case_no": "bad no!", "kind": "immediate"}),
            422, "invalid_request")
    problem(live.post("/api/v1/windows/8/cases", "counter", window=9, json={"case_no": "JB-0004",
                                                                           "kind": "immediate"}), 403, "wrong_window")
    problem(live.post("/api/v1/cases/JB-0001/handover", headers=wang, json={"department": "民政局"}), 409,
            "not_at_front")
    problem(live.post("/api/v1/cases/JB-0001/progress", "counter", window=9, json={"state": "accepted"}), 403,
            "forbidden")
    problem(live.get("/api/v1/cases/NOPE-0001", headers=wang), 404, "unknown_case")


def test_cases_near_their_limit_and_overdue_warn_the_manager(live, clock):
    li = member(live, "2001", "李静", 9)
    case_at_window(live, 9, li, "BDC-0007", kind="promised", limit_days=2)  # due Wednesday the 25th
    live.post("/api/v1/cases/BDC-0007/handover", headers=li, json={"department": "不动产登记中心"})
    live.post("/api/v1/windows/9/finish", headers=li)
    live.post("/api/v1/windows/9/call-next", headers=li)
    case_at_window(live, 9, li, "BDC-0008", kind="joint", limit_days=10)
    assert [c["timing"] for c in live.get("/api/v1/cases", "desk").json()] == ["on_time", "on_time"]
    clock.advance(days=1)  # Tuesday: one working day left
    assert [c["case_no"] for c in live.get("/api/v1/cases", "desk", params={"only": "near"}).json()] == ["BDC-0007"]
    alerts = live.get("/api/v1/stats/now", "admin").json()["alerts"]
    assert any(a["kind"] == "case_near" and "BDC-0007" in a["text"] for a in alerts)
    clock.advance(days=2)  # Thursday: past Wednesday
    overdue = live.get("/api/v1/cases", "desk", params={"only": "overdue"}).json()
    assert [(c["case_no"], c["department"]) for c in overdue] == [("BDC-0007", "不动产登记中心")]
    alerts = live.get("/api/v1/stats/now", "admin").json()["alerts"]
    assert any(a["kind"] == "case_overdue" and "在不动产登记中心" in a["text"] for a in alerts)
    problem(live.get("/api/v1/cases", "kiosk"), 403, "forbidden")
    bureau = department(live, "不动产登记中心")
    live.post("/api/v1/cases/BDC-0007/progress", headers=bureau, json={"state": "accepted"})
    live.post("/api/v1/cases/BDC-0007/progress", headers=bureau, json={"state": "approved"})  # a day late
    week = live.get("/api/v1/stats", "admin", params={"from": "2026-11-23", "to": "2026-11-27"}).json()
    figures = {c["kind"]: c for c in week["cases"]}
    assert (figures["promised"]["received"], figures["promised"]["decided_late"],
            figures["promised"]["decided_on_time"]) == (1, 1, 0)
    assert (figures["joint"]["received"], figures["joint"]["overdue_open"]) == (1, 0)


def ready_case(live, clock, li, bureau, case_no, id_number=None):
    made = case_at_window(live, 9, li, case_no, id_number=id_number, kind="promised", limit_days=3)
    assert made.status_code == 201, made.text
    live.post(f"/api/v1/cases/{case_no}/handover", headers=li, json={"department": "不动产登记中心"})
    live.post("/api/v1/windows/9/finish", headers=li)
    for state in ("accepted", "approved"):
        live.post(f"/api/v1/cases/{case_no}/progress", headers=bureau, json={"state": state})
    ready = live.post(f"/api/v1/cases/{case_no}/progress", headers=bureau, json={"state": "ready"}).json()
    again = live.post(f"/api/v1/cases/{case_no}/progress", headers=bureau, json={"state": "ready"}).json()
    assert again["pickup_code"] is None  # given once, when it became ready
    return ready


def test_a_ready_result_is_picked_up_by_code_or_id_card_at_the_issuing_window_or_mailed(live, clock):
    from sqlalchemy import select

    from caller.storage import tables as t
    from tests.caller.test_identity import VALID

    li, bureau = member(live, "2001", "李静", 9), department(live, "不动产登记中心")
    first = ready_case(live, clock, li, bureau, "BDC-0101", id_number=VALID)
    code = first["pickup_code"]
    assert len(code) == 8 and code.isdigit() and first["state"] == "ready"
    problem(live.post("/api/v1/pickups", "kiosk", json={"code": f"{(int(code) + 1) % 10**8:08d}"}), 404,
            "nothing_to_pick_up")
    taken = live.post("/api/v1/pickups", "kiosk", json={"code": code})
    assert taken.status_code == 201, taken.text
    ticket = taken.json()["ticket"]
    assert ticket["number"] == "L001" and ticket["category_name"] == "统一出件"
    assert taken.json()["cases"] == [{"case_no": "BDC-0101", "matter": "不动产"}]
    assert live.post("/api/v1/pickups", "kiosk", json={"code": code}).json()["ticket"]["id"] == ticket["id"]
    live.post("/api/v1/windows/3/open", "counter", window=3)
    assert live.post("/api/v1/windows/3/call-next", "counter", window=3).status_code == 204  # not a 综合 matter
    zhao = member(live, "2003", "赵敏", 16)
    live.post("/api/v1/windows/16/open", headers=zhao)
    assert live.post("/api/v1/windows/16/call-next", headers=zhao).json()["ticket"]["id"] == ticket["id"]
    shown = live.get("/api/v1/windows/16/pickup", headers=zhao).json()
    assert [(c["case_no"], c["state"]) for c in shown] == [("BDC-0101", "ready")]
    problem(live.post("/api/v1/cases/BDC-0101/hand-out", headers=zhao, json={"receiver_id_number": "110105194912310021"}),
            422, "invalid_id_number")
    handed = live.post("/api/v1/cases/BDC-0101/hand-out", headers=zhao, json={"receiver_id_number": VALID}).json()
    assert handed["state"] == "picked-up" and handed["receiver_masked"] == "1101**********002X"
    assert handed["history"][-1]["actor"] == "赵敏（2003）"
    problem(live.post("/api/v1/pickups", "kiosk", json={"code": code}), 404, "nothing_to_pick_up")  # used up
    live.post("/api/v1/windows/16/finish", headers=zhao)

    second = ready_case(live, clock, li, bureau, "BDC-0102", id_number=VALID)
    by_card = live.post("/api/v1/pickups", "kiosk", json={"id_number": VALID})
    assert by_card.status_code == 201 and by_card.json()["cases"][0]["case_no"] == "BDC-0102"
    assert second["pickup_code"] != code
    problem(live.post("/api/v1/pickups", "kiosk", json={}), 422, "code_or_id")
    mailed = live.post("/api/v1/cases/BDC-0102/mail", "desk",
                       json={"address": "山东省济南市历下区解放路 18 号 3 单元 502", "tracking_no": "SF1234567890"}).json()
    assert mailed["state"] == "mailed" and mailed["mailed_to"] == "山东省济南市**** 运单 SF1234567890"
    problem(live.post("/api/v1/cases/BDC-0102/hand-out", headers=zhao, json={"receiver_id_number": VALID}), 409,
            "not_ready")
    with live.app.state.service.db.engine.connect() as conn:
        kept = conn.execute(select(t.cases.c.id_key, t.cases.c.pickup_key)).all()
    assert kept and all(row == (None, None) for row in kept)  # nothing of the citizen outlives the case


def test_control_characters_in_case_texts_are_refused_on_either_database(live):
    li = member(live, "2001", "李静", 9)
    case_at_window(live, 9, li, "BDC-0201", kind="promised", limit_days=3)
    problem(live.post("/api/v1/cases/BDC-0201/handover", headers=li, json={"department": "不动产\x00"}), 422,
            "invalid_text")
    problem(live.post("/api/v1/cases/BDC-0201/handover", headers=li, json={"department": "不动产", "note": "\x00"}),
            422, "invalid_text")
    assert live.get("/api/v1/cases/BDC-0201", headers=li).json()["state"] == "received"


def test_text_messages_reach_the_gateway_signed_and_a_failure_is_retried_then_shown(hall, db_url, clock):
    from sqlalchemy import select

    from caller.storage import tables as t
    from tests.caller.test_reports import at
    from tests.conftest import serving
    from tests.fake_sms import FakeSmsGateway

    def until(condition, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not condition():
            time.sleep(0.05)
        return condition()

    with FakeSmsGateway() as gateway, serving(hall, db_url, clock, sms_url=gateway.url, sms_key_id="hall-key",
                                               sms_secret="gateway-secret") as live:
        li, bureau = member(live, "2001", "李静", 9), department(live, "不动产登记中心")
        problem(case_at_window(live, 9, li, "BDC-0301", kind="promised", limit_days=3, phone="13812345678"), 422,
                "consent_needed")
        made = live.post("/api/v1/windows/9/cases", headers=li, json={
            "case_no": "BDC-0301", "kind": "promised", "limit_days": 3, "phone": "13812345678", "consent": True})
        assert made.json()["phone_masked"] == "138****5678" and "13812345678" not in made.text
        live.post("/api/v1/cases/BDC-0301/handover", headers=li, json={"department": "不动产登记中心"})
        for state, note in (("accepted", None), ("needs-material", "请补交婚姻证明")):
            live.post("/api/v1/cases/BDC-0301/progress", headers=bureau, json={"state": state, "note": note})
        assert until(lambda: len(gateway.accepted) == 1)  # sent at once, not at the next periodic check
        assert gateway.accepted[0]["to"] == "13812345678" and "需补正材料：请补交婚姻证明" in gateway.accepted[0]["text"]
        assert gateway.accepted[0]["sign_name"] == "示例县政务服务中心"

        gateway.fail_next(1)  # the gateway is down for the ready message
        live.post("/api/v1/cases/BDC-0301/progress", headers=bureau, json={"state": "in-approval"})
        code = live.post("/api/v1/cases/BDC-0301/progress", headers=bureau, json={"state": "ready"}).json()["pickup_code"]
        seen = lambda: live.get("/api/v1/cases/BDC-0301", headers=li).json()["messages"]  # noqa: E731
        assert until(lambda: seen()[-1]["attempts"] == 1)
        assert seen()[-1] == {"kind": "ready", "state": "pending", "attempts": 1, "last_error": "refused: HTTP 500",
                              "sent_at": None}
        alerts = live.get("/api/v1/stats/now", "admin").json()["alerts"]
        assert any(a["kind"] == "sms_retrying" and "BDC-0301" in a["text"] for a in alerts)
        outbox = live.app.state.cases.outbox
        assert outbox.send_due() == 0  # not before its pause
        clock.advance(seconds=31)
        assert outbox.send_due() == 1 and outbox.send_due() == 0  # retried once, sent once
        assert f"取件码 {code}" in gateway.accepted[1]["text"] and gateway.bad_signatures == 0
        assert seen()[-1]["state"] == "sent"
        with live.app.state.service.db.engine.connect() as conn:
            texts = [row.text for row in conn.execute(select(t.sms_outbox.c.text))]
        assert code not in "".join(texts) and "取件码 ********" in texts[-1]  # the code is not kept once sent

        case_at_window(live, 9, li, "BDC-0302", kind="promised", limit_days=3)  # no phone: no messages
        gateway.fail_next(99)
        at(clock, "10:00")
        live.post("/api/v1/windows/9/cases", headers=li, json={  # a second citizen's case, whose messages fail
            "case_no": "BDC-0303", "kind": "promised", "limit_days": 3, "phone": "13987654321", "consent": True})
        live.post("/api/v1/cases/BDC-0303/handover", headers=li, json={"department": "不动产登记中心"})
        live.post("/api/v1/cases/BDC-0303/progress", headers=bureau, json={"state": "accepted"})
        live.post("/api/v1/cases/BDC-0303/progress", headers=bureau, json={"state": "ready"})
        assert until(lambda: live.get("/api/v1/cases/BDC-0303", headers=li).json()["messages"][0]["attempts"] == 1)
        for _ in range(4):
            clock.advance(minutes=31)
            outbox.send_due()
        last = live.get("/api/v1/cases/BDC-0303", headers=li).json()["messages"][0]
        assert (last["state"], last["attempts"]) == ("failed", 5)
        with live.app.state.service.db.engine.connect() as conn:
            given_up = conn.execute(select(t.sms_outbox.c.text).where(t.sms_outbox.c.state == "failed")).scalar()
        assert "取件码 ********" in given_up  # a message given up keeps no code either
        alerts = live.get("/api/v1/stats/now", "admin").json()["alerts"]
        assert any(a["kind"] == "sms_failed" and "BDC-0303" in a["text"] for a in alerts)
        zhao = member(live, "2003", "赵敏", 16)
        live.post("/api/v1/pickups", "kiosk", json={"code": code})
        live.post("/api/v1/windows/16/open", headers=zhao)
        live.post("/api/v1/windows/16/call-next", headers=zhao)
        from tests.caller.test_identity import VALID
        live.post("/api/v1/cases/BDC-0301/hand-out", headers=zhao, json={"receiver_id_number": VALID})
        with live.app.state.service.db.engine.connect() as conn:
            phones = dict(conn.execute(select(t.cases.c.case_no, t.cases.c.phone)).all())
        assert phones["BDC-0301"] is None and phones["BDC-0303"] == "13987654321"  # deleted when it closed


def test_a_department_member_signs_in_for_the_department_and_sees_only_its_cases(live):
    from caller.staff.rules import StaffRole

    book = live.app.state.staff
    problem(live.post("/api/v1/staff", "admin", json={"staff_no": "3001", "name": "孙伟", "pin": "580314",
                                                      "roles": ["department"]}), 422, "department_needed")
    added = live.post("/api/v1/staff", "admin", json={"staff_no": "3001", "name": "孙伟", "pin": "580314",
                                                      "roles": ["department"], "department": "不动产登记中心"})
    assert added.status_code == 201 and added.json()["department"] == "不动产登记中心"
    book.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
    problem(live.post("/api/v1/staff/sign-in", json={"staff_no": "2001", "pin": "402913", "department": True}), 403,
            "department_not_allowed")
    session = live.post("/api/v1/staff/sign-in", json={"staff_no": "3001", "pin": "580314", "department": True})
    assert session.status_code == 201 and session.json()["role"] == "department"
    sun = {"Authorization": "Bearer " + session.json()["token"]}
    li = {"Authorization": "Bearer " + live.post("/api/v1/staff/sign-in", json={
        "staff_no": "2001", "pin": "402913", "window": 9}).json()["token"]}
    case_at_window(live, 9, li, "BDC-0601", kind="promised", limit_days=3)
    live.post("/api/v1/cases/BDC-0601/handover", headers=li, json={"department": "不动产登记中心"})
    live.post("/api/v1/windows/9/finish", headers=li)
    live.post("/api/v1/windows/9/call-next", headers=li)
    case_at_window(live, 9, li, "MZ-0602", kind="promised", limit_days=3)
    live.post("/api/v1/cases/MZ-0602/handover", headers=li, json={"department": "民政局"})
    mine = live.get("/api/v1/cases", headers=sun).json()
    assert [c["case_no"] for c in mine] == ["BDC-0601"]
    assert [s["name"] for s in mine[0]["next_states"]] == ["部门已接收", "审批中", "需补正材料", "不予许可"]
    moved = live.post("/api/v1/cases/BDC-0601/progress", headers=sun, json={"state": "accepted"}).json()
    assert moved["history"][-1]["actor"] == "不动产登记中心"
    problem(live.post("/api/v1/cases/MZ-0602/progress", headers=sun, json={"state": "accepted"}), 404, "unknown_case")
