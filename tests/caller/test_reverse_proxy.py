"""The shipped nginx configuration (config/nginx/onewindow.conf) in Debian's nginx in front of a live caller:
the API and the live event stream pass through (events unbuffered), and 2,000 slow or idle connections
against nginx leave kiosks and counters working."""

import time

import pytest
import requests

from tests.caller.test_api import issue
from tests.conftest import ROOT
from tests.nginx_server import nginx_serving
from tests.slow_clients import Attack
from tests.sse_client import open_stream

pytestmark = pytest.mark.slow
SHIPPED = ROOT / "config" / "nginx" / "onewindow.conf"


@pytest.fixture
def nginx(live_sqlite, tmp_path):
    with nginx_serving(SHIPPED, live_sqlite.base, tmp_path) as served:
        yield served


def test_the_api_and_the_live_stream_pass_through_nginx_unbuffered(live_sqlite, nginx):
    proxied, _ = nginx
    assert requests.get(proxied + "/api/v1/health", timeout=5).json()["ready"] is True
    stream = open_stream(proxied, live_sqlite.headers("display"))
    started = time.monotonic()
    made = requests.post(proxied + "/api/v1/tickets", json={"category": "shebao"}, headers=live_sqlite.headers("kiosk"),
                         timeout=5)
    assert made.status_code == 201
    event = stream.take(1)[0]
    stream.close()
    assert event.type == "ticket-issued" and event.data["number"] == made.json()["number"]
    assert time.monotonic() - started < 2  # not held back in a proxy buffer
    assert stream.clocks  # the clock event opened the stream


def test_two_thousand_slow_connections_against_nginx_leave_kiosks_working(live_sqlite, nginx):
    proxied, port = nginx
    kiosk = live_sqlite.headers("kiosk")
    attack = Attack("127.0.0.1", port, connections=2000, seconds=20).start()
    try:
        attack.wait_open(0.8)
        for _ in range(30):
            made = requests.post(proxied + "/api/v1/tickets", json={"category": "shebao"}, headers=kiosk, timeout=5)
            assert made.status_code == 201, made.text
        assert attack.peak_open >= 1600
    finally:
        attack.stop()
    assert issue(live_sqlite).status_code == 201
