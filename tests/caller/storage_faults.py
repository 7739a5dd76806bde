"""Real storage faults for tests: a small tmpfs that fills up, a database file made read-only by a read-only
bind mount, and a caller in its own process whose log can be read."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.wall_clock import environment


def need_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs or a read-only bind needs root (CI runs as root)")


def _run(command: str) -> None:
    subprocess.run(command, shell=True, check=True, capture_output=True)


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "3M") -> Iterator[Path]:
    need_root()
    path.mkdir(parents=True, exist_ok=True)
    _run(f"mount -t tmpfs -o size={size} onewindow-test {path}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write a file until the file system is full; deleting it frees the space."""
    filler = folder / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


class ReadOnly:
    """A file made read-only by a read-only bind mount over it (root ignores file permissions)."""

    def __init__(self, path: Path):
        need_root()
        self.path = path
        _run(f"mount --bind {path} {path} && mount -o remount,ro,bind {path}")

    def make_writable(self) -> None:
        _run(f"mount -o remount,rw,bind {self.path}")

    def remove(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


class CallerProcess:
    """`onewindow caller` in its own process on a loopback port, its log in a file."""

    def __init__(self, database_url: str, port: int, log: Path):
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        env = environment(base={**os.environ, "ONEWINDOW_ENFORCE_HOURS": "false"})
        self._out = open(log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "caller.cli", "caller", "--database-url", database_url, "--port", str(port),
             "--no-access-log"], cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT)

    def wait_live(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.text()
            try:
                if requests.get(self.base + "/api/v1/health/live", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the caller did not answer: {self.text()}")

    def wait_ready(self, seconds: float = 30) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            answer = requests.get(self.base + "/api/v1/health/ready", timeout=5)
            if answer.status_code == 200:
                return answer.json()
            time.sleep(0.5)
        raise AssertionError(f"the caller never became ready: {answer.text} {self.text()}")

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._out.close()
