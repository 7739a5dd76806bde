"""The statements of Repository.queue_heads (what a window chooses from): on SQLite a UNION ALL of two small
indexed reads per category, built once per hall, layout and option; on PostgreSQL one short statement with the
categories as an array (prepared once by the driver)."""

from __future__ import annotations

from sqlalchemy import Date, Integer, Select, TextClause, bindparam, or_, select, text, union_all

from caller.engine.model import TicketStatus, WindowState
from caller.storage import tables as t


_HEADS: dict[tuple, Select] = {}  # built once per hall, window layout and option: building one costs milliseconds


def heads_statement(hall: str, categories: tuple[str, ...], per_category: int, present_only: bool) -> Select | None:
    """Repository.queue_heads's statement, with the day and the window as parameters."""
    key = (hall, categories, per_category, present_only)
    statement = _HEADS.get(key)
    if statement is not None or not categories:
        return statement
    c, w = t.tickets.c, t.windows.c
    day, window = bindparam("day", type_=Date), bindparam("window", type_=Integer)
    closed = select(w.number).where(w.hall == hall, w.state == WindowState.CLOSED.value)
    for_me = or_(c.for_window.is_(None), c.for_window == window, c.for_window.in_(closed.scalar_subquery()))
    parts = []
    for category in categories:
        first = select(t.tickets).where(c.hall == hall, c.service_day == day, c.status == TicketStatus.WAITING.value,
                                        c.category == category, for_me)
        if present_only:
            first = first.where(or_(c.remote.is_(False), c.arrived_at.is_not(None)))
        parts.append(select(first.order_by(c.order_at, c.pk).limit(per_category).subquery()))
        parts.append(select(first.order_by(c.queued_at, c.pk).limit(1).subquery()))
    statement = union_all(*parts)
    if len(_HEADS) > 1000:  # halls times layouts: bounded all the same
        _HEADS.clear()
    _HEADS[key] = statement
    return statement


def _pg_heads(present_only: bool) -> TextClause:
    """Repository.queue_heads on PostgreSQL: per category (an array parameter), the first few by effective queue
    time and the longest waiting, each an index probe (LATERAL … LIMIT); five parameters whatever the categories, so
    psycopg prepares it once and the server plans it once."""
    present = "AND (NOT remote OR arrived_at IS NOT NULL)" if present_only else ""
    columns = ", ".join(f't."{column.name}"' for column in t.tickets.c)  # in the table's order, not the server's
    part = """SELECT {columns} FROM unnest(CAST(:cats AS text[])) AS c(cat) CROSS JOIN LATERAL (
        SELECT * FROM tickets WHERE hall = :hall AND service_day = :day AND status = 'waiting' AND category = c.cat
        AND (for_window IS NULL OR for_window = :window OR for_window IN (
            SELECT number FROM windows WHERE hall = :hall AND state = 'closed')) {present}
        ORDER BY {order}, pk LIMIT {limit}) AS t"""
    sql = (part.format(columns=columns, present=present, order="order_at", limit=":per") + " UNION ALL "
           + part.format(columns=columns, present=present, order="queued_at", limit="1"))
    return text(sql).columns(*t.tickets.c)


PG_HEADS, PG_HEADS_PRESENT = _pg_heads(False), _pg_heads(True)
