"""Ratings for the provincial 好差评 platform (统一出件 issue): each rating kept in the platform's shape (per service,
with the case number, matter, window, staff, level, reason classes, channel and time), posted signed to a loopback
fake platform that checks the signature, retried when it fails, given up and shown to the manager after the last
try, and listed for export — on SQLite and PostgreSQL."""

import time

from tests.caller.test_api import issue, problem
from tests.caller.test_reports import member
from tests.conftest import serving
from tests.fake_sms import FakeSmsGateway  # the same signed-JSON receiver stands in for the platform


def served_and_rated(live, headers, level, case_no=None, **rating):
    ticket = issue(live, "budongchan").json()
    live.post("/api/v1/windows/9/call-next", headers=headers)
    if case_no:
        live.post("/api/v1/windows/9/cases", headers=headers, json={"case_no": case_no, "kind": "immediate"})
    live.post("/api/v1/windows/9/finish", headers=headers)
    answer = live.post("/api/v1/ratings", json={"code": ticket["phone_code"], "level": level, **rating})
    assert answer.status_code == 201, answer.text


def until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()


def test_every_rating_reaches_the_platform_signed_and_a_failure_is_retried_then_shown(hall, db_url, clock):
    with FakeSmsGateway(key_id="province", secret="haochaping") as platform, serving(
            hall, db_url, clock, haochaping_url=platform.url, haochaping_key_id="province",
            haochaping_secret="haochaping") as live:
        li = member(live, "2001", "李静", 9)
        live.post("/api/v1/windows/9/open", headers=li)
        served_and_rated(live, li, 1, case_no="JB-0901", reasons=["attitude"], reason="态度差，电话 13812345678")
        assert until(lambda: len(platform.accepted) == 1) and platform.bad_signatures == 0
        sent = platform.accepted[0]
        assert {k: sent[k] for k in ("case_no", "matter", "window", "staff", "level", "level_name", "reason_classes",
                                     "channel")} == {
            "case_no": "JB-0901", "matter": "不动产", "window": 9, "staff": "李静（2001）", "level": 1,
            "level_name": "非常不满意", "reason_classes": ["服务态度不好"], "channel": "扫码评价"}
        assert sent["reason_text"] == "态度差，电话 138****5678" and sent["service_id"].startswith("sample-")
        assert sent["rated_at"].startswith("2026-11-23T09:00")

        platform.fail_next(1)
        served_and_rated(live, li, 5)
        export = live.app.state.ratings.export
        rows = lambda: live.get("/api/v1/ratings/export", "admin", params={"from": "2026-11-23", "to": "2026-11-23"}).json()  # noqa: E731
        assert until(lambda: rows()[1]["delivery"]["attempts"] == 1)
        assert rows()[1]["delivery"] == {"state": "pending", "attempts": 1, "last_error": "refused: HTTP 500"}
        clock.advance(seconds=31)
        assert export.send_due() == 1 and len(platform.accepted) == 2 and platform.accepted[1]["level"] == 5
        assert [r["delivery"]["state"] for r in rows()] == ["sent", "sent"]
        assert rows()[1]["case_no"] is None  # a service with no case

        platform.fail_next(99)
        served_and_rated(live, li, 4)
        assert until(lambda: rows()[2]["delivery"]["attempts"] == 1)
        for _ in range(4):
            clock.advance(minutes=31)
            export.send_due()
        assert rows()[2]["delivery"]["state"] == "failed"
        alerts = live.get("/api/v1/stats/now", "admin").json()["alerts"]
        assert any(a["kind"] == "haochaping_failed" and "1 条" in a["text"] for a in alerts)
        problem(live.get("/api/v1/ratings/export", "desk", params={"from": "2026-11-23", "to": "2026-11-23"}), 403,
                "forbidden")
        problem(live.get("/api/v1/ratings/export", "admin", params={"from": "2026-11-24", "to": "2026-11-23"}), 422,
                "invalid_range")
