"""Starting real caller processes and databases for the race, crash and latency scripts."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.caller_process import CallerProcess
from tests.pg_server import free_port, postgres_server, scratch_database

ROOT = Path(__file__).resolve().parents[2]
HALL = ROOT / "config" / "hall.toml"


def start_caller(database_url: str, port: int | None = None, log_dir: Path | None = None,
                 workers: int = 1) -> CallerProcess:
    """`onewindow caller` on the sample hall, logging warnings only (with `workers` processes); returns once it is
    ready."""
    port = port or free_port()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="onewindow-caller-"))
    log = log_dir / f"caller-{port}-{int(time.time() * 1000)}.log"
    caller = CallerProcess(database_url, port, log, options=("--hall", str(HALL), "--log-level", "WARNING",
                                                            "--workers", str(workers)))
    try:
        caller.wait_ready()
    except AssertionError as exc:
        caller.stop()
        raise RuntimeError(f"the caller did not become ready: {exc}") from None
    return caller


def county_callers(database_url: str, folder: Path, work: Path, processes: int = 2) -> list[CallerProcess]:
    """`onewindow caller --county-dir` processes on one database, logging warnings only; not yet ready."""
    ports = [free_port() for _ in range(processes)]
    return [CallerProcess(database_url, port, work / f"caller-{port}.log",
                          options=("--county-dir", str(folder), "--log-level", "WARNING")) for port in ports]


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
