"""Race check: two caller processes on one database, 8 clients issuing and 8 windows pressing call-next.

Every request opens a new connection and goes to either process in turn. Afterwards the script prints
duplicate numbers, tickets called twice and tickets lost (all must be 0), and tickets whose state in the
database differs from what clients were last told.

    .venv/bin/python -m tests.bench.race --seconds 30
"""

from __future__ import annotations

import argparse
import json

from tests.bench.harness import create_token, postgres_database, sqlite_database, start_caller
from tests.bench.load import audit, run_load


def run(database_url: str, seconds: float) -> dict:
    kiosk = create_token(database_url, "kiosk")
    admin = create_token(database_url, "admin")
    callers = [start_caller(database_url), start_caller(database_url)]
    try:
        ledger, threads = run_load([c.base for c in callers], kiosk, admin, seconds)
        for thread in threads:
            thread.join(timeout=seconds + 90)
    finally:
        for caller in callers:
            caller.stop()
    return {"seconds": seconds, **audit(database_url, ledger)}


def print_table(results: dict) -> None:
    print(f"{'backend':<11} {'issued':>7} {'called':>7} {'dup numbers':>12} {'called twice':>13} {'lost':>5} {'wrong state':>12}")
    for backend, r in results.items():
        print(
            f"{backend:<11} {r['issued']:>7} {r['called']:>7} {r['duplicate_numbers']:>12} {r['called_twice']:>13} "
            f"{r['lost']:>5} {r['wrong_state']:>12}   client errors: {r['client_errors'] or 'none'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    for backend in args.backend or ["sqlite", "postgresql"]:
        with (sqlite_database if backend == "sqlite" else postgres_database)() as url:
            results[backend] = run(url, args.seconds)
    print(json.dumps(results, indent=2)) if args.json else print_table(results)


if __name__ == "__main__":
    main()
