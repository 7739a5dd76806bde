"""TLS on the hall's LAN (issue 10: the full ID number crossed it in plain JSON): the real `onewindow caller` on
HTTPS with a certificate from `onewindow tls make-cert`; the kiosk's client and the board's follower verify it
against the hall's CA, and refuse a caller they cannot verify."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests

from kiosk.client import CallerClient, CallerUnavailable
from tests.conftest import ROOT, free_port


@pytest.fixture
def tls_caller(tmp_path):
    made = subprocess.run([sys.executable, "-m", "caller.cli", "tls", "make-cert", "--out", str(tmp_path / "tls"),
                           "--host", "caller.hall.test", "--ip", "127.0.0.1"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert oct((tmp_path / "tls" / "caller-key.pem").stat().st_mode & 0o777) == "0o600"
    port = free_port()
    env = {**os.environ, "ONEWINDOW_PORT": str(port), "ONEWINDOW_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}",
           "ONEWINDOW_HALL_FILE": str(ROOT / "config" / "hall.toml"),
           "ONEWINDOW_TLS_CERT": str(tmp_path / "tls" / "caller.pem"),
           "ONEWINDOW_TLS_KEY": str(tmp_path / "tls" / "caller-key.pem")}
    process = subprocess.Popen([sys.executable, "-m", "caller.cli", "caller", "--demo"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ca = tmp_path / "tls" / "hall-ca.pem"
    base = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(base + "/api/v1/health/live", verify=str(ca), timeout=1).ok:
                break
        except requests.RequestException:
            assert time.monotonic() < deadline and process.poll() is None, "the caller did not start on HTTPS"
            time.sleep(0.2)
    tokens = json.loads((tmp_path / "var" / "demo-tokens.json").read_text())
    yield base, ca, tokens, port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a refused handshake can hold uvicorn's graceful stop up
        process.kill()
        process.wait(timeout=10)


def test_the_kiosk_sends_an_id_number_only_to_a_caller_it_verified(tls_caller):
    base, ca, tokens, port = tls_caller
    kiosk = CallerClient(base, tokens["kiosk"], ca_file=ca, attempts=1)
    ticket = kiosk.issue("shebao", id_number="110105195003070019", name="张三")
    assert ticket["number"] == "A001"
    unverified = CallerClient(base, tokens["kiosk"], attempts=1)  # the system's CAs do not know the hall's
    with pytest.raises(CallerUnavailable):
        unverified.issue("yibao", id_number="110105195003070019")
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{port}/api/v1/health/live", timeout=2).raise_for_status()  # no plain HTTP


def test_the_board_follows_the_stream_over_verified_tls(tls_caller):
    import threading

    from display.event_follower import EventFollower

    base, ca, tokens, _ = tls_caller
    snapshots = []
    got = threading.Event()
    follower = EventFollower(base, tokens["display"], on_snapshot=lambda s: (snapshots.append(s), got.set()),
                             on_event=lambda e: None, ca_file=ca)
    follower.start()
    try:
        assert got.wait(15) and snapshots[0]["windows"]
        assert follower.hall()["name"]
    finally:
        follower.stop()
