"""Tickets a hall file change would strand: waiting tickets of a matter the file no longer has (whatever their day:
the caller runs on the hall's clock, this command may not). The caller
says so when it starts, `check-config` refuses the file while they wait, and `move-tickets` moves them to another
matter keeping their age."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select

from caller.engine import model
from caller.engine.model import QueueError, TicketStatus
from caller.queue.service import Invalid, QueueService
from caller.queue.transactions import Conflict
from caller.storage import tables as t
from caller.storage.repository import Repository

log = logging.getLogger(__name__)


def stranded(service: QueueService) -> dict[str, int]:
    """Waiting tickets per category the hall file does not have."""
    known = {c.id for c in service.hall.categories}

    def work(repo: Repository, now: dt.datetime) -> dict[str, int]:
        c = t.tickets.c
        counts = repo.conn.execute(select(c.category, func.count()).where(
            c.hall == service.hall.hall.id, c.status == TicketStatus.WAITING.value).group_by(c.category)).all()
        return {category: n for category, n in sorted(counts) if category not in known}

    return service.tx.read(work)


def warn_stranded(service: QueueService) -> dict[str, int]:
    found = stranded(service)
    for category, count in found.items():
        log.warning("%d ticket(s) wait for category %r, which the hall file no longer has: no window will "
                    "call them; move them with `onewindow move-tickets --from %s --to CATEGORY`",
                    count, category, category)
    return found


def move_waiting(service: QueueService, from_category: str, to_category: str) -> int:
    """Move the waiting tickets of `from_category` to `to_category` (which the hall has), keeping their age;
    returns how many."""
    if service.hall.category(to_category) is None:
        raise Invalid("unknown_category", f"没有此事项：{to_category} / unknown category")
    if from_category == to_category:
        raise QueueError("same_category", "请选择另一个事项 / pick another category")

    def work(repo: Repository, now: dt.datetime) -> int:
        c = t.tickets.c
        days = repo.conn.execute(select(c.service_day).distinct().where(
            c.hall == service.hall.hall.id, c.status == TicketStatus.WAITING.value, c.category == from_category))
        tickets = [ticket for (day,) in days for ticket in repo.waiting(day, [from_category])]
        for ticket in tickets:
            events = model.move_category(ticket, to_category, now)
            if not repo.update_ticket(ticket):
                raise Conflict
            service.tx.record(repo, events, now)
        return len(tickets)

    return service.tx.write(work)
