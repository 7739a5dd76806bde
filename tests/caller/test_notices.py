"""Notices over real HTTP (SQLite and PostgreSQL): a help request is a task a named member takes and finishes, and
goes to the manager when nobody does; devices report themselves and their notices clear when they recover
(issue 11)."""

import requests

from caller.staff.rules import StaffRole
from tests.caller.test_api import problem
from tests.caller.test_receipts_and_help import events


def signed_in(live, staff_no, name, roles, window=None):
    live.app.state.staff.add(staff_no, name, "402913", frozenset(roles), frozenset({14}))
    body = {"staff_no": staff_no, "pin": "402913", **({"window": window} if window else {})}
    answer = live.post("/api/v1/staff/sign-in", json=body)
    assert answer.status_code == 201, answer.text
    return {"Authorization": "Bearer " + answer.json()["token"]}


def test_the_desk_signs_in_without_a_window_and_window_staff_may_not(live):
    live.app.state.staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
    problem(live.post("/api/v1/staff/sign-in", json={"staff_no": "2001", "pin": "402913"}), 403, "desk_not_allowed")
    answer = live.app.state.staff.add("5001", "赵敏", "402913", frozenset({StaffRole.DESK}), frozenset())
    assert answer.roles == {StaffRole.DESK}
    session = live.post("/api/v1/staff/sign-in", json={"staff_no": "5001", "pin": "402913"}).json()
    assert session["role"] == "desk" and session["window"] is None and session["name"] == "赵敏"
    desk = {"Authorization": "Bearer " + session["token"]}
    assert live.get("/api/v1/notices", headers=desk).json() == []
    problem(live.post("/api/v1/windows/3/open", headers=desk), 403, "forbidden")  # a desk is no counter
    assert live.post("/api/v1/staff/sign-out", headers=desk).status_code == 204
    problem(live.get("/api/v1/notices", headers=desk), 401, "unauthorized")


def test_a_help_request_is_a_task_a_named_member_takes_and_finishes(live):
    raised = live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1", "note": "老人需要帮办，电话 13800138000"})
    assert raised.status_code == 201, raised.text
    notice_id = raised.json()["notice"]
    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
    (listed,) = live.get("/api/v1/notices", headers=desk).json()
    assert listed["id"] == notice_id and listed["kind"] == "help" and listed["source"] == "kiosk-1"
    assert listed["condition_name"] == "帮办代办请求" and listed["note"] == "老人需要帮办，电话 138****8000"
    assert listed["acknowledged_by"] is None and listed["raised_at"].startswith("2026-11-23T09:")
    # a device's counter token is nobody: a task is taken by a named member
    problem(live.post(f"/api/v1/notices/{notice_id}/acknowledge", "counter", window=3), 403, "named_staff_only")
    problem(live.post(f"/api/v1/notices/{notice_id}/acknowledge", "kiosk"), 403, "forbidden")
    taken = live.post(f"/api/v1/notices/{notice_id}/acknowledge", headers=desk)
    assert taken.status_code == 200 and taken.json()["acknowledged_by"] == "赵敏（5001）"
    helper = signed_in(live, "3001", "王芳", {StaffRole.HELP}, window=14)
    problem(live.post(f"/api/v1/notices/{notice_id}/acknowledge", headers=helper), 409, "already_taken")
    done = live.post(f"/api/v1/notices/{notice_id}/done", headers=helper)
    assert done.status_code == 200 and done.json()["cleared_at"] is not None
    assert live.get("/api/v1/notices", headers=desk).json() == []
    problem(live.post(f"/api/v1/notices/{notice_id}/done", headers=desk), 409, "already_cleared")
    problem(live.post("/api/v1/notices/999999/acknowledge", headers=desk), 404, "unknown_notice")
    problem(live.post("/api/v1/notices/0/acknowledge", headers=desk), 422, "invalid_request")
    streamed = [e for e in events(live) if e["type"].startswith("notice-")]
    assert [e["type"] for e in streamed] == ["notice-raised", "notice-acknowledged", "notice-cleared"]
    assert all(e["data"] == {"notice": notice_id, "kind": "help", "condition": "help", "source": "kiosk-1"}
               for e in streamed)  # who took it, and the note, stay off the stream
    with live.app.state.service.db.read() as conn:
        kept = conn.exec_driver_sql("SELECT data FROM events WHERE type = 'notice-acknowledged'").scalar_one()
    assert "赵敏（5001）" in kept


def test_a_help_request_nobody_takes_goes_to_the_manager_once(live, clock):
    first = live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1"}).json()["notice"]
    second = live.post("/api/v1/help", "kiosk", json={"source": "kiosk-2"}).json()["notice"]
    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
    live.post(f"/api/v1/notices/{second}/acknowledge", headers=desk)
    sweep = live.app.state.notices.sweep
    clock.advance(minutes=2, seconds=59)
    assert sweep() == ([], [])
    clock.advance(seconds=1)  # the hall's help_escalate_minutes = 3
    assert sweep() == ([], [first])
    assert sweep() == ([], [])
    listed = {n["id"]: n["escalated"] for n in live.get("/api/v1/notices", headers=desk).json()}
    assert listed == {first: True, second: False}
    assert [e["data"]["notice"] for e in events(live) if e["type"] == "notice-escalated"] == [first]


