"""Call-next's hot path in process (no HTTP): SQL statements per call, its latency alone, and 8 windows calling at
once on one hall — on SQLite and PostgreSQL, with the sample hall (comprehensive windows serve 9 categories).

    .venv/bin/python -m tests.bench.call_next [--calls 300] [--backend sqlite|postgresql|both]

Each call is a call-next and, unless `--no-finish`, the finish of the previous ticket at that window — or, with
`--combined`, the one finish-and-call-next transaction (the staff's usual key). The queue is topped up first, so
every call finds a ticket. Figures and the commit are in docs/benchmarks.md (issue 15).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event

from caller.hall import load_hall
from caller.queue.clock import SteadyClock
from caller.queue.service import IssueRequest, QueueService
from caller.storage.database import Database, make_engine, migrate
from tests.bench.harness import percentile, postgres_database, sqlite_database

WINDOWS = (1, 2, 3, 4, 5, 6, 7, 8)
CATEGORIES = ("shebao", "yibao", "minzheng", "zonghe", "gongzhang", "qiye", "budongchan", "tuiyi")


class Statements:
    def __init__(self, engine) -> None:  # noqa: ANN001
        self.count = 0
        self.kinds: dict[str, int] = {}
        self.lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        kind = statement.lstrip().split(None, 1)[0].upper()
        with self.lock:
            self.count += 1
            self.kinds[kind] = self.kinds.get(kind, 0) + 1


def top_up(service: QueueService, n: int) -> None:
    for i in range(n):
        service.issue(IssueRequest(CATEGORIES[i % len(CATEGORIES)]))


def one_call(service: QueueService, window: int, combined: bool, finish: bool) -> None:
    if combined:
        service.finish_and_call_next(window)
        return
    if finish and service.window_view(window).ticket is not None:
        service.finish(window)
    service.call_next(window)


def run(url: str, calls: int, combined: bool, finish: bool) -> dict:
    hall = load_hall("config/hall.toml")
    engine = make_engine(url)
    migrate(engine)
    service = QueueService(hall, Database(engine, hall.hall.id), clock=SteadyClock(), enforce_hours=False)
    service.setup()
    for window in WINDOWS:
        service.open(window)
    top_up(service, calls * 2 + 100)
    for window in WINDOWS:  # warm: the first call of each window compiles and caches its statements
        one_call(service, window, combined, finish)
    statements = Statements(engine)
    alone = []
    before = statements.count
    for i in range(calls):
        started = time.perf_counter()
        one_call(service, WINDOWS[i % 2], combined, finish)
        alone.append((time.perf_counter() - started) * 1000)
    per_call = (statements.count - before) / calls
    kinds = {k: round(v / calls, 1) for k, v in statements.kinds.items()}

    together: list[float] = []
    lock = threading.Lock()

    def window_loop(window: int) -> None:
        for _ in range(calls // len(WINDOWS)):
            started = time.perf_counter()
            one_call(service, window, combined, finish)
            with lock:
                together.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(WINDOWS)) as pool:
        list(pool.map(window_loop, WINDOWS))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"statements": per_call, "kinds": kinds, "alone_p50": statistics.median(alone),
            "alone_p99": percentile(alone, 99), "at_once_per_s": len(together) / elapsed,
            "at_once_p99": percentile(together, 99)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--combined", action="store_true", help="finish-and-call-next, one transaction")
    parser.add_argument("--no-finish", dest="finish", action="store_false")
    args = parser.parse_args()
    if not 16 <= args.calls <= 5000:
        parser.error("--calls: 16-5000")
    backends = {"sqlite": sqlite_database, "postgresql": postgres_database}
    chosen = list(backends) if args.backend == "both" else [args.backend]
    what = "finish-and-call-next" if args.combined else "call-next + finish" if args.finish else "call-next"
    print(f"{what}, {args.calls} calls, the sample hall, in process")
    print("| backend | statements per call | of which | alone p50 / p99 | 8 windows at once: calls/s, p99 |")
    print("|---|---|---|---|---|")
    for name in chosen:
        with backends[name]() as url:
            r = run(url, args.calls, args.combined, args.finish)
        kinds = ", ".join(f"{v:g} {k}" for k, v in sorted(r["kinds"].items()))
        print(f"| {name} | {r['statements']:.1f} | {kinds} | {r['alone_p50']:.2f} / {r['alone_p99']:.2f} ms | "
              f"{r['at_once_per_s']:.0f}/s, {r['at_once_p99']:.1f} ms |")


if __name__ == "__main__":
    main()
