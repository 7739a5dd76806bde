"""Race check: two caller processes on one database, 8 clients issuing and 8 windows pressing call-next.

Every request opens a new connection and goes to one of the two processes in turn. Afterwards the
script prints duplicate numbers, tickets called twice and tickets lost; all must be 0.

    .venv/bin/python -m tests.bench.race --seconds 30 --backend sqlite --backend postgresql
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.bench.harness import create_token, postgres_database, sqlite_database, start_caller

CATEGORIES = ["shebao", "yibao", "zonghe", "minzheng"]
WINDOWS = range(1, 9)  # comprehensive 1–6 and high-frequency 7–8


@dataclass
class Ledger:
    """What clients were told: acknowledged issues and calls."""

    issued: dict[str, str] = field(default_factory=dict)  # ticket id -> number
    calls: list[tuple[int, str, str]] = field(default_factory=list)  # window, ticket id, number
    finished: set[str] = field(default_factory=set)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _issuer(bases: list[str], token: str, ledger: Ledger, stop: float, seed: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    turn = itertools.count(seed)
    while time.monotonic() < stop:
        key = uuid.uuid4().hex
        body = {"category": CATEGORIES[next(turn) % len(CATEGORIES)]}
        for attempt in range(5):  # a retry reuses the key: never a second ticket
            base = bases[(seed + attempt) % len(bases)]
            try:
                r = requests.post(base + "/api/v1/tickets", json=body, headers={**headers, "Idempotency-Key": key}, timeout=10)
            except requests.RequestException:
                with ledger.lock:
                    ledger.errors["issue-connection"] += 1
                continue
            if r.status_code == 201:
                with ledger.lock:
                    previous = ledger.issued.get(r.json()["id"])
                    assert previous in (None, r.json()["number"])
                    ledger.issued[r.json()["id"]] = r.json()["number"]
                break
            with ledger.lock:
                ledger.errors[f"issue-{r.status_code}"] += 1
        seed += 1


def _window(number: int, bases: list[str], token: str, ledger: Ledger, stop: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    turn = itertools.count(number)
    requests.post(bases[0] + f"/api/v1/windows/{number}/open", headers=headers, timeout=10)
    while time.monotonic() < stop:
        base = bases[next(turn) % len(bases)]
        try:
            r = requests.post(base + f"/api/v1/windows/{number}/call-next", headers=headers, timeout=10)
        except requests.RequestException:
            with ledger.lock:
                ledger.errors["call-connection"] += 1
            continue
        if r.status_code == 204:
            time.sleep(0.005)
            continue
        if r.status_code != 200:
            with ledger.lock:
                ledger.errors[f"call-{r.status_code}"] += 1
            time.sleep(0.005)
            continue
        ticket = r.json()["ticket"]
        with ledger.lock:
            ledger.calls.append((number, ticket["id"], ticket["number"]))
        base = bases[next(turn) % len(bases)]
        f = requests.post(base + f"/api/v1/windows/{number}/finish", json={"ticket": ticket["id"]}, headers=headers, timeout=10)
        if f.status_code == 200:
            with ledger.lock:
                ledger.finished.add(ticket["id"])
        else:
            with ledger.lock:
                ledger.errors[f"finish-{f.status_code}"] += 1


def audit(bases: list[str], ledger: Ledger) -> dict:
    """Compare what clients were told with what the caller holds."""
    numbers = Counter(ledger.issued.values())
    called = Counter(ticket_id for _, ticket_id, _ in ledger.calls)
    lost = 0
    wrong_state = 0
    for ticket_id in ledger.issued:
        r = requests.get(f"{bases[1]}/api/v1/tickets/{ticket_id}", timeout=10)
        if r.status_code != 200:
            lost += 1
            continue
        status = r.json()["status"]
        expected = "done" if ticket_id in ledger.finished else ("called" if called[ticket_id] else "waiting")
        wrong_state += status != expected
    return {
        "issued": len(ledger.issued),
        "called": len(ledger.calls),
        "duplicate_numbers": sum(n - 1 for n in numbers.values() if n > 1),
        "called_twice": sum(n - 1 for n in called.values() if n > 1),
        "lost": lost,
        "wrong_final_state": wrong_state,
        "refused": dict(ledger.errors),
    }


def run(database_url: str, seconds: float, clients: int = 8) -> dict:
    kiosk = create_token(database_url, "kiosk")
    admin = create_token(database_url, "admin")
    first = start_caller(database_url)
    second = start_caller(database_url)
    bases = [first.base, second.base]
    ledger = Ledger()
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=_issuer, args=(bases, kiosk, ledger, stop, i)) for i in range(clients)]
    threads += [threading.Thread(target=_window, args=(n, bases, admin, ledger, stop)) for n in WINDOWS]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        result = audit(bases, ledger)
    finally:
        first.stop()
        second.stop()
    result["seconds"] = seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    for backend in args.backend or ["sqlite", "postgresql"]:
        opener = sqlite_database if backend == "sqlite" else postgres_database
        with opener() as url:
            results[backend] = run(url, args.seconds)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'backend':<11} {'issued':>7} {'called':>7} {'dup numbers':>12} {'called twice':>13} {'lost':>5} {'wrong state':>12}")
    for backend, r in results.items():
        print(
            f"{backend:<11} {r['issued']:>7} {r['called']:>7} {r['duplicate_numbers']:>12} {r['called_twice']:>13} "
            f"{r['lost']:>5} {r['wrong_final_state']:>12}   refused: {r['refused'] or 'none'}"
        )


if __name__ == "__main__":
    main()
