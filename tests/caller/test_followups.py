"""Follow-ups (统一出件 issue): a complaint at the 找茬 window answered within the hall's working days and closed with
its call-back; every 不满意 / 非常不满意 rating opening a 整改 that the reports show; the monitor warning when a
reply is overdue — over real HTTP on SQLite and PostgreSQL."""

from tests.caller.test_api import issue, problem
from tests.caller.test_reports import member


def test_a_complaint_is_assigned_answered_and_called_back(live, clock):
    kong = member(live, "2005", "孔丽", 15)  # the 咨询·找茬 window
    made = live.post("/api/v1/complaints", headers=kong, json={
        "what": "不动产窗口让我跑了三次，电话 13812345678 打不通", "complainant": "张三丰", "window": 9})
    assert made.status_code == 201, made.text
    item = made.json()
    assert (item["kind_name"], item["state_name"], item["complainant"], item["created_by"]) == (
        "投诉", "待处理", "张**", "孔丽（2005）")
    assert item["due_day"] == "2026-11-30" and "138****5678" in item["what"]  # Monday + 5 working days
    problem(live.post(f"/api/v1/followups/{item['id']}/close", headers=kong, json={"callback": "satisfied"}), 409,
            "invalid_transition")  # a reply comes first
    assigned = live.post(f"/api/v1/followups/{item['id']}/assign", "desk", json={"owner": "周主任（9001）"}).json()
    assert assigned["owner"] == "周主任（9001）"
    clock.advance(days=2)  # the counter session has ended with the day: the 咨询台 answers
    replied = live.post(f"/api/v1/followups/{item['id']}/reply", "desk",
                        json={"text": "已约谈窗口负责人，改为一次性告知清单"}).json()
    assert replied["state"] == "replied" and replied["owner"] == "周主任（9001）"
    closed = live.post(f"/api/v1/followups/{item['id']}/close", "desk",
                       json={"callback": "basic", "note": "群众表示基本满意"}).json()
    assert closed["summary"] == "已回访（基本满意）"
    assert [f["id"] for f in live.get("/api/v1/followups", "desk", params={"state": "closed"}).json()] == [item["id"]]
    problem(live.get("/api/v1/followups", "kiosk"), 403, "forbidden")
    problem(live.post("/api/v1/followups/999/reply", "desk", json={"text": "不存在"}), 404, "unknown_followup")


def test_a_bad_rating_opens_a_rectification_that_the_report_follows_and_an_overdue_one_warns(live, clock):
    li = member(live, "2001", "李静", 7)
    ticket = issue(live, "shebao").json()
    live.post("/api/v1/windows/7/open", headers=li)
    live.post("/api/v1/windows/7/call-next", headers=li)
    live.post("/api/v1/windows/7/finish", headers=li)
    rated = live.post("/api/v1/ratings", json={"code": ticket["phone_code"], "level": 2, "reasons": ["slow"]})
    assert rated.status_code == 201, rated.text
    [task] = live.get("/api/v1/followups", "desk").json()
    assert (task["kind_name"], task["staff"], task["window"], task["what"]) == (
        "差评整改", "李静（2001）", 7, "不满意：办事效率低、等候时间长")
    day = {"from": "2026-11-23", "to": "2026-11-23"}
    assert live.get("/api/v1/stats", "admin", params=day).json()["bad_ratings"][0]["follow_up"] == "待处理"
    clock.advance(days=8)  # past its 5 working days, unanswered
    assert [f["id"] for f in live.get("/api/v1/followups", "desk", params={"state": "overdue"}).json()] == [task["id"]]
    alerts = live.get("/api/v1/stats/now", "admin").json()["alerts"]
    assert any(a["kind"] == "followup_overdue" and "差评整改逾期未答复" in a["text"] for a in alerts)
    live.post(f"/api/v1/followups/{task['id']}/reply", "desk", json={"text": "已调整午间排班，增开潮汐窗口"})
    assert live.get("/api/v1/stats", "admin", params=day).json()["bad_ratings"][0]["follow_up"] == "已答复"
    good = issue(live, "shebao").json()
    live.post("/api/v1/windows/7/open", "counter", window=7)
    live.post("/api/v1/windows/7/call-next", "counter", window=7)
    live.post("/api/v1/windows/7/finish", "counter", window=7)
    live.post("/api/v1/ratings", json={"code": good["phone_code"], "level": 5})
    assert len(live.get("/api/v1/followups", "desk").json()) == 1  # a good rating opens nothing
