"""Reading and writing queue state for one hall: rows to domain objects and back, with conditional updates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Row, and_, func, insert, or_, select, update

from caller.engine.model import (
    LIVE_STATUSES,
    EventType,
    Priority,
    Ticket,
    TicketStatus,
)
from caller.storage import hot_statements as hot
from caller.storage import tables as t
from caller.storage.queue_heads import PG_HEADS, PG_HEADS_PRESENT, heads_statement
from caller.storage.event_rows import EventRows, StoredEvent
from caller.storage.window_rows import WindowRows

@dataclass(frozen=True)
class Personal:
    """The masked forms of what the kiosk read; the raw values are never stored."""

    name_masked: str | None = None
    id_masked: str | None = None
    id_key: str | None = None  # the ID number as a keyed digest: which tickets are one citizen's


def _ticket(row: Row) -> Ticket:
    return Ticket(
        id=row.public_id,
        number=row.number,
        category=row.category,
        priority=Priority(row.priority),
        service_day=row.service_day,
        issued_at=row.issued_at,
        queued_at=row.queued_at,
        status=TicketStatus(row.status),
        window=row.window,
        recalls=row.recalls,
        transfers=row.transfers,
        called_at=row.called_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        no_show_at=row.no_show_at,
        for_window=row.for_window,
        remote=row.remote,
        arrived_at=row.arrived_at,
        reached_at=row.reached_at,
        version=row.version,
        pk=row.pk,
    )


def _ticket_values(ticket: Ticket) -> dict:
    return {
        "category": ticket.category,
        "status": ticket.status.value,
        "window": ticket.window,
        "recalls": ticket.recalls,
        "transfers": ticket.transfers,
        "queued_at": ticket.queued_at,
        "called_at": ticket.called_at,
        "started_at": ticket.started_at,
        "finished_at": ticket.finished_at,
        "no_show_at": ticket.no_show_at,
        "for_window": ticket.for_window,
        "arrived_at": ticket.arrived_at,
        "reached_at": ticket.reached_at,
    }


class Repository(WindowRows, EventRows):
    """Queue state of one hall on one connection. `order_of` gives a ticket's effective queue time."""

    def __init__(self, conn: Connection, hall: str, order_of: Callable[[Ticket], dt.datetime]):
        self.conn = conn
        self.hall = hall
        self.order_of = order_of
        self.pending_events: list[tuple[list, dt.date]] = []  # recorded, stored just before the commit

    def next_number(self, day: dt.date, prefix: str) -> int:
        """Atomically take the next sequence number of a prefix for a day."""
        self.conn.execute(
            self._insert(t.number_counters)
            .values(hall=self.hall, service_day=day, prefix=prefix, last=0)
            .on_conflict_do_nothing()
        )
        return self.conn.execute(
            update(t.number_counters)
            .where(
                t.number_counters.c.hall == self.hall,
                t.number_counters.c.service_day == day,
                t.number_counters.c.prefix == prefix,
            )
            .values(last=t.number_counters.c.last + 1)
            .returning(t.number_counters.c.last)
        ).scalar_one()

    def insert_ticket(self, ticket: Ticket, personal: Personal, source: str | None) -> None:
        ticket.pk = self.conn.execute(
            insert(t.tickets)
            .values(
                hall=self.hall,
                public_id=ticket.id,
                service_day=ticket.service_day,
                number=ticket.number,
                priority=ticket.priority.value,
                issued_at=ticket.issued_at,
                name_masked=personal.name_masked,
                id_masked=personal.id_masked,
                source=source,
                remote=ticket.remote,
                version=0,
                order_at=self.order_of(ticket),
                **_ticket_values(ticket),
            )
            .returning(t.tickets.c.pk)
        ).scalar_one()
        if personal.id_key:
            self.conn.execute(insert(t.ticket_id_keys).values(ticket_pk=ticket.pk, id_key=personal.id_key))

    def ticket_by_number(self, day: dt.date, number: str) -> Ticket | None:
        c = t.tickets.c
        row = self.conn.execute(select(t.tickets).where(c.hall == self.hall, c.service_day == day,
                                                        c.number == number)).first()
        return _ticket(row) if row else None

    def ticket_events(self, ticket: Ticket) -> list[StoredEvent]:
        """Everything that happened to one ticket, oldest first."""
        e = t.events.c
        rows = self.conn.execute(select(t.events).where(e.hall == self.hall, e.ticket_pk == ticket.pk).order_by(e.id))
        return [StoredEvent(r.id, r.type, r.at, r.number, r.category, r.window, r.status, json.loads(r.data))
                for r in rows]

    def transfer_note(self, ticket: Ticket) -> str | None:
        """The note of the latest 转办 of this ticket, with the window it came from: 「3 号窗口：…」."""
        e = t.events.c
        row = self.conn.execute(
            select(e.window, e.data).where(e.hall == self.hall, e.ticket_pk == ticket.pk,
                                           e.type == EventType.TICKET_TRANSFERRED.value)
            .order_by(e.id.desc()).limit(1)
        ).first()
        note = json.loads(row.data or "{}").get("transfer_note") if row else None
        return f"{row.window} 号窗口：{note}" if note else None

    def signed_in_name(self, window: int) -> str | None:
        """The name of the staff member signed in at a window now (an open session), if any."""
        s, m = t.staff_sessions.c, t.staff.c
        return self.conn.execute(
            select(m.name).join(t.staff_sessions, s.staff_id == m.id)
            .where(s.hall == self.hall, s.window == window, s.ended_at.is_(None)).order_by(s.id.desc()).limit(1)
        ).scalar()

    def on_hold(self, day: dt.date, window: int) -> list[Ticket]:
        c = t.tickets.c
        rows = self.conn.execute(select(t.tickets).where(c.hall == self.hall, c.service_day == day, c.window == window,
                                                         c.status == TicketStatus.ON_HOLD.value).order_by(c.pk))
        return [_ticket(r) for r in rows]

    def finished_today(self, day: dt.date) -> list[tuple[Ticket, str | None]]:
        """The day's services finished at a window, each with who finished it (the finish event's staff)."""
        c, e = t.tickets.c, t.events.c
        rows = self.conn.execute(
            select(t.tickets, e.data.label("finish_data")).join(t.events, e.ticket_pk == c.pk)
            .where(c.hall == self.hall, c.service_day == day, e.type == EventType.TICKET_FINISHED.value,
                   e.window.is_not(None))
            .order_by(e.id)
        )
        return [(_ticket(r), json.loads(r.finish_data or "{}").get("staff")) for r in rows]

    def live_ticket_of(self, day: dt.date, category: str, id_key: str) -> Ticket | None:
        """The citizen's ticket of this category still waiting, called or being served today, if any."""
        c, k = t.tickets.c, t.ticket_id_keys.c
        row = self.conn.execute(
            select(t.tickets).join(t.ticket_id_keys, k.ticket_pk == c.pk)
            .where(k.id_key == id_key, c.hall == self.hall, c.service_day == day, c.category == category,
                   c.status.in_([s.value for s in LIVE_STATUSES]))
            .order_by(c.pk).limit(1)
        ).first()
        return _ticket(row) if row else None

    def ticket(self, public_id: str, *, for_update: bool = False) -> Ticket | None:
        query = hot.TICKET_LOCKED if for_update else hot.TICKET
        row = self.conn.execute(query, {"w_hall": self.hall, "w_id": public_id}).first()
        return _ticket(row) if row else None

    def set_receipt(self, ticket: Ticket, state: str) -> None:
        self.conn.execute(update(t.tickets).where(t.tickets.c.pk == ticket.pk).values(receipt=state))

    def unprinted(self, day: dt.date) -> list[Ticket]:
        """Live tickets of the day whose receipt did not print: the counters' reprint list."""
        c = t.tickets.c
        rows = self.conn.execute(
            select(t.tickets)
            .where(c.hall == self.hall, c.service_day == day, c.receipt == "unprinted", c.status.in_([s.value for s in LIVE_STATUSES]))
            .order_by(c.issued_at, c.pk)
        )
        return [_ticket(row) for row in rows]

    def ticket_by_pk(self, pk: int) -> Ticket | None:
        row = self.conn.execute(select(t.tickets).where(t.tickets.c.pk == pk)).first()
        return _ticket(row) if row else None

    def personal(self, public_id: str) -> Personal:
        row = self.conn.execute(
            select(t.tickets.c.name_masked, t.tickets.c.id_masked).where(
                t.tickets.c.hall == self.hall, t.tickets.c.public_id == public_id
            )
        ).first()
        return Personal(row.name_masked, row.id_masked) if row else Personal()

    def waiting(self, day: dt.date, categories: Iterable[str] | None = None) -> list[Ticket]:
        query = select(t.tickets).where(
            t.tickets.c.hall == self.hall,
            t.tickets.c.service_day == day,
            t.tickets.c.status == TicketStatus.WAITING.value,
        )
        if categories is not None:
            query = query.where(t.tickets.c.category.in_(list(categories)))
        return [_ticket(row) for row in self.conn.execute(query)]

    def _waiting(self, day: dt.date):  # noqa: ANN202 - a WHERE clause
        c = t.tickets.c
        return and_(c.hall == self.hall, c.service_day == day, c.status == TicketStatus.WAITING.value)

    def queue_heads(self, day: dt.date, categories: Iterable[str], per_category: int = 5,
                    window: int | None = None, present_only: bool = False) -> list[Ticket]:
        """What `window` chooses from: per category, the first few waiting tickets by effective queue time
        (age + head start) and the one that has waited longest (the calling rule's oldest-first bound). A ticket
        transferred to another named window is not among them while that window is not closed. `present_only`
        leaves out numbers taken from the phone whose citizen has not arrived (when they fill the first places).

        Small indexed reads per category, in one statement, so the cost does not grow with the length of the queue
        nor the round trips with the number of categories.
        """
        chosen = sorted(categories)
        if not chosen:
            return []
        if self.conn.dialect.name == "postgresql":  # a short statement, prepared once by the driver
            statement = PG_HEADS_PRESENT if present_only else PG_HEADS
            params = {"cats": chosen, "hall": self.hall, "day": day, "window": window, "per": per_category}
        else:
            statement = heads_statement(self.hall, tuple(chosen), per_category, present_only)
            params = {"day": day, "window": window}
        heads: dict[int, Ticket] = {}
        # one statement (one round trip), each part still a small indexed read
        for row in self.conn.execute(statement, params):
            heads.setdefault(row.pk, _ticket(row))
        return list(heads.values())

    def waiting_counts(self, day: dt.date) -> dict[str, int]:
        c = t.tickets.c
        rows = self.conn.execute(select(c.category, func.count()).where(self._waiting(day)).group_by(c.category))
        return {category: count for category, count in rows}

    def ahead_counts(self, ticket: Ticket) -> dict[str, int]:
        """Per category, the waiting tickets that come before this one in effective queue time."""
        c = t.tickets.c
        mine = self.order_of(ticket)
        before = or_(c.order_at < mine, and_(c.order_at == mine, c.pk < ticket.pk))
        rows = self.conn.execute(
            select(c.category, func.count()).where(self._waiting(ticket.service_day), before).group_by(c.category)
        )
        return {category: count for category, count in rows}

    def reorder_waiting(self, day: dt.date) -> None:
        """Recompute the effective queue time of waiting tickets (after the head starts were reconfigured)."""
        for ticket in self.waiting(day):
            self.conn.execute(update(t.tickets).where(t.tickets.c.pk == ticket.pk).values(order_at=self.order_of(ticket)))

    def live_before(self, day: dt.date, limit: int = 500) -> list[Ticket]:
        """Tickets of earlier days still waiting, called or being served."""
        query = (
            select(t.tickets)
            .where(
                t.tickets.c.hall == self.hall,
                t.tickets.c.service_day < day,
                t.tickets.c.status.in_([s.value for s in LIVE_STATUSES]),
            )
            .order_by(t.tickets.c.pk)
            .limit(limit)
        )
        return [_ticket(row) for row in self.conn.execute(query)]

    def held_tickets(self, day: dt.date) -> list[Ticket]:
        query = select(t.tickets).where(
            t.tickets.c.hall == self.hall,
            t.tickets.c.service_day == day,
            t.tickets.c.status.in_([TicketStatus.CALLED.value, TicketStatus.SERVING.value]),
        )
        return [_ticket(row) for row in self.conn.execute(query)]

    def claim_first(self, ranked: list[Ticket]) -> tuple[Ticket, Personal] | None:
        """The first of `ranked` (the calling rule's candidates, best first) nobody changed since it was read, with
        its masked personal data, for the caller to call and `update_ticket`; None if none is free. On PostgreSQL it
        is locked, and tickets other windows' transactions are calling right now are passed over at once (SKIP
        LOCKED); SQLite has one writer at a time, so the first is taken and `update_ticket` checks its version."""
        if not ranked:
            return None
        if self.conn.dialect.name == "sqlite":
            return ranked[0], self.personal(ranked[0].id)
        row = self.conn.execute(hot.PG_CLAIM_FIRST, {"pks": [c.pk for c in ranked],
                                                     "versions": [c.version for c in ranked]}).first()
        if row is None:
            return None
        won = next(c for c in ranked if c.pk == row.pk)
        return won, Personal(row.name_masked, row.id_masked)

    def update_ticket(self, ticket: Ticket) -> bool:
        """Write a ticket's new state only if nobody changed it since it was read."""
        result = self.conn.execute(hot.UPDATE_TICKET, {
            "w_pk": ticket.pk, "w_version": ticket.version, "version": ticket.version + 1,
            "order_at": self.order_of(ticket), **_ticket_values(ticket)})
        if result.rowcount == 1:
            ticket.version += 1
            return True
        return False

    def oldest_waiting(self, day: dt.date) -> dt.datetime | None:
        return self.conn.execute(select(func.min(t.tickets.c.queued_at)).where(self._waiting(day))).scalar()

    def idempotency(self, key: str) -> tuple[int, str] | None:
        row = self.conn.execute(
            select(t.idempotency_keys.c.ticket_pk, t.idempotency_keys.c.fingerprint).where(
                t.idempotency_keys.c.hall == self.hall, t.idempotency_keys.c.key == key
            )
        ).first()
        return (row.ticket_pk, row.fingerprint) if row else None

    def remember_idempotency(self, key: str, ticket_pk: int, fingerprint: str, now: dt.datetime) -> None:
        self.conn.execute(
            insert(t.idempotency_keys).values(
                hall=self.hall, key=key, ticket_pk=ticket_pk, fingerprint=fingerprint, created_at=now
            )
        )

    def recent_service_seconds(self, day: dt.date, per_category: int = 20) -> dict[str, list[float]]:
        """Durations of the latest finished services of the day, per category."""
        rows = self.conn.execute(
            select(t.tickets.c.category, t.tickets.c.started_at, t.tickets.c.finished_at)
            .where(
                and_(
                    t.tickets.c.hall == self.hall,
                    t.tickets.c.service_day == day,
                    t.tickets.c.status == TicketStatus.DONE.value,
                    t.tickets.c.started_at.is_not(None),
                )
            )
            .order_by(t.tickets.c.finished_at.desc())
            .limit(per_category * 20)
        )
        found: dict[str, list[float]] = {}
        for row in rows:
            bucket = found.setdefault(row.category, [])
            if len(bucket) < per_category:
                bucket.append((row.finished_at - row.started_at).total_seconds())
        return found