def test_a_device_reports_its_conditions_and_they_clear_when_it_recovers(live):
    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})

    def report(*conditions, device="kiosk-1", role="kiosk"):
        answer = live.post("/api/v1/devices/report", role, json={"device": device, "conditions": list(conditions)})
        assert answer.status_code == 200, answer.text
        return sorted(n["condition"] for n in answer.json()["open"])

    assert report() == []
    assert report("paper-low") == ["paper-low"]
    assert report("paper-low") == ["paper-low"]  # still low: the same notice, not a second one
    assert report("paper-out", "paper-low", "reader-failed") == ["paper-out", "reader-failed"]
    assert report("announcer-failed", device="board-lobby", role="display") == ["announcer-failed"]
    listed = live.get("/api/v1/notices", headers=desk).json()
    assert sorted((n["source"], n["condition_name"]) for n in listed) == [
        ("board-lobby", "语音播报故障"), ("kiosk-1", "缺纸"), ("kiosk-1", "读卡器故障")]
    paper_out = next(n["id"] for n in listed if n["condition"] == "paper-out")
    problem(live.post(f"/api/v1/notices/{paper_out}/done", headers=desk), 409, "clears_by_itself")
    assert live.post(f"/api/v1/notices/{paper_out}/acknowledge", headers=desk).json()["acknowledged_by"]
    assert report() == []  # paper in, reader back
    assert [n["source"] for n in live.get("/api/v1/notices", headers=desk).json()] == ["board-lobby"]
    problem(live.post("/api/v1/devices/report", "kiosk", json={"device": "kiosk-1", "conditions": ["offline"]}),
            422, "unknown_condition")  # offline is the caller's conclusion, never a report
    problem(live.post("/api/v1/devices/report", "kiosk", json={"device": "kiosk 1"}), 422, "invalid_request")
    problem(live.post("/api/v1/devices/report", "counter", window=3, json={"device": "kiosk-1"}), 403, "forbidden")
    cleared = [e for e in events(live) if e["type"] == "notice-cleared"]
    assert len(cleared) == 3 and all("staff" not in e["data"] for e in cleared)


def test_a_silent_device_is_reported_offline_once_and_clears_with_its_next_report(live, clock):
    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
    live.post("/api/v1/devices/report", "kiosk", json={"device": "kiosk-1", "conditions": []})
    live.post("/api/v1/devices/report", "display", json={"device": "board-lobby", "conditions": []})
    sweep = live.app.state.notices.sweep
    clock.advance(seconds=60)
    live.post("/api/v1/devices/report", "display", json={"device": "board-lobby", "conditions": []})
    clock.advance(seconds=31)  # kiosk-1 silent for 91 s: the hall's device_offline_seconds is 90
    assert sweep() == (["kiosk-1"], [])
    assert sweep() == ([], [])
    (offline,) = live.get("/api/v1/notices", headers=desk).json()
    assert offline["source"] == "kiosk-1" and offline["condition_name"] == "离线"
    answer = live.post("/api/v1/devices/report", "kiosk", json={"device": "kiosk-1", "conditions": []}).json()
    assert answer["open"] == [] and live.get("/api/v1/notices", headers=desk).json() == []
    clock.advance(seconds=91)
    assert sorted(sweep()[0]) == ["board-lobby", "kiosk-1"]
    admin = live.headers("admin")
    assert requests.delete(live.base + "/api/v1/devices/board-lobby", headers=admin, timeout=10).status_code == 204
    assert [n["source"] for n in live.get("/api/v1/notices", headers=desk).json()] == ["kiosk-1"]
    clock.advance(seconds=91)
    assert sweep() == ([], [])  # a retired device is forgotten; kiosk-1's offline notice is still open
    problem(requests.delete(live.base + "/api/v1/devices/board-lobby", headers=admin, timeout=10), 404, "unknown_device")


def test_the_help_window_serves_daiban_tickets_and_the_comprehensive_windows_do_not(live):
    helper = signed_in(live, "3001", "王芳", {StaffRole.HELP}, window=14)
    ticket = live.post("/api/v1/tickets", "kiosk", json={"category": "daiban"}).json()
    assert ticket["number"] == "J001"
    live.post("/api/v1/windows/1/open", "counter", window=1)
    assert live.post("/api/v1/windows/1/call-next", "counter", window=1).status_code == 204  # 综合 "*": not 代办
    live.post("/api/v1/windows/14/open", headers=helper)
    called = live.post("/api/v1/windows/14/call-next", headers=helper)
    assert called.status_code == 200 and called.json()["ticket"]["number"] == "J001"
