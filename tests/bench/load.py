"""Load clients for the race and crash scripts: kiosks issuing, windows calling, an event-stream follower.

They behave like real clients: an issue that got no answer is retried with the same Idempotency-Key,
and a window that lost an answer reads its state back and finishes whatever it holds. Every answer
is written to a ledger, which `audit` compares with what the caller holds.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests
from sqlalchemy import create_engine, select

from caller.storage import tables
from tests.sse_client import SseEvent, open_stream

CATEGORIES = ["shebao", "yibao", "zonghe", "minzheng"]


@dataclass
class Ledger:
    """What clients were told, in order."""

    issued: dict[str, str] = field(default_factory=dict)  # ticket id -> number
    observed: dict[str, str] = field(default_factory=dict)  # ticket id -> last status an answer showed
    calls: list[tuple[int, str]] = field(default_factory=list)  # window, ticket id, from call-next answers
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, ticket: dict) -> None:
        with self.lock:
            self.observed[ticket["id"]] = ticket["status"]

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


def issuer(bases: list[str], token: str, ledger: Ledger, stop: float, seed: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    turn = itertools.count(seed)
    while time.monotonic() < stop:
        key = uuid.uuid4().hex
        body = {"category": CATEGORIES[next(turn) % len(CATEGORIES)]}
        for attempt in itertools.count():  # until acknowledged: a retry reuses the key, never a second ticket
            if attempt and time.monotonic() > stop + 30:
                ledger.error("issue-gave-up")
                return
            base = bases[(seed + attempt) % len(bases)]
            try:
                r = requests.post(f"{base}/api/v1/tickets", json=body, headers={**headers, "Idempotency-Key": key}, timeout=10)
            except requests.RequestException:
                ledger.error("issue-no-answer")
                time.sleep(0.05)
                continue
            if r.status_code == 201:
                ticket = r.json()
                with ledger.lock:
                    known = ledger.issued.setdefault(ticket["id"], ticket["number"])
                    if known != ticket["number"]:
                        ledger.errors["renumbered"] += 1
                    ledger.observed.setdefault(ticket["id"], ticket["status"])
                break
            ledger.error(f"issue-{r.status_code}")
            time.sleep(0.05)
        seed += 1


def window(number: int, bases: list[str], token: str, ledger: Ledger, stop: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    turn = itertools.count(number)

    def post(path: str, **kwargs) -> requests.Response | None:
        try:
            return requests.post(f"{bases[next(turn) % len(bases)]}/api/v1/windows/{number}/{path}", headers=headers, timeout=10, **kwargs)
        except requests.RequestException:
            ledger.error(f"{path}-no-answer")
            return None

    def refresh(ticket_id: str) -> None:
        """Read back a ticket whose last request got no answer: the request may have gone through."""
        while time.monotonic() < stop + 30:
            try:
                r = requests.get(f"{bases[next(turn) % len(bases)]}/api/v1/tickets/{ticket_id}", timeout=10)
            except requests.RequestException:
                time.sleep(0.05)
                continue
            if r.status_code == 200:
                ledger.saw(r.json())
                return
            time.sleep(0.05)

    def reconcile(pending: str | None = None) -> None:
        """After a lost answer: read back the ticket acted on, then the window, and finish what it holds."""
        if pending is not None:
            refresh(pending)
        while time.monotonic() < stop + 30:
            try:
                r = requests.get(f"{bases[next(turn) % len(bases)]}/api/v1/windows/{number}", headers=headers, timeout=10)
            except requests.RequestException:
                time.sleep(0.05)
                continue
            if r.status_code != 200:
                time.sleep(0.05)
                continue
            state = r.json()
            if state["state"] == "closed":
                post("open")
                continue
            held = state["ticket"]
            if held is None:
                return
            ledger.saw(held)
            done = post("finish", json={"ticket": held["id"]})
            if done is not None and done.status_code == 200:
                ledger.saw(done.json()["ticket"])
                return
            refresh(held["id"])

    while post("open") is None and time.monotonic() < stop:
        time.sleep(0.05)
    while time.monotonic() < stop:
        r = post("call-next")
        if r is None or r.status_code not in (200, 204):
            if r is not None:
                ledger.error(f"call-{r.status_code}")
            reconcile()
            continue
        if r.status_code == 204:
            time.sleep(0.005)
            continue
        ticket = r.json()["ticket"]
        ledger.saw(ticket)
        with ledger.lock:
            ledger.calls.append((number, ticket["id"]))
        f = post("finish", json={"ticket": ticket["id"]})
        if f is not None and f.status_code == 200:
            ledger.saw(f.json()["ticket"])
        else:
            reconcile(pending=ticket["id"])
    reconcile()


class EventFollower(threading.Thread):
    """Follows the event stream, reconnecting with Last-Event-ID whenever it breaks."""

    def __init__(self, bases: list[str], token: str, stop: float, timeout_s: float = 1.0):
        super().__init__(daemon=True)
        self.bases, self.headers, self.stop = bases, {"Authorization": f"Bearer {token}"}, stop
        self.timeout_s = timeout_s  # a stream silent this long is opened again
        self.ids: list[int] = []
        self.reconnects = 0  # streams opened again while following (not the one ended by the stop)
        self.last: int | None = None

    def on_event(self, event: SseEvent) -> None:
        """Called with each event as it comes, for a follower that notes more than ids."""

    def run(self) -> None:
        attempt = 0
        while time.monotonic() < self.stop:
            try:
                stream = open_stream(self.bases[attempt % len(self.bases)], self.headers, self.last,
                                     timeout=self.timeout_s)
                attempt += 1
                try:
                    while time.monotonic() < self.stop:
                        event = stream.take(1)[0]
                        self.ids.append(event.id)
                        self.last = event.id
                        self.on_event(event)
                finally:
                    stream.close()
            except (requests.RequestException, StopIteration, ValueError):
                pass
            if time.monotonic() < self.stop:
                self.reconnects += 1
                attempt += 1
                time.sleep(0.05)

    def set_start(self, last_id: int) -> None:
        self.last = last_id

    def finish(self, last_stored: int | None, timeout_s: float = 30) -> None:
        """Once the load is over: follow until the last event stored has come (or `timeout_s`), then stop. A
        follower stopped on a fixed clock missed the events the clients' final writes made after it, when the
        restart of a crashed process took long."""
        deadline = time.monotonic() + timeout_s
        while last_stored is not None and (self.last or 0) < last_stored and time.monotonic() < deadline:
            time.sleep(0.05)
        self.stop = 0  # it ends at its stream's next event, or when the callers stop and the stream closes
        self.join(timeout=2)


def audit(database_url: str, ledger: Ledger, hall: str | None = None) -> dict:
    """Compare the ledger with the database: numbers, double calls, lost tickets, states (of one hall if given)."""
    engine = create_engine(database_url)
    query = select(tables.tickets) if hall is None else select(tables.tickets).where(tables.tickets.c.hall == hall)
    e = tables.events.c
    with engine.connect() as conn:
        rows = {r.public_id: r for r in conn.execute(query)}
        # a run across the hall's midnight: the day-end sweep settled the old day's live tickets (reason day-end)
        settled = set(conn.execute(select(e.ticket_pk).where(e.data.like('%"reason": "day-end"%'))).scalars())
    engine.dispose()
    numbers = Counter((r.hall, r.service_day, r.number) for r in rows.values())
    called = Counter(ticket_id for _, ticket_id in ledger.calls)
    lost = [t for t in ledger.issued if t not in rows]
    wrong = [t for t, status in ledger.observed.items()
             if t in rows and rows[t].status != status and rows[t].pk not in settled]
    return {
        "issued": len(ledger.issued),
        "in_database": len(rows),
        "called": len(ledger.calls),
        "duplicate_numbers": sum(n - 1 for n in numbers.values() if n > 1)
        # numbers restart each service day: the same number on two days (a run across midnight) is no duplicate
        + sum(n - 1 for n in Counter((rows[t].service_day if t in rows else None, number)
                                     for t, number in ledger.issued.items()).values() if n > 1),
        "called_twice": sum(n - 1 for n in called.values() if n > 1),
        "lost": len(lost),
        "wrong_state": len(wrong),
        "client_errors": dict(ledger.errors),
    }


def stored_event_ids(database_url: str, hall: str) -> list[int]:
    """Every event id of `hall`, in order: what a board following it from the start should receive."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(select(tables.events.c.id).where(tables.events.c.hall == hall)
                              .order_by(tables.events.c.id)).scalars().all()
    engine.dispose()
    return list(stored)


def stream_audit(stored: list[int], received: list[int]) -> dict:
    """A follower's events against those stored: how many it missed, and how many came out of id order."""
    return {"events_stored": len(stored), "events_received": len(received),
            "events_missed": len(set(stored) - set(received)),
            "events_out_of_order": sum(1 for a, b in zip(received, received[1:]) if b <= a)}


def run_load(bases: list[str], kiosk: str, admin: str, seconds: float, clients: int = 8, windows: int = 8) -> tuple[Ledger, list[threading.Thread]]:
    """Start the load threads; the caller joins them."""
    ledger = Ledger()
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=issuer, args=(bases, kiosk, ledger, stop, i)) for i in range(clients)]
    threads += [threading.Thread(target=window, args=(n, bases, admin, ledger, stop)) for n in range(1, windows + 1)]
    for thread in threads:
        thread.start()
    return ledger, threads
