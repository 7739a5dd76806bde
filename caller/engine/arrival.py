"""Numbers taken from the phone (远程取号): such a ticket queues from the moment it is taken, but it is called only
once its citizen is confirmed in the hall (the kiosk scans the phone's QR, or the desk checks it).

- **Not called to an empty window.** The calling rule chooses among citizens present; a remote ticket it would
  have chosen first is *reached* and passed over, and the window calls the next present citizen instead.
- **It waits at the head for a grace time.** Confirmed within `grace` of being first reached, it keeps its age and
  is the next called. Not confirmed by then, it lapses (a no-show, `reason: not-arrived`).
- **Arriving after the grace** queues it again from the moment of arrival, as a citizen walking in then would: a
  remote citizen's absence never makes those present wait longer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from caller.engine.model import Event, EventType, QueueError, Ticket, TicketStatus, Window
from caller.engine.policy import CallingPolicy


def awaiting(ticket: Ticket) -> bool:
    """A remote ticket whose citizen is not confirmed in the hall yet."""
    return ticket.remote and ticket.arrived_at is None


def choose_present(policy: CallingPolicy, window: Window, serves: frozenset[str], waiting: Iterable[Ticket],
                   now: dt.datetime) -> tuple[Ticket | None, list[Ticket]]:
    """The policy's choice among citizens present, and the awaiting tickets it would have chosen before it
    (reached: each waits its grace, or lapses)."""
    candidates = list(waiting)
    passed: list[Ticket] = []
    while True:
        chosen = policy.choose(window, serves, candidates, now)
        if chosen is None or not awaiting(chosen):
            return chosen, passed
        passed.append(chosen)
        candidates = [t for t in candidates if t is not chosen]


def pass_over(ticket: Ticket, now: dt.datetime, grace: dt.timedelta) -> list[Event]:
    """A remote ticket reached before its citizen arrived: the first time, its grace starts (an event the phone
    page shows); once the grace is over, it lapses. No events while the grace runs."""
    assert awaiting(ticket) and ticket.status is TicketStatus.WAITING
    if ticket.reached_at is None:
        ticket.reached_at = now
        return [Event(EventType.TICKET_REACHED, now, ticket=ticket,
                      data={"arrive_by": (now + grace).isoformat()})]
    if now - ticket.reached_at < grace:
        return []
    ticket.status = TicketStatus.NO_SHOW
    ticket.no_show_at = now
    return [Event(EventType.TICKET_NO_SHOW, now, ticket=ticket, data={"reason": "not-arrived"})]


def arrive(ticket: Ticket, now: dt.datetime, today: dt.date) -> list[Event]:
    """到场确认. Within its grace (or before being reached) the ticket keeps its place; a lapsed one queues again
    from now. Confirming twice is no change (no events)."""
    if not ticket.remote:
        raise QueueError("not_remote", f"{ticket.number} 不是远程取的号，无需确认到场 / not a remote ticket")
    if ticket.service_day != today:
        raise QueueError("day_over", f"{ticket.number} 是 {ticket.service_day:%m月%d日} 的号，已失效，请重新取号 / "
                                     "a ticket of an earlier day")
    if ticket.arrived_at is not None and ticket.status is not TicketStatus.NO_SHOW:
        return []
    if ticket.status is TicketStatus.NO_SHOW and ticket.arrived_at is None:
        ticket.status = TicketStatus.WAITING
        ticket.queued_at = now
        ticket.no_show_at = None
        ticket.arrived_at = now
        return [Event(EventType.TICKET_ARRIVED, now, ticket=ticket, data={"requeued": True})]
    if ticket.status is not TicketStatus.WAITING:
        raise QueueError("wrong_state", f"{ticket.number} 已叫过或已结束 / the ticket is no longer waiting")
    ticket.arrived_at = now
    return [Event(EventType.TICKET_ARRIVED, now, ticket=ticket, data={"requeued": False})]
