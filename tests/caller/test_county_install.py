"""README "A county on one system": its `onewindow` commands, in order, on a fresh PostgreSQL database — two halls
added and listed, a hall's token and the county's — then a caller process serving the folder answers each token
where it belongs and nowhere else (issue 15)."""

import subprocess
import sys

import pytest
import requests

from caller.office import rules as office_rules
from tests.caller.test_county import township
from tests.caller_process import CallerProcess
from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow


def test_the_readmes_county_commands_install_a_county_that_serves_both_halls(hall, pg_url, tmp_path):
    folder = tmp_path / "county"
    (tmp_path / "centre.toml").write_text((ROOT / "config" / "hall.toml").read_text())
    (tmp_path / "zhen-a.toml").write_text(office_rules.to_toml(township(hall)))
    env_url = ("--database-url", pg_url)

    def onewindow(*args):
        done = subprocess.run([sys.executable, "-m", "caller.cli", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    onewindow("hall", "add", "centre.toml", "--county-dir", str(folder))
    onewindow("hall", "add", "zhen-a.toml", "--county-dir", str(folder))
    assert "zhen-a" in onewindow("hall", "list", "--county-dir", str(folder))
    town_admin = onewindow("token", "create", "--role", "admin", "--hall", str(folder / "zhen-a.toml"), *env_url)
    county_admin = onewindow("county", "token", "--label", "县政务服务管理办公室", *env_url)

    port = free_port()
    caller = CallerProcess(pg_url, port, tmp_path / "caller.log", options=("--county-dir", str(folder)))
    try:
        ready = caller.wait_ready(60)
        assert ready["halls"] == {"sample": True, "zhen-a": True}
        town = {"Authorization": f"Bearer {town_admin}"}
        assert requests.post(f"{caller.base}/h/zhen-a/api/v1/windows/1/open", headers=town, timeout=5).ok
        assert requests.post(f"{caller.base}/h/sample/api/v1/windows/1/open", headers=town,
                             timeout=5).status_code == 401  # the township's token in the centre
        halls = requests.get(f"{caller.base}/api/v1/county/halls", headers={"Authorization": f"Bearer {county_admin}"},
                             timeout=5).json()
        assert {h["id"]: h["windows_open"] for h in halls} == {"sample": 0, "zhen-a": 1}
        assert requests.get(f"{caller.base}/h/zhen-a/counter", timeout=5).ok
        assert requests.get(f"{caller.base}/county", timeout=5).ok
    finally:
        caller.stop()
