"""`onewindow caller --workers 2`: two processes on one port and one database. Either serves alone; a worker
that dies is started again; stopping the first process stops the workers, and killing it makes them stop."""

import os
import signal
import time
from pathlib import Path

import pytest
import requests

from caller.auth import Role, TokenStore
from caller.storage.database import make_engine, migrate
from tests.caller_process import CallerProcess
from tests.conftest import free_port

pytestmark = pytest.mark.slow


def workers_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"--listen-fd" in cmdline:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(condition, seconds: float = 15) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def two_processes(tmp_path):
    url = f"sqlite:///{tmp_path / 'caller.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    kiosk = TokenStore(engine, "sample").create(Role.KIOSK)
    engine.dispose()
    caller = CallerProcess(url, free_port(), tmp_path / "caller.log", options=("--workers", "2"))
    caller.wait_ready()
    assert wait_for(lambda: len(workers_of(caller.process.pid)) == 1), caller.text()
    yield caller, {"Authorization": f"Bearer {kiosk}", "Connection": "close"}
    caller.stop()


def issue(caller, headers) -> requests.Response:  # noqa: ANN001
    return requests.post(caller.base + "/api/v1/tickets", json={"category": "shebao"}, headers=headers, timeout=5)


def test_either_process_serves_and_numbers_stay_one_sequence(two_processes):
    caller, headers = two_processes
    first = caller.process.pid
    [worker] = workers_of(first)
    numbers = [issue(caller, headers).json()["number"] for _ in range(3)]
    os.kill(first, signal.SIGSTOP)  # the first process cannot answer: the worker takes every connection
    try:
        numbers += [issue(caller, headers).json()["number"] for _ in range(3)]
    finally:
        os.kill(first, signal.SIGCONT)
    os.kill(worker, signal.SIGSTOP)  # and the other way round
    try:
        numbers += [issue(caller, headers).json()["number"] for _ in range(3)]
    finally:
        os.kill(worker, signal.SIGCONT)
    assert numbers == [f"A{n:03d}" for n in range(1, 10)]  # one hall, one sequence, whichever process issued


def test_a_worker_that_dies_is_started_again_and_all_stop_with_the_first(two_processes):
    caller, headers = two_processes
    first = caller.process.pid
    [worker] = workers_of(first)
    os.kill(worker, signal.SIGKILL)
    assert wait_for(lambda: workers_of(first) not in ([], [worker])), caller.text()
    [again] = workers_of(first)
    assert "started again" in caller.text()
    assert issue(caller, headers).status_code == 201
    caller.stop()  # SIGTERM to the first process: it stops its workers
    assert wait_for(lambda: not alive(again))


def test_workers_stop_by_themselves_when_the_first_process_is_killed(two_processes):
    caller, _ = two_processes
    [worker] = workers_of(caller.process.pid)
    caller.kill()
    assert wait_for(lambda: not alive(worker))
