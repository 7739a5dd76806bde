"""The statements of the queue's hot path (a window's call, finish and their events), built once with their values
as parameters: building a statement anew on each call (its WHERE, its SET, its cache key) cost more of a call's
Python than running it (issue 15). A statement object built once also keeps its cache key, so SQLAlchemy finds its
compiled form at once."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, text, update

from caller.storage import tables as t

T, W, E = t.tickets.c, t.windows.c, t.events.c

# what a ticket's state change writes (Repository.update_ticket); `w_pk` and `w_version` say which row, as read
TICKET_FIELDS = ("category", "status", "window", "recalls", "transfers", "queued_at", "called_at", "started_at",
                 "finished_at", "no_show_at", "for_window", "arrived_at", "reached_at", "order_at", "version")
UPDATE_TICKET = (
    update(t.tickets)
    .where(T.pk == bindparam("w_pk"), T.version == bindparam("w_version"))
    .values({name: bindparam(name) for name in TICKET_FIELDS})
)

TICKET = select(t.tickets).where(T.hall == bindparam("w_hall"), T.public_id == bindparam("w_id"))
TICKET_LOCKED = TICKET.with_for_update()

WINDOW = select(t.windows).where(W.hall == bindparam("w_hall"), W.number == bindparam("w_number"))
WINDOW_LOCKED = WINDOW.with_for_update()
UPDATE_WINDOW = (
    update(t.windows)
    .where(W.hall == bindparam("w_hall"), W.number == bindparam("w_number"), W.version == bindparam("w_version"))
    .values({name: bindparam(name) for name in ("state", "ticket_id", "state_since", "version")})
)

# The first of the calling rule's candidates that no other transaction holds, locked; in the rule's order, each
# still at the version read. Only the row returned is locked (the lock sits under the LIMIT), so a window passes
# the tickets other windows are calling that instant in one round trip instead of one try each.
PG_CLAIM_FIRST = text(
    "SELECT t.pk, t.name_masked, t.id_masked FROM tickets AS t "
    "JOIN unnest(CAST(:pks AS bigint[]), CAST(:versions AS integer[])) WITH ORDINALITY AS c(pk, version, rank) "
    "ON t.pk = c.pk AND t.version = c.version "
    "ORDER BY c.rank LIMIT 1 FOR UPDATE OF t SKIP LOCKED"
)

# all of a transaction's events in one execution (one statement of many rows), their ids in the rows' order
INSERT_EVENT = insert(t.events).returning(E.id, sort_by_parameter_order=True)

EVENTS_AFTER = (select(t.events).where(E.hall == bindparam("w_hall"), E.id > bindparam("w_after")).order_by(E.id)
                .limit(bindparam("w_limit")))

# On PostgreSQL the hall's event lock and the insert of a transaction's events are one statement (one round trip
# less, and the lock is held only for the insert and the commit): the lock's one-row subquery is joined before any
# row reaches the insert, so ids are taken under it, in the rows' order (ORDER BY n); they are returned ascending.
PG_LOCK_AND_INSERT_EVENTS = text(
    'INSERT INTO events (hall, service_day, type, at, ticket_pk, number, category, "window", status, data) '
    'SELECT :hall, :day, u.type, u.at, u.ticket_pk, u.number, u.category, u."window", u.status, u.data '
    "FROM (SELECT pg_advisory_xact_lock(:lock)) AS l, "
    "unnest(CAST(:types AS text[]), CAST(:ats AS timestamp[]), CAST(:pks AS bigint[]), CAST(:numbers AS text[]), "
    "CAST(:categories AS text[]), CAST(:windows AS integer[]), CAST(:statuses AS text[]), CAST(:datas AS text[])) "
    'WITH ORDINALITY AS u(type, at, ticket_pk, number, category, "window", status, data, n) '
    "ORDER BY u.n RETURNING id"
)
