"""The back office (issue 12): the hall edited over HTTP, checked like check-config with every problem at its field,
run at once by every caller process without a restart, refused when it would strand waiting tickets (or moved with
their age), kept with who made it, undone, and the hall file exported and imported."""

import copy
import time
import tomllib

from caller.staff.rules import StaffRole
from tests.caller.test_api import issue, problem
from tests.conftest import serving


def manager(live):
    live.app.state.staff.add("9001", "周主任", "402913", frozenset({StaffRole.ADMIN}), None)
    session = live.post("/api/v1/staff/sign-in", json={"staff_no": "9001", "pin": "402913", "admin": True}).json()
    return {"Authorization": "Bearer " + session["token"]}


def current(live):
    answer = live.get("/api/v1/office/hall", "admin")
    assert answer.status_code == 200, answer.text
    return answer.json()


def save(live, hall, base, moves=None, headers=None):
    body = {"hall": hall, "base_version": base, **({"moves": moves} if moves else {})}
    if headers:
        return live.put("/api/v1/office/hall", json=body, headers=headers)
    return live.put("/api/v1/office/hall", "admin", json=body)


def category(hall, cid):
    return next(c for c in hall["categories"] if c["id"] == cid)


def test_an_edit_runs_at_once_and_is_kept_with_who_made_it(live):
    boss = manager(live)
    now = live.get("/api/v1/office/hall", headers=boss).json()
    assert now["version"] == 1 and now["hall"]["hall"]["id"] == "sample"
    hall = copy.deepcopy(now["hall"])
    category(hall, "shebao")["name"] = "社保业务"
    hall["hours"]["closed_dates"] = ["2026-12-31"]
    answer = save(live, hall, 1, headers=boss)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"version": 2}
    public = live.get("/api/v1/categories").json()
    assert any(c["id"] == "shebao" and c["name"] == "社保业务" for c in public)  # no restart
    history = live.get("/api/v1/office/history", headers=boss).json()
    assert [(v["version"], v["action"], v["author"]) for v in history] == [(2, "edit", "周主任（9001）"),
                                                                          (1, "file", "配置文件")]
    assert "categories[shebao].name" in history[0]["note"] and "hours.closed_dates" in history[0]["note"]
    events = live.app.state.service.events_after(0)
    assert [e.data for e in events if e.type == "hall-changed"] == [{"version": 1}, {"version": 2}]


def test_every_problem_comes_with_its_field_and_nothing_is_stored(live):
    hall = current(live)["hall"]
    hall["categories"][1]["prefix"] = hall["categories"][0]["prefix"]
    hall["categories"][0]["service_minutes"] = -1
    hall["hours"]["issue_until"] = "07:00"
    checked = live.post("/api/v1/office/hall/check", "admin", json={"hall": hall, "base_version": 1}).json()
    fields = {p["field"]: p["message"] for p in checked["problems"]}
    assert checked["ok"] is False
    assert fields["categories[1].prefix"] == "字头 A 与第 1 个事项重复"
    assert fields["categories[0].service_minutes"] == "应大于 0"
    assert fields["hours.issue_until"] == "应晚于前一时刻"
    refused = save(live, hall, 1)
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_hall"
    assert {p["field"] for p in refused.json()["problems"]} == set(fields)
    assert [v["version"] for v in live.get("/api/v1/office/history", "admin").json()] == [1]


def test_removing_a_matter_with_tickets_waiting_moves_them_keeping_their_age(live, clock):
    waiting = [issue(live, "zonghe").json() for _ in range(3)]
    clock.advance(minutes=5)
    later = issue(live, "zixun").json()
    hall = current(live)["hall"]
    assert current(live)["waiting"] == {"zonghe": 3, "zixun": 1}
    hall["categories"] = [c for c in hall["categories"] if c["id"] != "zonghe"]
    checked = live.post("/api/v1/office/hall/check", "admin", json={"hall": hall, "base_version": 1}).json()
    assert checked["stranded"] == [{"category": "zonghe", "waiting": 3, "reason": "removed"}]
    refused = save(live, hall, 1)
    assert refused.status_code == 409 and refused.json()["error"] == "would_strand"
    assert refused.json()["problems"][0]["field"] == "moves.zonghe"
    assert "还有 3 人在等候" in refused.json()["problems"][0]["message"]
    assert save(live, hall, 1, {"zonghe": "nowhere"}).status_code == 409
    answer = save(live, hall, 1, {"zonghe": "zixun"})
    assert answer.status_code == 200, answer.text
    assert "3 位等候群众已转到新事项" in live.get("/api/v1/office/history", "admin").json()[0]["note"]
    live.post("/api/v1/windows/15/open", "counter", window=15)
    called = live.post("/api/v1/windows/15/call-next", "counter", window=15).json()["ticket"]
    assert called["id"] == waiting[0]["id"] and called["category_name"] == "咨询·找茬"  # older than the 咨询 ticket
    assert later["number"].startswith("K")


def test_a_window_in_use_and_the_hall_itself_cannot_be_taken_away(live):
    live.post("/api/v1/windows/9/open", "counter", window=9)
    hall = current(live)["hall"]
    hall["windows"] = [w for w in hall["windows"] if w["number"] != 9]
    refused = save(live, hall, 1)
    assert refused.status_code == 409 and any("9 号窗口正在使用" in p["message"] for p in refused.json()["problems"])
    hall = current(live)["hall"]
    hall["hall"]["id"] = "another"
    assert save(live, hall, 1).json()["problems"][0]["field"] == "hall.id"
    live.post("/api/v1/windows/9/close", "counter", window=9)
    hall = current(live)["hall"]
    hall["windows"] = [w for w in hall["windows"] if w["number"] != 9]
    assert save(live, hall, 1).status_code == 200


