"""Debian's nginx on a loopback port with one of the shipped site files, for the reverse-proxy tests."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port


def site(shipped: Path, caller_port: int, listen_port: int, log_dir: Path) -> str:
    """The shipped site with the test's ports and log folder: it names the caller and its port once each."""
    text = shipped.read_text()
    text, upstreams = re.subn(r"server 127\.0\.0\.1:8300;", f"server 127.0.0.1:{caller_port};", text)
    text, listens = re.subn(r"listen (80|8080);", f"listen 127.0.0.1:{listen_port};", text)
    text = text.replace("/var/log/nginx/", f"{log_dir}/")
    assert (upstreams, listens) == (1, 1), "the shipped file names the caller and the port once each"
    return text


def county_site(shipped: Path, caller_ports: list[int], listen_port: int, log_dir: Path) -> str:
    """The shipped county site (config/nginx/onewindow-county.conf) with the test's caller ports, in its order."""
    text = shipped.read_text()
    ports = iter(caller_ports)
    text, upstreams = re.subn(r"server 127\.0\.0\.1:830\d", lambda _: f"server 127.0.0.1:{next(ports)}", text)
    text, listens = re.subn(r"listen (80|8080);", f"listen 127.0.0.1:{listen_port};", text)
    text = text.replace("/var/log/nginx/", f"{log_dir}/")
    assert (upstreams, listens) == (len(caller_ports), 1), "the shipped file names each caller and the port once"
    return text


@contextlib.contextmanager
def nginx_serving(shipped: Path, caller_base: str | list[int], work: Path) -> Iterator[tuple[str, int]]:
    """nginx with `shipped` in front of the caller at `caller_base`, or of a county's callers on these ports."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        pytest.fail("Debian's nginx is missing: ./dev test installs nginx-light")
    port = free_port()
    if isinstance(caller_base, list):
        (work / "site.conf").write_text(county_site(shipped, caller_base, port, work))
    else:
        caller_port = int(caller_base.rsplit(":", 1)[1])
        (work / "site.conf").write_text(site(shipped, caller_port, port, work))
    temp = work / "temp"
    temp.mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    # the main configuration a production nginx.conf has, with the limits the shipped files ask for
    (work / "nginx.conf").write_text(f"""
{user}
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
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
    include {work}/site.conf;
}}
""")
    args = [binary, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")]
    check = subprocess.run([binary, "-t", *args[1:]], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, (work / "error.log").read_text()
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", port
    finally:
        process.terminate()
        process.wait(timeout=10)
