"""A county on one system (issue 15): two halls served by one process on one database, each at /h/<id>/ — numbering,
tokens, events and reports kept apart — and the county's view and report above them, read with a county-admin
token only; `onewindow hall add|list`. On SQLite and PostgreSQL."""

import contextlib
import datetime as dt
import json
import subprocess
import sys
import threading

import pytest
import requests

from caller.auth import Role
from caller.county.app import create_county_app
from caller.office import rules as office_rules
from caller.settings import CallerSettings
from tests.caller.test_api import problem
from tests.conftest import ROOT, LiveCaller, free_port, serve


def township(hall, hall_id="zhen-a", name="城关镇便民服务中心"):
    """A second hall: the sample's matters and windows under another id and name."""
    return hall.model_copy(update={"hall": hall.hall.model_copy(update={"id": hall_id, "name": name})})


@contextlib.contextmanager
def county(halls, url, clock):
    app = create_county_app(CallerSettings(database_url=url), halls=halls, clock=clock)
    port = free_port()
    server, thread = serve(app, port)
    base = f"http://127.0.0.1:{port}"
    try:
        yield base, {i: LiveCaller(f"{base}/h/{i}", a, {}) for i, a in app.state.halls.items()}, app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_two_halls_on_one_database_keep_their_numbers_tokens_events_and_reports_apart(hall, db_url, clock):
    with county([hall, township(hall)], db_url, clock) as (base, halls, app):
        centre, town = halls["sample"], halls["zhen-a"]
        a = centre.post("/api/v1/tickets", "kiosk", json={"category": "shebao"}).json()
        b = town.post("/api/v1/tickets", "kiosk", json={"category": "shebao"}).json()
        assert a["number"] == b["number"] == "A001"  # numbering per hall
        # a token of one hall is unknown in the other
        problem(requests.post(f"{town.base}/api/v1/tickets", headers=centre.headers("kiosk"),
                              json={"category": "shebao"}, timeout=5), 401, "unauthorized")
        assert requests.get(f"{town.base}/api/v1/tickets/{a['id']}", timeout=5).status_code == 404
        # a board of the centre never sees the township's events
        seen, ready = [], threading.Event()

        def follow():
            with requests.get(f"{centre.base}/api/v1/events", headers=centre.headers("display"), stream=True,
                              timeout=5) as stream:
                ready.set()
                for line in stream.iter_lines(decode_unicode=True):
                    if line.startswith("data:"):
                        seen.append(json.loads(line[5:]))
                        if seen[-1].get("number") == "B001":  # the centre's own, sent after the town's
                            return

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        ready.wait(5)
        town.post("/api/v1/windows/1/open", "counter", 1)
        town.post("/api/v1/windows/1/call-next", "counter", 1)
        centre.post("/api/v1/tickets", "kiosk", json={"category": "yibao"})
        reader.join(5)
        assert seen and seen[-1]["type"] == "ticket-issued" and seen[-1]["number"] == "B001", seen
        assert all(e["type"] not in ("window-opened", "ticket-called") for e in seen), seen  # the town's: not here
        # reports per hall
        today = clock().astimezone(hall.zone).date().isoformat()
        centre_stats = centre.get(f"/api/v1/stats?from={today}&to={today}", "admin").json()
        town_stats = town.get(f"/api/v1/stats?from={today}&to={today}", "admin").json()
        assert centre_stats["total"]["issued"] == 2 and town_stats["total"]["issued"] == 1


def test_the_county_view_and_report_need_a_county_admin_token(hall, db_url, clock):
    with county([hall, township(hall)], db_url, clock) as (base, halls, app):
        for _ in range(3):
            halls["zhen-a"].post("/api/v1/tickets", "kiosk", json={"category": "shebao"})
        halls["sample"].post("/api/v1/tickets", "kiosk", json={"category": "yibao"})
        halls["sample"].post("/api/v1/windows/2/open", "counter", 2)
        problem(requests.get(f"{base}/api/v1/county/halls", timeout=5), 401, "unauthorized")
        manager = halls["sample"].headers("admin")  # a hall's administrator is not the county's
        problem(requests.get(f"{base}/api/v1/county/halls", headers=manager, timeout=5), 401, "unauthorized")
        token = app.state.county_tokens.create(Role.COUNTY_ADMIN, label="县政务服务管理办公室")
        headers = {"Authorization": f"Bearer {token}"}
        clock.advance(minutes=4)
        live = {h["id"]: h for h in requests.get(f"{base}/api/v1/county/halls", headers=headers, timeout=5).json()}
        assert live["zhen-a"]["waiting"] == 3 and live["zhen-a"]["oldest_wait_s"] == 240
        assert live["sample"]["windows_open"] == 1 and live["sample"]["name"] == hall.hall.name
        assert live["zhen-a"]["path"] == "/h/zhen-a"
        problem(requests.get(f"{halls['sample'].base}/api/v1/stats", headers=headers, timeout=5), 401, "unauthorized")
        today = clock().astimezone(hall.zone).date()
        report = requests.get(f"{base}/api/v1/county/report", headers=headers, timeout=5,
                              params={"from": today.isoformat(), "to": today.isoformat()}).json()
        assert {h["id"]: h["issued"] for h in report["halls"]} == {"sample": 1, "zhen-a": 3}
        assert report["county"]["issued"] == 4
        problem(requests.get(f"{base}/api/v1/county/report", headers=headers, timeout=5,
                             params={"from": today.isoformat(), "to": (today - dt.timedelta(days=1)).isoformat()}),
                422, "invalid_range")
        ready = requests.get(f"{base}/api/v1/health/ready", timeout=5)
        assert ready.status_code == 200 and ready.json()["halls"] == {"sample": True, "zhen-a": True}


def test_halls_are_added_to_the_county_folder_checked_and_listed(hall, tmp_path):
    folder = tmp_path / "county"
    town_file = tmp_path / "zhen-a.toml"
    town_file.write_text(office_rules.to_toml(township(hall)))

    def onewindow(*args):
        return subprocess.run([sys.executable, "-m", "caller.cli", *args, "--county-dir", str(folder)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)

    assert onewindow("hall", "add", str(ROOT / "config" / "hall.toml")).returncode == 0
    added = onewindow("hall", "add", str(town_file))
    assert added.returncode == 0 and "/h/zhen-a/" in added.stdout
    again = onewindow("hall", "add", str(town_file))
    assert again.returncode == 1 and "already has a hall 'zhen-a'" in again.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text(town_file.read_text().replace('id = "zhen-a"', 'id = "Zhen A"'))
    refused = onewindow("hall", "add", str(broken))
    assert refused.returncode == 1 and "hall.id" in refused.stderr
    listed = onewindow("hall", "list")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["sample", "zhen-a"]
    assert sorted(p.name for p in folder.iterdir()) == ["sample.toml", "zhen-a.toml"]


def test_a_county_folder_with_two_files_of_one_hall_is_refused(hall, tmp_path):
    from caller.county.halls import CountyError, load_county

    folder = tmp_path / "county"
    folder.mkdir()
    (folder / "a.toml").write_text(office_rules.to_toml(hall))
    (folder / "b.toml").write_text(office_rules.to_toml(hall))
    with pytest.raises(CountyError, match="two hall files have the id 'sample'"):
        load_county(folder)
    with pytest.raises(CountyError, match="holds no hall file"):
        load_county(tmp_path)
