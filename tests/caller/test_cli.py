import datetime as dt
import subprocess
import sys

import pytest
import requests

from tests.conftest import ROOT, start_live_caller
from tests.wall_clock import environment


def onewindow(*args, cwd=ROOT, wall_clock=None):
    return subprocess.run([sys.executable, "-m", "caller.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=environment(wall_clock))


def test_a_created_counter_token_acts_on_its_window_only(hall, sqlite_url, clock):
    made = onewindow("token", "create", "--role", "counter", "--window", "3", "--database-url", sqlite_url)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("ow_") and len(token) > 30
    live, server, thread = start_live_caller(hall, sqlite_url, clock)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.post(f"{live.base}/api/v1/windows/3/open", headers=headers, timeout=5).status_code == 200
        assert requests.post(f"{live.base}/api/v1/windows/4/open", headers=headers, timeout=5).status_code == 403
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    listing = onewindow("token", "list", "--database-url", sqlite_url)
    assert "counter" in listing.stdout and token not in listing.stdout
    assert onewindow("token", "revoke", "1", "--database-url", sqlite_url).returncode == 0
    assert "revoked" in onewindow("token", "list", "--database-url", sqlite_url).stdout


def test_token_create_refuses_a_counter_without_a_window_or_an_unknown_one(sqlite_url):
    no_window = onewindow("token", "create", "--role", "counter", "--database-url", sqlite_url)
    assert no_window.returncode == 2 and "--window" in no_window.stderr
    unknown = onewindow("token", "create", "--role", "counter", "--window", "99", "--database-url", sqlite_url)
    assert unknown.returncode == 2 and "no window 99" in unknown.stderr


def test_tokens_are_stored_hashed(sqlite_url):
    import sqlite3

    token = onewindow("token", "create", "--role", "kiosk", "--database-url", sqlite_url).stdout.strip()
    path = sqlite_url.removeprefix("sqlite:///")
    rows = sqlite3.connect(path).execute("SELECT token_hash FROM tokens").fetchall()
    assert rows and all(token not in row[0] for row in rows)


def test_every_command_reports_a_bad_hall_file_plainly(tmp_path, sqlite_url):
    bad = tmp_path / "hall.toml"
    bad.write_text((ROOT / "config" / "hall.toml").read_text(encoding="utf-8").replace('prefix = "B"', 'prefix = "A"'))
    for args in (["simulate", "--days", "1", "--hall", str(bad)], ["token", "list", "--hall", str(bad), "--database-url", sqlite_url]):
        run = onewindow(*args)
        assert run.returncode == 1, args
        assert "categories[1].prefix" in run.stderr and "Traceback" not in run.stderr


def test_the_lunch_rota_keeps_one_of_each_pair_of_alike_windows_open():
    run = onewindow("lunch-rota", "--date", "2026-11-23")
    assert run.returncode == 0, run.stderr
    rows = {int(line.split()[0]): line.rsplit(": ", 1)[1] for line in run.stdout.splitlines()[1:]}
    first, second = "12:00–13:00", "13:00–14:00"
    assert [rows[n] for n in range(1, 9)] == [first, second] * 4  # windows 1–6 alike, 7–8 alike: alternate
    assert rows[12].startswith("no break") and rows[13] == first  # tidal works through; 13 in season
    assert 13 not in {int(line.split()[0]) for line in onewindow("lunch-rota", "--date", "2026-03-16").stdout.splitlines()[1:]}


@pytest.mark.clock
def test_the_lunch_rota_is_for_the_halls_today_not_the_machines():
    # 17:30 UTC on 31 Dec is already 1 January in the hall (Asia/Shanghai)
    run = onewindow("lunch-rota", wall_clock=dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.timezone.utc))
    assert run.returncode == 0, run.stderr
    assert "2027-01-01" in run.stdout.splitlines()[0]


def test_onewindow_works_from_any_folder(sqlite_url, tmp_path):
    """Outside the installation it finds its hall file (before: config/hall.toml: cannot read)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listing = onewindow("token", "list", "--database-url", sqlite_url, cwd=elsewhere)
    assert listing.returncode == 0, listing.stderr
    check = onewindow("check-config", cwd=elsewhere)
    assert check.returncode == 0 and "11 categories" in check.stdout
