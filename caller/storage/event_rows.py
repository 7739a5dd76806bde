"""The repository's event rows: recording events in order and reading them back for the live stream."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from caller.engine.model import Event
from caller.storage import hot_statements as hot
from caller.storage import tables as t
from caller.storage.rows import Rows

_ARRAYS = (("types", "type"), ("pks", "ticket_pk"), ("numbers", "number"),
           ("categories", "category"), ("windows", "window"), ("statuses", "status"), ("datas", "data"))
PRIVATE_EVENT_DATA = frozenset({"staff", "special_reason", "transfer_note", "priority_reason"})  # stored with the event, never streamed


@dataclass(frozen=True)
class StoredEvent:
    id: int
    type: str
    at: dt.datetime
    number: str | None
    category: str | None
    window: int | None
    status: str | None
    data: dict

    def public(self) -> dict:
        """The event as boards and counters see it: no personal data is stored in an event, and who served (the
        counter's label, kept for the ratings) stays in the database — a board needs a window, not a person."""
        data = {key: value for key, value in self.data.items() if key not in PRIVATE_EVENT_DATA}
        return {
            "id": self.id,
            "type": self.type,
            "at": self.at.isoformat(),
            "number": self.number,
            "category": self.category,
            "window": self.window,
            "status": self.status,
            **({"data": data} if data else {}),
        }


class EventRows(Rows):
    def add_events(self, events: Sequence[Event], day: dt.date, lock: int | None = None) -> list[StoredEvent]:
        """Store events in the order given (their ids follow it); the events as stored, for the event hub. With
        `lock`, on PostgreSQL, the hall's event lock (an advisory lock held to the commit) is taken by the same
        statement first."""
        rows = []
        for event in events:
            ticket = event.ticket
            rows.append({
                "hall": self.hall,
                "service_day": day,
                "type": event.type.value,
                "at": event.at,
                "ticket_pk": ticket.pk if ticket else None,
                "number": ticket.number if ticket else None,
                "category": ticket.category if ticket else None,
                "window": event.window,
                "status": ticket.status.value if ticket else None,
                "data": json.dumps(event.data, ensure_ascii=False) if event.data else "{}",
            })
        if not rows:
            return []
        if lock is not None and self.conn.dialect.name == "postgresql":
            ids = sorted(self.conn.execute(hot.PG_LOCK_AND_INSERT_EVENTS, {
                "hall": self.hall, "day": day, "lock": lock,
                "ats": [r["at"].astimezone(dt.timezone.utc).replace(tzinfo=None) for r in rows],  # stored naive UTC
                **{key: [r[column] for r in rows] for key, column in _ARRAYS}}).scalars())
        else:
            ids = self.conn.execute(hot.INSERT_EVENT, rows).scalars().all()  # one statement, ids in the rows' order
        return [StoredEvent(id_, r["type"], r["at"].astimezone(dt.timezone.utc), r["number"], r["category"],
                            r["window"], r["status"], json.loads(r["data"])) for id_, r in zip(ids, rows, strict=True)]

    def events_after(self, last_id: int, since: dt.datetime | None = None, limit: int = 1000) -> list[StoredEvent]:
        """Events after an id, in id order; with `since`, only those recorded at or after it."""
        query = hot.EVENTS_AFTER  # the hub's read after each commit: built once
        if since is not None:
            query = query.where(t.events.c.at >= since)
        rows = self.conn.execute(query, {"w_hall": self.hall, "w_after": last_id, "w_limit": limit})
        return [
            StoredEvent(r.id, r.type, r.at, r.number, r.category, r.window, r.status, json.loads(r.data))
            for r in rows
        ]

    def latest_event_at(self) -> dt.datetime | None:
        """The time of the hall's newest event: the caller's clock never goes back before it."""
        return self.conn.execute(
            select(t.events.c.at).where(t.events.c.hall == self.hall).order_by(t.events.c.id.desc()).limit(1)
        ).scalar()

    def last_event_id(self) -> int:
        value = self.conn.execute(select(func.max(t.events.c.id)).where(t.events.c.hall == self.hall)).scalar()
        return int(value or 0)
