"""A real day's exceptions at a counter: 找号 (today's ticket by its number, with its history), 特呼 (call a
named waiting ticket out of the rule's order, with the reason recorded), 挂起 / 恢复 (a citizen steps aside and
is taken back), and the console's glance. 过号顺延 is the service's return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caller.engine import model
from caller.engine.identity import mask_text
from caller.engine.model import NotFound, QueueError, Ticket, TicketStatus
from caller.queue.service import QueueService, WindowView
from caller.queue.transactions import Conflict
from caller.storage.repository import Repository, StoredEvent
from caller.queue.hall_swap import FollowsHall


@dataclass(frozen=True)
class Glance:
    """A window's console at a glance: whom the rule would call next, and today's work of the window and of the
    member signed in."""

    next: list[Ticket]
    on_hold: list[Ticket]  # 挂起 at this window, to be taken back
    window_served: int
    window_mean_s: float | None
    mine_served: int
    mine_mean_s: float | None


@dataclass(frozen=True)
class TicketHistory:
    ticket: Ticket
    events: list[StoredEvent]  # its events today, oldest first


class Desk(FollowsHall):
    def __init__(self, service: QueueService):
        self.service = service

    def find(self, number: str) -> TicketHistory:
        """找号: today's ticket with this number (A012, a012) and what happened to it."""
        wanted = number.strip().upper()

        def work(repo: Repository, now: dt.datetime) -> TicketHistory:
            ticket = repo.ticket_by_number(self.hall.service_day(now), wanted)
            if ticket is None:
                raise NotFound("unknown_number", f"今天没有 {wanted} 号 / no ticket {wanted} today")
            return TicketHistory(ticket, repo.ticket_events(ticket))

        return self.service.tx.read(work)

    def glance(self, number: int, staff: str | None, upcoming: int = 3) -> Glance:
        """The next `upcoming` tickets the calling rule would give this window (if it called now, in turn), and the
        services finished today at this window and by `staff` (姓名（工号）), with their mean handling time."""
        spec = self.service.window_spec(number)
        serves = self.hall.serves(spec)

        def work(repo: Repository, now: dt.datetime) -> Glance:
            day = self.hall.service_day(now)
            window = repo.window(number) or model.Window(number)
            heads = repo.queue_heads(day, serves, window=number)
            chosen: list[Ticket] = []
            while len(chosen) < upcoming:
                pick = self.service.policy.choose(window, serves, heads, now)
                if pick is None:
                    break
                chosen.append(pick)
                heads = [t for t in heads if t.pk != pick.pk]
            at_window, by_me = [], []
            for ticket, who in repo.finished_today(day):
                handled = (ticket.finished_at - (ticket.started_at or ticket.called_at)).total_seconds()
                if ticket.window == number:
                    at_window.append(handled)
                if staff and who == staff:
                    by_me.append(handled)
            mean = lambda values: sum(values) / len(values) if values else None  # noqa: E731
            return Glance(chosen, repo.on_hold(day, number), len(at_window), mean(at_window), len(by_me), mean(by_me))

        return self.service.tx.read(work)

    def call_ticket(self, number: int, ticket_id: str, reason: str) -> WindowView:
        """特呼: the window calls this waiting ticket now, whatever the rule would choose; the reason (masked, kept
        with the event, never streamed) says why."""
        spec = self.service.window_spec(number)
        reason = mask_text(reason.strip())
        if not reason:
            raise QueueError("reason_required", "特呼须说明原因 / a special call needs a reason")

        def work(repo: Repository, now: dt.datetime) -> WindowView:
            window = repo.locked_window(number)
            model.can_call(window)
            ticket = repo.ticket(ticket_id, for_update=True)
            if ticket is None or ticket.service_day != self.hall.service_day(now):
                raise NotFound("unknown_ticket", "查无此号 / no such ticket today")
            if ticket.status is not TicketStatus.WAITING:
                raise QueueError("not_waiting", f"{ticket.number} 不在等候中 / {ticket.number} is not waiting")
            if ticket.category not in self.hall.serves(spec):
                raise QueueError("not_served_here", f"本窗口不办理{ticket.number}的事项 / not served at this window")
            events = model.call(window, ticket, now)
            for event in events:
                event.data["special_reason"] = reason
            if not repo.update_ticket(ticket) or not repo.update_window(window):
                raise Conflict
            self.service.tx.record(repo, events, now)
            return WindowView(spec, window, ticket, ticket)

        return self.service.tx.write(work)

    def hold(self, number: int, ticket_id: str | None = None) -> WindowView:
        """挂起 the ticket the window holds; the window is free (with 自动叫号 it may call the next at once)."""
        return self.service.on_held(number, ticket_id, model.put_on_hold)

    def take_back(self, number: int, ticket_id: str) -> WindowView:
        """恢复 a ticket on hold at this window: it is served again here."""
        spec = self.service.window_spec(number)

        def work(repo: Repository, now: dt.datetime) -> WindowView:
            window = repo.locked_window(number)
            ticket = repo.ticket(ticket_id, for_update=True)
            if ticket is None:
                raise NotFound("unknown_ticket", "查无此号 / no such ticket")
            events = model.take_back(window, ticket, now)
            if not repo.update_ticket(ticket) or not repo.update_window(window):
                raise Conflict
            self.service.tx.record(repo, events, now)
            return WindowView(spec, window, ticket, ticket)

        return self.service.tx.write(work)
