"""Fans stored events out to live subscribers: one poller per process reads new events from the database.

Events are written in the same transaction as the change they describe, so the database is the
only source; several caller processes each run a hub and see each other's events within one poll.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from caller.storage.faults import Outage, StorageUnavailable, is_storage_fault
from caller.storage.repository import StoredEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    id: int
    type: str
    data: str  # JSON, encoded once for every subscriber


def encode(event: StoredEvent) -> Outgoing:
    return Outgoing(event.id, event.type, json.dumps(event.public(), ensure_ascii=False, separators=(",", ":")))


@dataclass(eq=False)
class Subscription:
    queue: asyncio.Queue[Outgoing | None] = field(default_factory=asyncio.Queue)
    start_after: int = 0  # the hub had delivered everything up to here when this subscribed


class EventHub:
    def __init__(
        self,
        fetch_after: Callable[[int], list[StoredEvent]],
        last_id: Callable[[], int],
        poll_s: float = 0.05,
        max_backlog: int = 2000,
        outage: Outage | None = None,
    ):
        self._fetch_after = fetch_after
        self._last_id = last_id
        self.poll_s = poll_s
        self.max_backlog = max_backlog
        self.outage = outage or Outage()
        self.last_seen = 0
        self._started = False  # last_seen read from the database: nothing is delivered before
        self._subscribers: set[Subscription] = set()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self.listeners: list[Callable[[Outgoing], object]] = []  # this process's own followers (hall-changed)
        self._chores: set[asyncio.Task] = set()
        self._offered: list[StoredEvent] = []  # events local commits stored, not yet delivered

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await self._read_last_id()
        self._task = asyncio.create_task(self._run(), name="event-hub")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for sub in list(self._subscribers):
            sub.queue.put_nowait(None)
        self._subscribers.clear()

    def poke(self, stored: list[StoredEvent] | None = None) -> None:
        """Tell the hub a local commit wrote events, which it may pass on as they are (safe from any thread)."""
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._offer, stored or [])

    def _offer(self, stored: list[StoredEvent]) -> None:
        self._offered += stored
        self._wake.set()

    def _take_offered(self) -> list[StoredEvent] | None:
        """The events local commits offered, if they are all that follows what was delivered (their ids run on
        from `last_seen` without a gap): then the hub delivers them without reading the database. A gap means
        events of another process, of another hall of the county, or a rolled back id: the hub reads."""
        offered = sorted((e for e in self._offered if e.id > self.last_seen), key=lambda e: e.id)
        self._offered = []
        if not offered or any(e.id != self.last_seen + 1 + i for i, e in enumerate(offered)):
            return None
        return offered

    def subscribe(self) -> Subscription:
        sub = Subscription(start_after=self.last_seen)
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)

    async def _read_last_id(self) -> bool:
        try:
            self.last_seen = await asyncio.to_thread(self._last_id)
        except Exception as exc:  # noqa: BLE001 - a database down at startup: said once, tried again
            self._said(exc)
            return False
        self._started = True
        return True

    def _said(self, exc: BaseException) -> None:
        if not isinstance(exc, StorageUnavailable):  # the transaction has told the outage log already
            if is_storage_fault(exc):
                self.outage.failed("event hub", exc)
            else:
                log.exception("event hub could not read events")

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._started:
            await asyncio.sleep(min(1.0, self.poll_s * 10))
            await self._read_last_id()
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_s)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            try:
                events = self._take_offered()
                if events is None:
                    events = await asyncio.to_thread(self._fetch_after, self.last_seen)
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the stream for everyone
                self._said(exc)
                await asyncio.sleep(min(1.0, self.poll_s * 10))
                continue
            for event in events:
                self._deliver(encode(event))
                self.last_seen = event.id
            if len(events) >= 1000:
                self._wake.set()  # more to read

    def run_soon(self, work: Callable[[], object]) -> None:
        """Run blocking `work` in a thread from the hub's loop (a listener's reaction, or a route's follow-up), from
        any thread, logging a failure; nothing happens before the hub has started."""
        async def chore() -> None:
            try:
                await asyncio.to_thread(work)
            except Exception:  # noqa: BLE001 - the periodic check tries again
                log.exception("follow-up %s failed", getattr(work, "__name__", work))

        def start() -> None:
            task = asyncio.create_task(chore())
            self._chores.add(task)
            task.add_done_callback(self._chores.discard)

        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(start)

    def _deliver(self, item: Outgoing) -> None:
        for listener in self.listeners:
            listener(item)
        for sub in list(self._subscribers):
            if sub.queue.qsize() >= self.max_backlog:
                # A client this far behind is cut off; it reconnects with Last-Event-ID and loses nothing.
                self._subscribers.discard(sub)
                sub.queue.put_nowait(None)
            else:
                sub.queue.put_nowait(item)
