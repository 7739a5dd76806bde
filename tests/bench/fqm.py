"""OneWindow beside FQM (mrf345/FQM: Flask + gevent, SQLite), over HTTP, in one run on one machine.

FQM is not part of this project and none of its code is kept here; fetch it and give it a virtualenv once:

    git clone https://github.com/mrf345/FQM /tmp/fqm/src      # or the tool library's fetch
    python3.11 -m venv /tmp/fqm/venv
    /tmp/fqm/venv/bin/pip install -r /tmp/fqm/src/requirements/main.txt gevent==23.9.0
    .venv/bin/python -m tests.bench.fqm --fqm-dir /tmp/fqm/src --fqm-python /tmp/fqm/venv/bin/python

Three servers run side by side: FQM (`run.py --cli`, its own SQLite file, registered tickets so nothing prints),
`onewindow caller` on SQLite and `onewindow caller` on PostgreSQL (the sample hall). Every request is a new
connection (`Connection: close`), as the issue measured. Per repetition and server:
- issue: N tickets one after another (FQM `POST /api/v1/tickets/`, ours `POST /api/v1/tickets`);
- call-next, one window: N calls one after another (FQM's pull, ours call-next; our finish between calls is not
  timed), then the same with ours as one finish-and-call-next request per served citizen;
- 8 windows at once: 8 threads, M calls each (FQM's pull, ours finish-and-call-next): calls/s and p99.
Each figure is the median of the repetitions; the ratio is OneWindow ÷ FQM. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import requests

from tests.bench.harness import create_token, percentile, postgres_database, sqlite_database, start_caller
from tests.pg_server import free_port

CLOSE = {"Connection": "close"}
WINDOWS = 8

FQM_SETUP = """
import os, sys
sys.path.insert(0, os.getcwd())
from app.main import bundle_app
from app.middleware import db
from app.database import AuthTokens, Office, Serial, Task, Touch_store
app = bundle_app()
with app.app_context():
    office = Office("bench", "A")
    task = Task("bench")
    db.session.add_all([office, task])
    db.session.commit()
    office.tasks.append(task)
    db.session.add(Serial(office_id=office.id, task_id=task.id, p=True))  # as FQM's "add a task" page does
    touch = Touch_store.get()
    touch.n = True  # registered tickets: FQM prints nothing
    token = AuthTokens("bench")
    db.session.add_all([office, touch, token])
    db.session.commit()
    print(token.token, task.id, office.id)
