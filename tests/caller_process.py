"""`onewindow caller` in its own process, as production runs it, with its log in a file."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import ROOT
from tests.wall_clock import environment


class CallerProcess:
    """`onewindow caller` in its own process on a loopback port, its log in a file."""

    def __init__(self, database_url: str, port: int, log: Path, *, settings: dict[str, str] | None = None,
                 open_files: tuple[int, int] | None = None, options: tuple[str, ...] = ()):
        """`settings` are ONEWINDOW_* variables; `open_files` the (soft, hard) limit the process starts with;
        `options` more command-line options."""
        self.port = port
        self.database_url = database_url
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        env = environment(base={**os.environ, "ONEWINDOW_ENFORCE_HOURS": "false", **(settings or {})})
        self._out = open(log, "w")

        def limits() -> None:
            if open_files:
                resource.setrlimit(resource.RLIMIT_NOFILE, open_files)

        self.process = subprocess.Popen(
            [sys.executable, "-m", "caller.cli", "caller", "--database-url", database_url, "--port", str(port),
             "--no-access-log", *options], cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT,
            preexec_fn=limits)

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
        self.wait_live(seconds)
        deadline = time.monotonic() + seconds
        while True:
            answer = requests.get(self.base + "/api/v1/health/ready", timeout=5)
            if answer.status_code == 200:
                return answer.json()
            if time.monotonic() > deadline:
                raise AssertionError(f"the caller never became ready: {answer.text} {self.text()}")
            time.sleep(0.1)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._out.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._out.close()
