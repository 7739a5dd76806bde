"""Staff accounts over real HTTP (SQLite and PostgreSQL): 工号 + PIN sign-in at a counter instead of pasted tokens,
attribution to the member, locks, sign-out, disabling (issue 11)."""

import datetime as dt

import pytest
from sqlalchemy import select

from caller.storage import tables
from tests.caller.test_api import issue, problem


def add(live, staff_no="1001", name="张三", pin="402913", roles=("window",), windows="1-6"):
    return live.post("/api/v1/staff", "admin", json={"staff_no": staff_no, "name": name, "pin": pin,
                                                      "roles": list(roles), "windows": windows})


def sign_in(live, staff_no="1001", pin="402913", window=3):
    return live.post("/api/v1/staff/sign-in", json={"staff_no": staff_no, "pin": pin, "window": window})


def test_a_member_signs_in_with_staff_number_and_pin_and_services_are_theirs(live):
    assert add(live).status_code == 201
    answer = sign_in(live)
    assert answer.status_code == 201, answer.text
    session = {"Authorization": f"Bearer {answer.json()['token']}"}
    assert answer.json()["name"] == "张三" and answer.json()["window"] == 3
    assert live.get("/api/v1/whoami", headers=session).json() == {"role": "counter", "window": 3,
                                                                   "label": "张三（1001）"}
    code = issue(live).json()["phone_code"]
    for action in ("open", "call-next", "finish"):
        assert live.post(f"/api/v1/windows/3/{action}", headers=session).status_code == 200
    assert live.post("/api/v1/windows/4/open", headers=session).status_code == 403  # its own window only
    rated = live.post("/api/v1/ratings", json={"code": code, "level": 5})
    assert rated.status_code == 201, rated.text
    summary = live.get("/api/v1/ratings/summary", "admin", params={"by": "staff"}).json()
    assert [row["key"] for row in summary] == ["张三（1001）"]  # the member, 工号 included, not a token label
    with live.app.state.service.db.read() as conn:
        (pin_hash,) = conn.execute(select(tables.staff.c.pin_hash)).one()
    assert pin_hash.startswith("$argon2id$") and "402913" not in pin_hash


def test_wrong_pins_look_like_unknown_numbers_and_five_lock_the_account_until_reset(live):
    add(live)
    unknown = problem(sign_in(live, staff_no="9999"), 401, "sign_in_failed")
    wrong = problem(sign_in(live, pin="111112"), 401, "sign_in_failed")
    assert unknown["message"] == wrong["message"]
    for _ in range(4):
        problem(sign_in(live, pin="111112"), 401, "sign_in_failed")
    problem(sign_in(live), 403, "account_locked")  # the right PIN, now locked
    assert live.post("/api/v1/staff/1001/reset-pin", "admin", json={"pin": "583920"}).json()["locked"] is False
    assert sign_in(live, pin="583920").status_code == 201


def test_a_session_ends_on_sign_out_on_disabling_at_another_window_and_after_twelve_hours(live, clock):
    add(live)
    first = {"Authorization": f"Bearer {sign_in(live).json()['token']}"}
    assert live.post("/api/v1/staff/sign-out", headers=first).status_code == 204
    assert live.post("/api/v1/windows/3/open", headers=first).status_code == 401  # at once
    second = {"Authorization": f"Bearer {sign_in(live, window=3).json()['token']}"}
    third = {"Authorization": f"Bearer {sign_in(live, window=4).json()['token']}"}
    assert live.post("/api/v1/windows/3/open", headers=second).status_code == 401  # one counter at a time
    assert live.post("/api/v1/windows/4/open", headers=third).status_code == 200
    clock.advance(hours=12, minutes=1)
    assert live.post("/api/v1/windows/4/pause", headers=third).status_code == 401
    fourth = {"Authorization": f"Bearer {sign_in(live, window=4).json()['token']}"}
    assert live.post("/api/v1/staff/1001/disable", "admin").json()["disabled"] is True
    assert live.post("/api/v1/windows/4/pause", headers=fourth).status_code == 401
    problem(sign_in(live), 401, "sign_in_failed")
    with live.app.state.service.db.read() as conn:
        rows = conn.execute(select(tables.staff_sessions).order_by(tables.staff_sessions.c.id)).all()
    assert [r.ended_by for r in rows] == ["sign-out", "replaced", "expired", "disabled"]
    assert rows[2].ended_at - rows[2].started_at == dt.timedelta(hours=12)  # its hours end at its expiry


