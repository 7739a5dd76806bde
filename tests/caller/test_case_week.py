"""A week of cases end to end (统一出件 issue, "done when"), over HTTP on SQLite and PostgreSQL: cases of each kind
received at the windows and handed over; ready and needs-material notices through the loopback SMS gateway (one
failing, then retried); pick-ups by code, by the phone page's case QR and by ID card at the issuing window; one
result mailed; one case left overdue and flagged; a complaint and a bad rating followed to their call-backs; and
the week's report counting it all."""

import datetime as dt
import time

from caller.auth import Role
from tests.caller.test_api import issue
from tests.caller.test_identity import VALID
from tests.conftest import MONDAY_9AM, serving
from tests.fake_sms import FakeSmsGateway

OTHER_ID = "110105195003070019"


def on(clock, day, hh_mm="09:00"):
    hours, minutes = map(int, hh_mm.split(":"))
    clock.set(MONDAY_9AM + dt.timedelta(days=day, hours=hours - 9, minutes=minutes))


def test_a_week_of_cases_from_the_window_to_the_citizens_hands(hall, db_url, clock):
    with FakeSmsGateway() as sms, serving(hall, db_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        bureau = {"Authorization": "Bearer " + live.app.state.tokens.create(Role.DEPARTMENT, None, "不动产登记中心")}

        def receive(case_no, id_number=None, phone=None, **kind):
            citizen = issue(live, "budongchan", **({"id_number": id_number} if id_number else {})).json()
            live.post("/api/v1/windows/9/call-next", "counter", window=9)
            body = {"case_no": case_no, **kind, **({"phone": phone, "consent": True} if phone else {})}
            made = live.post("/api/v1/windows/9/cases", "counter", window=9, json=body)
            assert made.status_code == 201, made.text
            if kind["kind"] != "immediate":
                live.post(f"/api/v1/cases/{case_no}/handover", "counter", window=9,
                          json={"department": "不动产登记中心"})
            live.post("/api/v1/windows/9/finish", "counter", window=9)
            return citizen

        def report(case_no, *states, note=None):
            answer = None
            for state in states:
                answer = live.post(f"/api/v1/cases/{case_no}/progress", headers=bureau,
                                   json={"state": state, **({"note": note} if note else {})})
                assert answer.status_code == 200, answer.text
            return answer.json()

        # Monday: every kind at window 9
        live.post("/api/v1/windows/9/open", "counter", window=9)
        receive("JB-1", kind="immediate")
        receive("BDC-A", phone="13800000001", kind="promised", limit_days=3)
        b_citizen = receive("BDC-B", phone="13800000002", kind="promised", limit_days=3)
        receive("BDC-C", id_number=VALID, phone="13800000003", kind="joint", limit_days=5)
        receive("BDC-D", id_number=OTHER_ID, kind="promised", limit_days=3)
        receive("BDC-E", kind="promised", limit_days=3)
        receive("BDC-F", kind="promised", limit_days=1)  # nobody decides it in time

        # Tuesday: ready notices (the gateway down for one of them) and a request for material
        on(clock, 1)
        a_code = report("BDC-A", "accepted", "approved", "ready")["pickup_code"]
        sms.fail_next(1)
        report("BDC-B", "accepted", "approved", "ready")
        report("BDC-C", "accepted", "needs-material", note="请补交不动产测绘报告")
        report("BDC-D", "accepted", "ready")
        report("BDC-E", "accepted", "ready")
        outbox = live.app.state.cases.outbox
        deadline = time.monotonic() + 10  # the immediate try, made in the background, has failed
        while time.monotonic() < deadline and sum(m["attempts"] for m in live.get(
                "/api/v1/cases/BDC-B", "desk").json()["messages"]) == 0:
            outbox.send_due()
        on(clock, 1, "09:05")
        outbox.send_due()  # the failed one again, after its pause
        texts = [m["text"] for m in sms.accepted]
        assert len(texts) == 3 and sms.bad_signatures == 0  # A ready, B ready (retried), C material
        assert any(f"取件码 {a_code}" in x for x in texts) and any("请补交不动产测绘报告" in x for x in texts)
        assert [m["state"] for m in live.get("/api/v1/cases/BDC-B", "desk").json()["messages"]] == ["sent"]

        # Wednesday: pick-ups at the issuing window by code, by the phone page's QR, by ID card; one mailed
        on(clock, 2)
        live.post("/api/v1/windows/16/open", "counter", window=16)
        phone_page = live.post("/api/v1/tickets/by-code", json={"code": b_citizen["phone_code"]}).json()
        assert phone_page["cases"][0]["state"] == "ready" and phone_page["cases"][0]["pickup_qr_svg"]
        for how in ({"code": a_code}, {"qr": live.app.state.cases.qr_text("BDC-B")}, {"id_number": OTHER_ID}):
            assert live.post("/api/v1/pickups", "kiosk", json=how).status_code == 201
        handed = []
        for _ in range(3):
            live.post("/api/v1/windows/16/call-next", "counter", window=16)
            for case in live.get("/api/v1/windows/16/pickup", "counter", window=16).json():
                live.post(f"/api/v1/cases/{case['case_no']}/hand-out", "counter", window=16,
                          json={"receiver_id_number": VALID})
                handed.append(case["case_no"])
            live.post("/api/v1/windows/16/finish", "counter", window=16)
        assert handed == ["BDC-A", "BDC-B", "BDC-D"]
        live.post("/api/v1/cases/BDC-E/mail", "desk", json={"address": "山东省济南市历下区解放路 1 号",
                                                            "tracking_no": "EMS123456789"})

        # Thursday: BDC-F is past its day, held by the department
        on(clock, 3)
        overdue = live.get("/api/v1/cases", "desk", params={"only": "overdue"}).json()
        assert [(c["case_no"], c["department"]) for c in overdue] == [("BDC-F", "不动产登记中心")]
        assert any(a["kind"] == "case_overdue" and "BDC-F" in a["text"]
                   for a in live.get("/api/v1/stats/now", "admin").json()["alerts"])

        # a complaint and a bad rating, each followed to its call-back
        complaint = live.post("/api/v1/complaints", "desk", json={"what": "取件排队太久", "window": 16}).json()
        rated = issue(live, "shebao").json()
        live.post("/api/v1/windows/7/open", "counter", window=7)
        live.post("/api/v1/windows/7/call-next", "counter", window=7)
        live.post("/api/v1/windows/7/finish", "counter", window=7)
        live.post("/api/v1/ratings", json={"code": rated["phone_code"], "level": 2, "reasons": ["slow"]})
        tasks = live.get("/api/v1/followups", "desk").json()
        assert sorted(t["kind"] for t in tasks) == ["complaint", "rating"]
        for task in tasks:
            live.post(f"/api/v1/followups/{task['id']}/reply", "desk", json={"text": "已增开统一出件窗口"})
            live.post(f"/api/v1/followups/{task['id']}/close", "desk", json={"callback": "satisfied"})
        assert {t["summary"] for t in live.get("/api/v1/followups", "desk").json()} == {"已回访（满意）"}
        assert complaint["due_day"] == "2026-12-03"  # Thursday + 5 working days

        # Friday: the week's report counts the cases
        on(clock, 4)
        week = live.get("/api/v1/stats", "admin", params={"from": "2026-11-23", "to": "2026-11-27"}).json()
        kinds = {c["kind"]: c for c in week["cases"]}
        assert kinds["immediate"]["received"] == 1 and kinds["joint"]["received"] == 1
        assert (kinds["promised"]["received"], kinds["promised"]["decided_on_time"], kinds["promised"]["picked_up"],
                kinds["promised"]["mailed"], kinds["promised"]["overdue_open"]) == (5, 4, 3, 1, 1)
        assert week["bad_ratings"][0]["follow_up"] == "已回访（满意）"