def test_a_change_on_an_old_version_is_refused_and_undo_brings_back_the_earlier_one(live):
    first = current(live)["hall"]
    hall = copy.deepcopy(first)
    category(hall, "yibao")["service_minutes"] = 25
    assert save(live, hall, 1).status_code == 200
    category(hall, "yibao")["service_minutes"] = 30
    problem(save(live, hall, 1), 409, "stale_version")  # someone saved version 2 meanwhile
    undone = live.post("/api/v1/office/history/1/restore", "admin", json={"base_version": 2})
    assert undone.json() == {"version": 3}
    assert category(current(live)["hall"], "yibao")["service_minutes"] == category(first, "yibao")["service_minutes"]
    assert live.get("/api/v1/office/history", "admin").json()[0]["note"] == "恢复为第 1 版"
    problem(live.post("/api/v1/office/history/99/restore", "admin", json={"base_version": 3}), 404,
            "unknown_version")


def test_only_an_administrator_edits_the_hall(live):
    for role, window in (("counter", 3), ("desk", None), ("kiosk", None), ("display", None)):
        problem(live.get("/api/v1/office/hall", role, window=window), 403, "forbidden")
    problem(live.get("/api/v1/office/hall"), 401, "unauthorized")


def test_the_hall_file_goes_out_and_comes_back_in(live):
    exported = live.get("/api/v1/office/hall.toml", "admin")
    assert exported.headers["content-type"].startswith("application/toml")
    raw = tomllib.loads(exported.text)
    assert raw["hall"]["id"] == "sample" and len(raw["windows"]) == 16
    text = exported.text.replace('name = "咨询·找茬"', 'name = "咨询找茬"')
    assert text != exported.text
    answer = live.post("/api/v1/office/import", "admin", json={"toml": text, "base_version": 1})
    assert answer.json() == {"version": 2}
    assert category(current(live)["hall"], "zixun")["name"] == "咨询找茬"
    broken = live.post("/api/v1/office/import", "admin", json={"toml": "[hall\nid=", "base_version": 2})
    assert broken.status_code == 422 and broken.json()["problems"][0]["field"] == "<file>"
    old = live.get("/api/v1/office/hall.toml?version=1", "admin")
    assert tomllib.loads(old.text) == raw


def test_every_process_runs_the_new_version_and_a_restart_keeps_it(hall, db_url, clock):
    with serving(hall, db_url, clock) as one, serving(hall, db_url, clock) as two:
        edited = current(one)["hall"]
        category(edited, "minzheng")["name"] = "民政婚姻"
        assert save(one, edited, 1).status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (two.app.state.service.hall.category("minzheng").name != "民政婚姻"
                                               or two.app.state.office.version != 2):  # the hall swaps in first
            time.sleep(0.05)
        assert two.app.state.office.version == 2
        assert any(c["name"] == "民政婚姻" for c in two.get("/api/v1/categories").json())
    with serving(hall, db_url, clock) as again:  # the same file: the back office's edit stays in force
        assert again.app.state.office.version == 2
        assert again.app.state.service.hall.category("minzheng").name == "民政婚姻"
    changed = hall.model_copy(update={"queue": hall.queue.model_copy(update={"recalls_before_no_show": 3})})
    with serving(changed, db_url, clock) as after_file_edit:  # an edited file wins, as a version of its own
        history = after_file_edit.get("/api/v1/office/history", "admin").json()
        assert [(v["version"], v["action"]) for v in history][:2] == [(3, "file"), (2, "edit")]
        assert after_file_edit.app.state.service.hall.category("minzheng").name != "民政婚姻"


def test_the_command_line_lists_the_versions_and_writes_the_running_hall_file(hall, sqlite_url, clock, tmp_path):
    from tests.caller.test_stranded import onewindow

    with serving(hall, sqlite_url, clock) as live:
        edited = current(live)["hall"]
        category(edited, "tuiyi")["name"] = "退役军人事务"
        assert save(live, edited, 1).status_code == 200
    listed = onewindow("office", "history", "--database-url", sqlite_url)
    assert listed.returncode == 0 and "   2  " in listed.stdout and "管理员令牌" in listed.stdout, listed.stderr
    out = tmp_path / "hall.toml"
    written = onewindow("office", "export", "--out", str(out), "--database-url", sqlite_url)
    assert written.returncode == 0 and "version 2" in written.stdout, written.stderr
    assert next(c for c in tomllib.loads(out.read_text())["categories"] if c["id"] == "tuiyi")["name"] == "退役军人事务"
    old = onewindow("office", "export", "--version", "9", "--out", str(out), "--database-url", sqlite_url)
    assert old.returncode == 2 and "没有第 9 版配置" in old.stderr


def test_control_characters_are_refused_at_their_field_on_either_database(live):
    hall = current(live)["hall"]
    category(hall, "shebao")["name"] = "社保\x00"
    refused = save(live, hall, 1)
    assert refused.status_code == 422, refused.text  # PostgreSQL would refuse the NUL: never a 500
    assert refused.json()["problems"][0]["field"] == "categories.[0].name".replace(".[", "[")
    problem(live.post("/api/v1/office/import", "admin", json={"toml": "[hall]\x00", "base_version": 1}), 422,
            "invalid_text")
    assert [v["version"] for v in live.get("/api/v1/office/history", "admin").json()] == [1]