sys.stdout.flush()
os._exit(0)  # bundle_app started background threads
"""


class Fqm:
    name = "FQM"

    def __init__(self, folder: Path, python: str) -> None:
        (folder / "data.sqlite").unlink(missing_ok=True)
        setup = subprocess.run([python, "-c", FQM_SETUP], cwd=folder, capture_output=True, text=True, timeout=120)
        if setup.returncode != 0:
            raise RuntimeError(f"FQM's setup failed: {setup.stderr[-2000:]}")
        token, task, office = setup.stdout.split()[-3:]
        self.headers = {"Authorization": f"Token {token}", **CLOSE}
        self.task, self.office = int(task), int(office)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / "bench-server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([python, "run.py", "--cli", "--quiet", "--ip", "127.0.0.1", "--port",
                                         str(self.port)], cwd=folder, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + "/api/v1/tasks/", headers=self.headers, timeout=2).ok:
                    return
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("FQM did not answer")
            time.sleep(0.2)

    def issue(self) -> requests.Response:
        return requests.post(self.base + "/api/v1/tickets/", json={"task_id": self.task, "office_id": self.office},
                             headers=self.headers, timeout=30)

    def call_next(self, window: int) -> requests.Response:
        return requests.get(self.base + "/api/v1/tickets/pull", params={"office_id": self.office},
                            headers=self.headers, timeout=30)

    finish = None
    serve_next = call_next  # FQM's pull is the whole service of a ticket

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class OneWindow:
    def __init__(self, name: str, url: str, workers: int) -> None:
        self.name = name
        self.caller = start_caller(url, workers=workers)
        self.base = self.caller.base
        self.kiosk = {"Authorization": f"Bearer {create_token(url, 'kiosk')}", **CLOSE}
        self.windows = {n: {"Authorization": f"Bearer {create_token(url, 'counter', n)}", **CLOSE}
                        for n in range(1, WINDOWS + 1)}
        for n, headers in self.windows.items():
            requests.post(f"{self.base}/api/v1/windows/{n}/open", headers=headers, timeout=30).raise_for_status()

    def issue(self) -> requests.Response:
        return requests.post(self.base + "/api/v1/tickets", json={"category": "shebao"}, headers=self.kiosk,
                             timeout=30)

    def call_next(self, window: int) -> requests.Response:
        return requests.post(f"{self.base}/api/v1/windows/{window}/call-next", headers=self.windows[window],
                             timeout=30)

    def finish(self, window: int) -> requests.Response:
        return requests.post(f"{self.base}/api/v1/windows/{window}/finish", headers=self.windows[window], timeout=30)

    def serve_next(self, window: int) -> requests.Response:
        return requests.post(f"{self.base}/api/v1/windows/{window}/finish-and-call-next",
                             headers=self.windows[window], timeout=30)

    def stop(self) -> None:
        self.caller.stop()


def timed(request: Callable[[], requests.Response]) -> float:
    started = time.perf_counter()
    answer = request()
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"{answer.request.method} {answer.request.url}: {answer.status_code} {answer.text[:200]}")
    return elapsed


def one_repetition(server, n: int, m: int) -> dict[str, float]:  # noqa: ANN001
    if server.finish:
        server.finish(1)  # the citizen the warm-up or the last repetition left at window 1
    issue = [timed(server.issue) for _ in range(n)]
    calls = []
    for _ in range(n):
        calls.append(timed(lambda: server.call_next(1)))
        if server.finish:
            timed(lambda: server.finish(1))
    for _ in range(n):
        server.issue()
    served = [timed(lambda: server.serve_next(1)) for _ in range(n)]
    for _ in range(WINDOWS * (m + 1)):  # a spare per window: a press meeting only tickets that other windows are
        server.issue()                 # taking that instant answers 204 (nobody else waiting), as it should
    lock = threading.Lock()
    together: list[float] = []
    failures: list[str] = []

    def window(k: int) -> None:
        for _ in range(m):
            try:
                elapsed = timed(lambda: server.serve_next(k))
            except (RuntimeError, requests.RequestException) as exc:
                with lock:
                    failures.append(str(exc))
                continue
            with lock:
                together.append(elapsed)

    threads = [threading.Thread(target=window, args=(k,)) for k in range(1, WINDOWS + 1)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{server.name}: {len(failures)} calls failed at once, e.g. {failures[0]}")
    if server.finish:  # the last citizens of the 8 windows
        for k in range(1, WINDOWS + 1):
            server.finish(k)
    return {"issue_p50": statistics.median(issue), "call_p50": statistics.median(calls),
            "serve_p50": statistics.median(served), "at_once_per_s": len(together) / elapsed,
            "at_once_p99": percentile(together, 99)}


@contextlib.contextmanager
def servers(fqm_dir: Path, fqm_python: str, workers: int) -> Iterator[list]:
    started = []
    try:
        started.append(Fqm(fqm_dir, fqm_python))
        with sqlite_database() as sqlite_url, postgres_database() as pg_url:
            processes = f", {workers} processes" if workers > 1 else ""
            started.append(OneWindow(f"OneWindow SQLite{processes}", sqlite_url, workers))
            started.append(OneWindow(f"OneWindow PostgreSQL{processes}", pg_url, workers))
            yield started
    finally:
        for server in started:
            server.stop()


ROWS = [("issue p50 (ms)", "issue_p50"), ("call-next p50, one window (ms)", "call_p50"),
        ("a served ticket, one window: FQM's pull / our finish-and-call-next p50 (ms)", "serve_p50"),
        ("8 windows at once: calls/s", "at_once_per_s"), ("8 windows at once: p99 (ms)", "at_once_p99")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fqm-dir", type=Path, required=True, help="a checkout of mrf345/FQM")
    parser.add_argument("--fqm-python", required=True, help="the python of a virtualenv with FQM's requirements")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("-n", type=int, default=100, help="requests per one-at-a-time figure")
    parser.add_argument("-m", type=int, default=40, help="calls per window when 8 call at once")
    parser.add_argument("--workers", type=int, default=1, help="processes of each OneWindow caller (--workers)")
    args = parser.parse_args()
    if not (1 <= args.reps <= 9 and 10 <= args.n <= 1000 and 5 <= args.m <= 200 and 1 <= args.workers <= 8):
        parser.error("--reps 1-9, -n 10-1000, -m 5-200, --workers 1-8")
    if not (args.fqm_dir / "run.py").exists() or not shutil.which(args.fqm_python):
        parser.error("--fqm-dir must hold FQM's run.py and --fqm-python must be a python")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    with servers(args.fqm_dir, args.fqm_python, args.workers) as started:
        for server in started:  # warm up: first requests open files and prepare statements
            for _ in range(5):
                server.issue()
            for _ in range(5):
                server.serve_next(1)
        runs: dict[str, list[dict[str, float]]] = {server.name: [] for server in started}
        for rep in range(args.reps):
            for server in started:
                runs[server.name].append(one_repetition(server, args.n, args.m))
                print(f"repetition {rep + 1}, {server.name}: " + ", ".join(
                    f"{key} {value:.1f}" for key, value in runs[server.name][-1].items()), flush=True)
    cells = {name: {key: statistics.median(r[key] for r in reps) for _, key in ROWS} for name, reps in runs.items()}
    names = list(cells)
    print(f"\nmedian of {args.reps} repetitions, a new connection per request; ratio = OneWindow / FQM")
    print("| figure | " + " | ".join(names) + " | ratio SQLite | ratio PostgreSQL |")
    print("|---|" + "---|" * (len(names) + 2))
    for label, key in ROWS:
        fqm = cells["FQM"][key]
        values = " | ".join(f"{cells[name][key]:.1f}" for name in names)
        ratios = " | ".join(f"{cells[name][key] / fqm:.2f}" for name in names[1:])
        print(f"| {label} | {values} | {ratios} |")


if __name__ == "__main__":
    main()
