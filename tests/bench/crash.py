"""Crash check: kill -9 both caller processes under load, restart them, and audit.

Under the race load (two processes, 8 kiosks, 8 windows) plus an event-stream follower, every caller
process is killed with SIGKILL, then restarted on the same ports. Clients retry as real ones do. The
script prints: acknowledged tickets lost, tickets whose state differs from the last answer a client
got, duplicate numbers, whether numbering continued past the crash, and the events the follower
missed after reconnecting with Last-Event-ID. All must be 0 / yes.

    .venv/bin/python -m tests.bench.crash --before 10 --after 10
"""

from __future__ import annotations

import argparse
import json
import time

from sqlalchemy import create_engine, func, select

from caller.storage import tables
from tests.bench.harness import create_token, postgres_database, sqlite_database, start_caller
from tests.bench.load import EventFollower, audit, run_load, stream_audit


def _max_numbers(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(tables.number_counters.c.prefix, tables.number_counters.c.last)).all()
    engine.dispose()
    return {r.prefix: r.last for r in rows}


def _event_ids(database_url: str) -> list[int]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        day = conn.execute(select(func.max(tables.events.c.service_day))).scalar()
        ids = conn.execute(select(tables.events.c.id).where(tables.events.c.service_day == day).order_by(tables.events.c.id)).scalars().all()
    engine.dispose()
    return list(ids)


def run(database_url: str, before: float, after: float) -> dict:
    kiosk = create_token(database_url, "kiosk")
    admin = create_token(database_url, "admin")
    display = create_token(database_url, "display")
    callers = [start_caller(database_url), start_caller(database_url)]
    bases = [c.base for c in callers]
    total = before + after + 1.0
    follower = EventFollower(bases, display, time.monotonic() + total + 300)  # finish() ends it
    follower.set_start(0)
    follower.start()
    ledger, threads = run_load(bases, kiosk, admin, total)
    time.sleep(before)
    for caller in callers:
        caller.kill()
    numbers_at_crash = _max_numbers(database_url)
    time.sleep(1.0)
    restarted = [start_caller(database_url, port=c.port) for c in callers]
    try:
        for thread in threads:
            thread.join(timeout=total + 120)
        stored = _event_ids(database_url)
        follower.finish(stored[-1] if stored else None)
    finally:
        for caller in restarted:
            caller.stop()
    result = audit(database_url, ledger)
    numbers_after = _max_numbers(database_url)
    received = follower.ids
    result.update(
        numbering_continued=all(numbers_after.get(p, 0) >= n for p, n in numbers_at_crash.items())
        and sum(numbers_after.values()) > sum(numbers_at_crash.values()),
        **stream_audit(stored, received),
        stream_reconnects=follower.reconnects,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=float, default=10, help="seconds of load before the kill")
    parser.add_argument("--after", type=float, default=10, help="seconds of load after the restart")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = {}
    for backend in args.backend or ["sqlite", "postgresql"]:
        with (sqlite_database if backend == "sqlite" else postgres_database)() as url:
            results[backend] = run(url, args.before, args.after)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
