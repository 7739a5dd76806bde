"""Starting real caller processes and databases for the race, crash and latency scripts."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from tests.pg_server import free_port, postgres_server, scratch_database

ROOT = Path(__file__).resolve().parents[2]
HALL = ROOT / "config" / "hall.toml"


@dataclass
class CallerProcess:
    url: str
    port: int
    database_url: str
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_caller(database_url: str, port: int | None = None, log_dir: Path | None = None) -> CallerProcess:
    port = port or free_port()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="onewindow-caller-"))
    log = log_dir / f"caller-{port}-{int(time.time() * 1000)}.log"
    env = {**os.environ, "ONEWINDOW_ENFORCE_HOURS": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "caller.cli", "caller", "--database-url", database_url, "--hall", str(HALL),
         "--port", str(port), "--no-access-log", "--log-level", "WARNING"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"caller exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(base + "/api/v1/health", timeout=1).ok:
                return CallerProcess(base, port, database_url, process, log)
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("caller did not become healthy")


def create_token(database_url: str, role: str, window: int | None = None) -> str:
    args = [sys.executable, "-m", "caller.cli", "token", "create", "--role", role, "--database-url", database_url,
            "--hall", str(HALL)]
    if window is not None:
        args += ["--window", str(window)]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on $ONEWINDOW_TEST_PG_URL's server, or on a private server started here."""
    with postgres_server() as admin_url, scratch_database(admin_url, f"onewindow_bench_{os.getpid()}") as url:
        yield url


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-"))
    yield f"sqlite:///{folder / 'caller.sqlite'}"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