@pytest.mark.parametrize("body, code", [
    ({"pin": "123456"}, "weak_pin"), ({"pin": "000000"}, "weak_pin"), ({"pin": "12ab56"}, "invalid_pin"),
    ({"roles": ["boss"]}, "invalid_role"), ({"windows": "1-x"}, "invalid_windows"),
    ({"windows": "1-99999999"}, "invalid_windows"), ({"windows": "6-1"}, "invalid_windows"),
])
def test_accounts_are_refused_weak_pins_and_unknown_roles(live, body, code):
    base = {"staff_no": "1002", "name": "李四", "pin": "402913", "roles": ["window"], "windows": "1"}
    problem(live.post("/api/v1/staff", "admin", json={**base, **body}), 422, code)


def test_only_an_admin_manages_accounts_and_a_member_signs_in_only_where_allowed(live):
    assert add(live, staff_no="1003", windows="7").status_code == 201
    problem(add(live, staff_no="1003"), 409, "staff_exists")
    assert live.post("/api/v1/staff", "kiosk", json={}).status_code == 403
    assert live.get("/api/v1/staff", "counter", window=1).status_code == 403
    problem(sign_in(live, staff_no="1003", window=3), 403, "window_not_allowed")
    add(live, staff_no="1004", roles=("desk",), windows="*")
    problem(sign_in(live, staff_no="1004", window=3), 403, "window_not_allowed")  # 导服, not window staff
    listed = live.get("/api/v1/staff", "admin").json()
    assert [m["staff_no"] for m in listed] == ["1003", "1004"] and "pin" not in str(listed)


def test_the_staff_commands_add_list_disable_and_reset_a_pin_read_from_standard_input(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    url = f"sqlite:///{tmp_path / 'staff.sqlite'}"

    def staff(*args, pin=None):
        return subprocess.run([sys.executable, "-m", "caller.cli", "staff", *args, "--database-url", url],
                              input=(pin + "\n") if pin else "", capture_output=True, text=True, cwd=ROOT)

    added = staff("add", "1001", "--name", "王五", "--windows", "1-6", pin="402913")
    assert added.returncode == 0 and "windows 1-6" in added.stdout, added.stderr
    assert staff("add", "1002", "--name", "赵六", pin="123456").returncode == 2  # too easy
    assert "1001" in staff("list").stdout and "402913" not in staff("list").stdout
    assert staff("reset-pin", "1001", pin="583920").returncode == 0
    assert "disabled 1001" in staff("disable", "1001").stdout
    assert "disabled" in staff("list").stdout
    missing = staff("disable", "4040")
    assert missing.returncode == 2 and "4040" in missing.stderr


def test_a_member_of_every_window_by_number_is_stored_compactly_on_both_backends(live):
    # before: "1-60" was stored as "1,2,…,60", longer than its column: PostgreSQL refused it with an error
    answer = add(live, staff_no="1005", windows="1-60,70-999,65")
    assert answer.status_code == 201, answer.text
    assert answer.json()["windows"] == "1-60,65,70-999"
    assert sign_in(live, staff_no="1005", window=7).status_code == 201
    problem(sign_in(live, staff_no="1005", window=998), 404, "unknown_window")  # no such window in the hall


def test_an_administrator_signs_in_for_an_hour_and_nobody_else_does(live, clock):
    from caller.staff.rules import StaffRole

    book = live.app.state.staff
    book.add("9001", "周主任", "402913", frozenset({StaffRole.ADMIN}), None)
    book.add("5001", "赵敏", "402913", frozenset({StaffRole.DESK, StaffRole.MANAGER}), frozenset())
    problem(live.post("/api/v1/staff/sign-in", json={"staff_no": "5001", "pin": "402913", "admin": True}), 403,
            "admin_not_allowed")
    problem(live.post("/api/v1/staff/sign-in", json={"staff_no": "9001", "pin": "402913", "admin": True,
                                                     "window": 3}), 422, "invalid_request")
    session = live.post("/api/v1/staff/sign-in", json={"staff_no": "9001", "pin": "402913", "admin": True}).json()
    assert session["role"] == "admin" and session["expires_at"].startswith("2026-11-23T10:00")  # 09:00 + 1 h
    admin = {"Authorization": "Bearer " + session["token"]}
    assert [m["staff_no"] for m in live.get("/api/v1/staff", headers=admin).json()] == ["5001", "9001"]
    clock.advance(hours=1, seconds=1)
    problem(live.get("/api/v1/staff", headers=admin), 401, "unauthorized")
