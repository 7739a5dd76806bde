"""Running the queue's work in database transactions: retries on contention, events recorded in order."""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from caller.engine.model import Event, QueueError, Ticket
from caller.queue.hall_swap import Gate
from caller.storage.database import Database
from caller.storage.faults import Outage, StorageUnavailable, describe, is_storage_fault
from caller.storage.repository import Repository, StoredEvent

log = logging.getLogger(__name__)
T = TypeVar("T")
Work = Callable[[Repository, dt.datetime], T]

_RETRYABLE_PG = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


class Busy(QueueError):
    status = 503


class Conflict(Exception):
    """Somebody else changed the rows this transaction read: run it again."""


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # e.g. two processes racing on one idempotency key: the retry sees the winner
    if getattr(exc.orig, "sqlstate", None) in _RETRYABLE_PG:
        return True
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()


class Transactions:
    """Each `write` is one transaction, run again (up to `attempts`) when it lost a race; `on_commit` follows it.

    The first read or write of a new service day first calls `day_started` (the service settles what earlier
    days left live), so a window holding yesterday's ticket is freed before anything else happens today."""

    def __init__(
        self,
        db: Database,
        hall_id: str,
        clock: Callable[[], dt.datetime],
        order_of: Callable[[Ticket], dt.datetime],
        service_day: Callable[[dt.datetime], dt.date],
        on_commit: Callable[[list[StoredEvent]], None] | None = None,
        outage: Outage | None = None,
    ):
        self.db = db
        self.hall_id = hall_id
        self.clock = clock
        self.order_of = order_of
        self.service_day = service_day
        self.on_commit = on_commit or (lambda stored: None)
        self.day_started: Callable[[dt.date], None] = lambda day: None
        self.outage = outage or Outage()
        self._day: dt.date | None = None
        self._settling = threading.local()
        self.gate = Gate()  # a new version of the hall is swapped in only between transactions

    def now(self) -> dt.datetime:
        """The clock's reading; on the first reading of a new service day, `day_started` runs first (and is tried
        again by the next reading if it failed)."""
        now = self.clock()
        day = self.service_day(now)
        if self._day is None:
            self._day = day
        elif day > self._day and not getattr(self._settling, "active", False):
            log.info("service day %s has begun: settling what earlier days left", day)
            self._settling.active = True
            try:
                self.day_started(day)
            finally:
                self._settling.active = False
            self._day = max(self._day, day)
        return now

    def repository(self, conn) -> Repository:  # noqa: ANN001
        return Repository(conn, self.hall_id, self.order_of)

    def write(self, work: Work[T], attempts: int = 12) -> T:
        """Run `work` in a write transaction. A storage fault (full disk, read-only file, database down) is
        StorageUnavailable (503); nothing of the work was committed."""
        renewed = False
        for attempt in range(attempts):
            try:
                with self.gate.sharing():
                    now = self.now()
                    with self.db.write() as conn:
                        repo = self.repository(conn)
                        result = work(repo, now)
                        stored = self._store_events(repo)
                self.outage.succeeded()
                self.on_commit(stored)
                return result
            except Conflict:
                pass
            except (DBAPIError, OSError) as exc:
                if isinstance(exc, DBAPIError) and _retryable(exc) and attempt < attempts - 1:
                    log.info("retrying a write after %s", type(exc.orig).__name__)
                elif is_storage_fault(exc) and not renewed:
                    # a pooled connection may be stale (opened read-only, or to a server since restarted)
                    self.db.recycle()
                    renewed = True
                    continue
                elif is_storage_fault(exc):
                    raise self._unavailable("write", exc) from exc
                else:
                    raise
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise Busy("busy", "系统繁忙，请稍后重试 / the queue is busy, try again")

    def read(self, work: Work[T]) -> T:
        """Run `work` in a read transaction; once more on a new connection if the pooled one had been dropped by
        the server (the pool pings only connections that sat idle: caller/storage/database.py)."""
        for attempt in (1, 2):
            try:
                with self.gate.sharing():
                    now = self.now()
                    with self.db.read() as conn:
                        repo = self.repository(conn)
                        result = work(repo, now)
                        # events are stored by a write's end only: recorded here they would be lost without a word
                        assert not repo.pending_events, "events recorded in a read transaction"
                return result
            except (DBAPIError, OSError) as exc:
                if isinstance(exc, DBAPIError) and exc.connection_invalidated and attempt == 1:
                    continue
                if is_storage_fault(exc):
                    raise self._unavailable("read", exc) from exc
                raise
        raise AssertionError("unreachable")

    def _unavailable(self, where: str, exc: BaseException) -> StorageUnavailable:
        """The 503 for a storage fault, said to the outage log; the pool is renewed for the next attempt."""
        self.outage.failed(where, exc)
        self.db.recycle()
        return StorageUnavailable(describe(exc))

    def record(self, repo: Repository, events: list[Event], now: dt.datetime, day: dt.date | None = None) -> None:
        """Events of this transaction, stored in the order recorded when its work is done (`_store_events`)."""
        if events:
            repo.pending_events.append((events, day or self.service_day(now)))

    def _store_events(self, repo: Repository) -> list[StoredEvent]:
        """Store the transaction's events under the hall's event lock, so their ids become visible in order. Taken
        last, just before the commit: the lock serialises one hall's writers only for their inserts and commit, not
        for the reads and claims before them (issue 15: 8 windows of a hall waited on each other there)."""
        if not repo.pending_events:
            return []
        stored: list[StoredEvent] = []
        batch: list[Event] = []  # one execution per service day (one, but for settling earlier days' tickets)
        for i, (events, day) in enumerate(repo.pending_events):
            batch.extend(events)
            if i + 1 == len(repo.pending_events) or repo.pending_events[i + 1][1] != day:
                stored += repo.add_events(batch, day, lock=self.db.event_lock)
                batch = []
        repo.pending_events.clear()
        return stored
