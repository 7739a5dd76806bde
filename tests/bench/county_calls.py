"""Call-next across a county: N halls (default 13, copies of the sample hall) served by 2 caller processes on one
PostgreSQL database, 8 windows of every hall pressing finish-and-call-next at once over HTTP (a new connection per
request, alternating between the processes), each hall's queue filled beforehand.

    .venv/bin/python -m tests.bench.county_calls [--halls 13] [--windows 8] [--calls 25] [--every 2]

Each window's first two calls (one per process) are not measured: they build and prepare its statements. Prints
calls/s, p50 and p99 over every measured call, the slowest hall's p99, and errors; figures in docs/county.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from caller.auth import Role, TokenStore
from caller.hall import load_hall
from caller.office import rules as office_rules
from caller.queue.service import IssueRequest, QueueService
from caller.storage.database import Database, make_engine, migrate
from tests.bench.call_next import CATEGORIES
from tests.bench.harness import ROOT, county_callers, percentile, postgres_database


def prepare(url: str, folder: Path, halls: int, windows: int, calls: int) -> dict[str, str]:
    """Hall files, each hall's queue filled and its windows open; an admin token per hall."""
    sample = load_hall(ROOT / "config" / "hall.toml")
    engine = make_engine(url)
    migrate(engine)
    tokens = {}
    for n in range(halls):
        hall_id = f"hall-{n + 1:02d}"
        hall = sample.model_copy(update={"hall": sample.hall.model_copy(update={"id": hall_id,
                                                                                "name": f"第{n + 1}便民服务中心"})})
        (folder / f"{hall_id}.toml").write_text(office_rules.to_toml(hall))
        service = QueueService(hall, Database(engine, hall_id), enforce_hours=False)
        service.setup()
        for i in range(windows * (calls + 4)):
            service.issue(IssueRequest(CATEGORIES[i % len(CATEGORIES)]))
        for window in range(1, windows + 1):
            service.open(window)
        tokens[hall_id] = TokenStore(engine, hall_id).create(Role.ADMIN)
    engine.dispose()
    return tokens


def run(url: str, halls: int, windows: int, calls: int, every: float = 0.0) -> dict:
    work = Path(tempfile.mkdtemp(prefix="onewindow-county-calls-"))
    folder = work / "county"
    folder.mkdir()
    tokens = prepare(url, folder, halls, windows, calls)
    callers = county_callers(url, folder, work)
    timings: dict[str, list[float]] = {hall: [] for hall in tokens}
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def press(hall: str, window: int, first_at: float) -> None:
        headers = {"Authorization": f"Bearer {tokens[hall]}", "Connection": "close"}
        for i in range(calls):
            if i < 2:  # unmeasured: each process's first call of a window builds and prepares its statements
                requests.post(f"{callers[i].base}/h/{hall}/api/v1/windows/{window}/finish-and-call-next",
                              headers=headers, timeout=30)
                continue
            if every:  # open loop: the window's i-th call starts on schedule, whatever the answers
                time.sleep(max(0.0, first_at + i * every - time.perf_counter()))
            base = callers[(window + i) % 2].base
            started = time.perf_counter()
            try:
                answer = requests.post(f"{base}/h/{hall}/api/v1/windows/{window}/finish-and-call-next",
                                       headers=headers, timeout=30)
                status = answer.status_code
            except requests.RequestException:
                status = "no-answer"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    timings[hall].append(elapsed)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

    try:
        for caller in callers:
            caller.wait_ready(120)
        started = time.perf_counter() + 0.5
        rng = random.Random(7)  # the windows' first presses spread over one interval, as staff do not press together
        threads = [threading.Thread(target=press, args=(hall, w, started + rng.uniform(0, every)))
                   for hall in tokens for w in range(1, windows + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        elapsed = time.perf_counter() - started
    finally:
        for caller in callers:
            caller.stop()
    every = [t for hall in timings.values() for t in hall]
    return {"halls": halls, "windows": windows, "calls": len(every), "calls_per_s": len(every) / elapsed,
            "p50_ms": statistics.median(every), "p99_ms": percentile(every, 99),
            "slowest_hall_p99_ms": max(percentile(t, 99) for t in timings.values()), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--halls", type=int, default=13)
    parser.add_argument("--windows", type=int, default=8)
    parser.add_argument("--calls", type=int, default=25, help="per window")
    parser.add_argument("--every", type=float, default=0.0, help="seconds between one window's presses (open loop); "
                        "0: each window presses again as soon as answered (closed loop)")
    args = parser.parse_args()
    if not (1 <= args.halls <= 50 and 1 <= args.windows <= 16 and 1 <= args.calls <= 500):
        parser.error("--halls 1-50, --windows 1-16, --calls 1-500")
    with postgres_database() as url:
        r = run(url, args.halls, args.windows, args.calls, args.every)
    pace = f"each window every {args.every:g} s" if args.every else "each window again once answered"
    print(f"{r['halls']} halls x {r['windows']} windows ({pace}), 2 processes, PostgreSQL, finish-and-call-next over "
          f"HTTP: {r['calls']} calls, {r['calls_per_s']:.0f}/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
          f"slowest hall's p99 {r['slowest_hall_p99_ms']:.1f} ms, errors {r['errors'] or 'none'}")


if __name__ == "__main__":
    main()
