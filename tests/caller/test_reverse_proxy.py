"""The shipped nginx configuration (config/nginx/onewindow.conf) in Debian's nginx in front of a live caller:
the API and the live event stream pass through (events unbuffered), and 2,000 slow or idle connections
against nginx leave kiosks and counters working."""

import os
import re
import shutil
import socket
import subprocess
import time

import pytest
import requests

from tests.caller.test_api import issue
from tests.conftest import ROOT, free_port
from tests.slow_clients import Attack
from tests.sse_client import open_stream

pytestmark = pytest.mark.slow
SHIPPED = ROOT / "config" / "nginx" / "onewindow.conf"


def site(caller_port: int, listen_port: int) -> str:
    text = SHIPPED.read_text()
    text, upstreams = re.subn(r"server 127\.0\.0\.1:8300;", f"server 127.0.0.1:{caller_port};", text)
    text, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen_port};", text)
    assert (upstreams, listens) == (1, 1), "the shipped file names the caller and the port once each"
    return text


@pytest.fixture
def nginx(live_sqlite, tmp_path):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        pytest.fail("Debian's nginx is missing: ./dev test installs nginx-light")
    port = free_port()
    caller_port = int(live_sqlite.base.rsplit(":", 1)[1])
    (tmp_path / "onewindow.conf").write_text(site(caller_port, port))
    temp = tmp_path / "temp"
    temp.mkdir()
    user = "user root;" if os.geteuid() == 0 else ""
    # the main configuration a production nginx.conf has, with the limits the shipped file asks for
    (tmp_path / "nginx.conf").write_text(f"""
{user}
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
worker_processes 1;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/onewindow.conf;
}}
""")
    check = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e",
                            str(tmp_path / "error.log")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e",
                                str(tmp_path / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, (tmp_path / "error.log").read_text()
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", port
    process.terminate()
    process.wait(timeout=10)


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
