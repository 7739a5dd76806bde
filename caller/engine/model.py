"""The queue's domain: tickets, windows, the transitions between their states, and the events they record.

Pure Python: no database, HTTP or clock. Every transition takes `now` and returns the events it records;
an illegal transition raises a QueueError and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no-show"
    CANCELLED = "cancelled"
    ON_HOLD = "on-hold"  # 挂起: the citizen fetches a document; the window serves others meanwhile, then takes it back


LIVE_STATUSES = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.ON_HOLD})
HELD_STATUSES = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})


class Priority(StrEnum):
    NORMAL = "normal"
    APPOINTMENT = "appointment"
    GREEN = "green"


class WindowState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class EventType(StrEnum):
    TICKET_ISSUED = "ticket-issued"
    TICKET_CALLED = "ticket-called"
    TICKET_RECALLED = "ticket-recalled"
    TICKET_STARTED = "ticket-started"
    TICKET_FINISHED = "ticket-finished"
    TICKET_NO_SHOW = "ticket-no-show"
    TICKET_RETURNED = "ticket-returned"
    TICKET_TRANSFERRED = "ticket-transferred"
    TICKET_CANCELLED = "ticket-cancelled"
    TICKET_ON_HOLD = "ticket-on-hold"  # 挂起
    TICKET_TAKEN_BACK = "ticket-taken-back"  # 恢复: the held citizen is served again at the same window
    WINDOW_OPENED = "window-opened"
    WINDOW_CLOSED = "window-closed"
    WINDOW_PAUSED = "window-paused"
    WINDOW_RESUMED = "window-resumed"
    TIDAL_ADVICE = "tidal-advice"
    RECEIPT_PRINTED = "receipt-printed"
    RECEIPT_UNPRINTED = "receipt-unprinted"  # the kiosk could not print it: the counter reprints
    HELP_REQUESTED = "help-requested"  # 帮办代办: a kiosk's help button
    NOTICE_RAISED = "notice-raised"  # a help request or a device condition for the 咨询台 and the manager
    NOTICE_ACKNOWLEDGED = "notice-acknowledged"  # a named member took it
    NOTICE_ESCALATED = "notice-escalated"  # nobody took a help request in time: the manager is told
    NOTICE_CLEARED = "notice-cleared"  # done by staff, or the device recovered
    HALL_CHANGED = "hall-changed"  # a new version of the hall runs (the back office): reload what you show of it
    CASE_CHANGED = "case-changed"  # a case (办件) moved on: the phone page following its ticket looks again
    TICKET_ARRIVED = "ticket-arrived"  # a number taken from the phone was confirmed in the hall (kiosk scan, desk)
    TICKET_REACHED = "ticket-reached"  # such a number reached the head before its citizen arrived: it waits its grace


class QueueError(Exception):
    """A request the queue refuses. `code` is stable for clients; `message` is for people (中文 / English)."""

    status = 409

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class NotFound(QueueError):
    status = 404


@dataclass(frozen=True)
class QueueRules:
    """What the engine needs from the hall file, in plain values."""

    head_starts: dict[str, dt.timedelta]
    transfer_head_start: dt.timedelta
    recalls_before_no_show: int
    no_show_return: dt.timedelta
    # the calling rule's refinements (caller.engine.policy.OldestWithHeadStart); None / zero turns them off
    oldest_first_after: dt.timedelta | None = None
    exclusive_bonus: dt.timedelta = dt.timedelta(0)

    def head_start(self, ticket: Ticket) -> dt.timedelta:
        """Priority head start; a transferred ticket gets the larger of its class's and the transfer one."""
        own = self.head_starts.get(ticket.priority, dt.timedelta(0))
        return max(own, self.transfer_head_start) if ticket.transfers else own


@dataclass
class Ticket:
    id: str  # public, unguessable id
    number: str  # e.g. A012, unique within the service day
    category: str
    priority: Priority
    service_day: dt.date
    issued_at: dt.datetime
    queued_at: dt.datetime  # the moment its age counts from; kept across transfers and returns
    status: TicketStatus = TicketStatus.WAITING
    window: int | None = None
    recalls: int = 0
    transfers: int = 0
    called_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    no_show_at: dt.datetime | None = None
    # 转办 to a named window: while waiting, only that window calls it (any window serving it once that one closes)
    for_window: int | None = None
    # a number taken from the phone (caller/engine/arrival.py): called only once its citizen is confirmed in the hall
    remote: bool = False
    arrived_at: dt.datetime | None = None
    reached_at: dt.datetime | None = None  # first passed over at the head while not yet arrived
    version: int = 0
    pk: int | None = None  # storage identity, absent until stored


@dataclass
class Window:
    number: int
    state: WindowState = WindowState.CLOSED
    ticket_id: str | None = None  # public id of the ticket it holds (called or serving)
    state_since: dt.datetime | None = None  # last change of state or of the ticket held: when idle, idle since
    version: int = 0


@dataclass(frozen=True)
class Event:
    """Something that happened; carries no personal data."""

    type: EventType
    at: dt.datetime
    window: int | None = None
    ticket: Ticket | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _ticket_event(kind: EventType, ticket: Ticket, now: dt.datetime, **data: Any) -> Event:
    return Event(kind, now, window=ticket.window, ticket=ticket, data=data)


def issue(
    ticket_id: str, number: str, category: str, priority: Priority, service_day: dt.date, now: dt.datetime
) -> tuple[Ticket, list[Event]]:
    ticket = Ticket(ticket_id, number, category, priority, service_day, issued_at=now, queued_at=now)
    return ticket, [_ticket_event(EventType.TICKET_ISSUED, ticket, now, priority=priority.value)]


def effective_queue_time(ticket: Ticket, rules: QueueRules) -> dt.datetime:
    """When the ticket counts as having joined: its age origin moved earlier by its head start.

    Ordering by this is ordering by age + head start, independent of the present moment.
    """
    return ticket.queued_at - rules.head_start(ticket)


def expect_holding(window: Window, ticket_id: str | None = None) -> None:
    """Raise unless the window holds a ticket, and (if named) that one: a stale screen can't act on another."""
    if window.ticket_id is None:
        raise QueueError("no_current_ticket", f"{window.number} 号窗口当前没有号 / window {window.number} holds no ticket")
    if ticket_id is not None and window.ticket_id != ticket_id:
        raise _not_held(window)


def _not_held(window: Window) -> QueueError:
    return QueueError("not_your_ticket", f"该号不在 {window.number} 号窗口 / the ticket is not held by window {window.number}")


def _require_window_holds(window: Window, ticket: Ticket) -> None:
    expect_holding(window, ticket.id)
    if ticket.window != window.number:
        raise _not_held(window)


def _require_status(ticket: Ticket, allowed: frozenset[TicketStatus] | set[TicketStatus], action: str) -> None:
    if ticket.status not in allowed:
        raise QueueError(
            "wrong_state",
            f"{ticket.number} 当前状态为 {ticket.status.value}，不能{action} / cannot {action} a {ticket.status.value} ticket",
        )


def can_call(window: Window) -> None:
    """Raise unless the window may call a new ticket now."""
    if window.state is WindowState.CLOSED:
        raise QueueError("window_closed", f"{window.number} 号窗口未登录 / window {window.number} is closed")
    if window.state is WindowState.PAUSED:
        raise QueueError("window_paused", f"{window.number} 号窗口暂停服务中 / window {window.number} is paused")
    if window.ticket_id is not None:
        raise QueueError(
            "window_busy", f"{window.number} 号窗口请先办结当前号 / finish the current ticket first"
        )


def call(window: Window, ticket: Ticket, now: dt.datetime) -> list[Event]:
    can_call(window)
    _require_status(ticket, {TicketStatus.WAITING}, "叫号 call")
    ticket.status = TicketStatus.CALLED
    ticket.window = window.number
    ticket.for_window = None
    ticket.called_at = now
    ticket.recalls = 0
    window.ticket_id = ticket.id
    window.state_since = now
    return [_ticket_event(EventType.TICKET_CALLED, ticket, now)]


def recall(window: Window, ticket: Ticket, now: dt.datetime) -> list[Event]:
    _require_window_holds(window, ticket)
    _require_status(ticket, {TicketStatus.CALLED}, "重呼 recall")
    ticket.recalls += 1
    return [_ticket_event(EventType.TICKET_RECALLED, ticket, now, recalls=ticket.recalls)]


def start(window: Window, ticket: Ticket, now: dt.datetime) -> list[Event]:
    _require_window_holds(window, ticket)
    _require_status(ticket, {TicketStatus.CALLED}, "开始办理 start")
    ticket.status = TicketStatus.SERVING
    ticket.started_at = now
    return [_ticket_event(EventType.TICKET_STARTED, ticket, now)]


def finish(window: Window, ticket: Ticket, now: dt.datetime) -> list[Event]:
    """Finish the service; from `called` it counts as started when it was called."""
    _require_window_holds(window, ticket)
    _require_status(ticket, HELD_STATUSES, "办结 finish")
    if ticket.started_at is None:
        ticket.started_at = ticket.called_at
    ticket.status = TicketStatus.DONE
    ticket.finished_at = now
    window.ticket_id = None
    window.state_since = now
    return [_ticket_event(EventType.TICKET_FINISHED, ticket, now)]


def put_on_hold(window: Window, ticket: Ticket, now: dt.datetime) -> list[Event]:
    """挂起: the citizen steps aside (to fetch a document, say); the window is free to call the next one, and the
    ticket keeps its window, where it is taken back. Its service counts from when it began."""
    _require_window_holds(window, ticket)
    _require_status(ticket, HELD_STATUSES, "挂起 hold")
    if ticket.started_at is None:
        ticket.started_at = ticket.called_at
    ticket.status = TicketStatus.ON_HOLD
    window.ticket_id = None
    window.state_since = now
    return [_ticket_event(EventType.TICKET_ON_HOLD, ticket, now)]


def take_back(window: Window, ticket: Ticket, now: dt.datetime) -> list[Event]:
    """恢复: a ticket on hold at this window is served again; the window must be open and free."""
    can_call(window)
    _require_status(ticket, {TicketStatus.ON_HOLD}, "恢复 take back")
    if ticket.window != window.number:
        raise QueueError("held_elsewhere", f"{ticket.number} 挂起在 {ticket.window} 号窗口 / on hold at window {ticket.window}")
    ticket.status = TicketStatus.SERVING
    window.ticket_id = ticket.id
    window.state_since = now
    return [_ticket_event(EventType.TICKET_TAKEN_BACK, ticket, now)]


def no_show(window: Window, ticket: Ticket, now: dt.datetime, rules: QueueRules) -> list[Event]:
    _require_window_holds(window, ticket)
    _require_status(ticket, {TicketStatus.CALLED}, "过号 no-show")
    if ticket.recalls < rules.recalls_before_no_show:
        raise QueueError(
            "recall_first",
            f"请先重呼 {rules.recalls_before_no_show} 次再过号（已重呼 {ticket.recalls} 次） / "
            f"recall {rules.recalls_before_no_show} times before marking a no-show",
        )
    ticket.status = TicketStatus.NO_SHOW
    ticket.no_show_at = now
    window.ticket_id = None
    window.state_since = now
    event = _ticket_event(EventType.TICKET_NO_SHOW, ticket, now, recalls=ticket.recalls)
    return [event]


def return_after_no_show(ticket: Ticket, now: dt.datetime, rules: QueueRules, today: dt.date) -> list[Event]:
    """过号顺延: back within the allowed time on the same service day, the ticket re-enters at its old place."""
    _require_status(ticket, {TicketStatus.NO_SHOW}, "顺延 return")
    if ticket.service_day != today:
        raise QueueError(
            "day_over", f"{ticket.number} 是 {ticket.service_day:%m月%d日} 的号，已不能顺延，请重新取号 / "
            "a ticket of an earlier day cannot return; take a new ticket")
    assert ticket.no_show_at is not None
    if now - ticket.no_show_at > rules.no_show_return:
        minutes = int(rules.no_show_return.total_seconds() // 60)
        raise QueueError(
            "return_expired", f"过号已超过 {minutes} 分钟，请重新取号 / more than {minutes} min since the no-show; take a new ticket"
        )
    ticket.status = TicketStatus.WAITING
    ticket.window = None
    ticket.called_at = None
    ticket.recalls = 0
    return [_ticket_event(EventType.TICKET_RETURNED, ticket, now)]


def transfer(window: Window, ticket: Ticket, to_category: str, now: dt.datetime,
             to_window: int | None = None) -> list[Event]:
    """按责转办: the citizen keeps the number and its age and queues for another category, or for a named window
    (then only that window calls it while it is not closed; the category may stay the same)."""
    _require_window_holds(window, ticket)
    _require_status(ticket, HELD_STATUSES, "转办 transfer")
    if to_window == window.number:
        raise QueueError("same_window", "不能转办给本窗口 / transfer to another window")
    if to_category == ticket.category and to_window is None:
        raise QueueError("same_category", "转办需选择其他事项 / transfer to a different category")
    from_category = ticket.category
    from_window = window.number
    ticket.category = to_category
    ticket.status = TicketStatus.WAITING
    ticket.transfers += 1
    ticket.window = None
    ticket.for_window = to_window
    ticket.called_at = ticket.started_at = None
    ticket.recalls = 0
    window.ticket_id = None
    window.state_since = now
    data = {"from_category": from_category, "to_category": to_category}
    return [Event(EventType.TICKET_TRANSFERRED, now, window=from_window, ticket=ticket,
                  data=data if to_window is None else {**data, "to_window": to_window})]


def move_category(ticket: Ticket, to_category: str, now: dt.datetime) -> list[Event]:
    """A waiting ticket of a matter the hall no longer has moves to another one, keeping its age and place in
    time; it is no 转办 (no transfer head start, not counted as a transfer)."""
    _require_status(ticket, {TicketStatus.WAITING}, "移至 move")
    from_category, ticket.category = ticket.category, to_category
    return [_ticket_event(EventType.TICKET_TRANSFERRED, ticket, now, from_category=from_category,
                          to_category=to_category, reason="category-removed")]


def cancel(ticket: Ticket, now: dt.datetime) -> list[Event]:
    _require_status(ticket, {TicketStatus.WAITING}, "取消 cancel")
    ticket.status = TicketStatus.CANCELLED
    return [_ticket_event(EventType.TICKET_CANCELLED, ticket, now)]


def end_of_day(ticket: Ticket, window: Window | None, now: dt.datetime) -> list[Event]:
    """A ticket still live after its day: waiting ones are cancelled, a called one is a no-show, one being
    served or on hold is finished; the window holding it is freed. Each event says `reason: day-end`."""
    if ticket.status is TicketStatus.WAITING:
        ticket.status, kind = TicketStatus.CANCELLED, EventType.TICKET_CANCELLED
    elif ticket.status is TicketStatus.CALLED:
        ticket.status, ticket.no_show_at, kind = TicketStatus.NO_SHOW, now, EventType.TICKET_NO_SHOW
    elif ticket.status in (TicketStatus.SERVING, TicketStatus.ON_HOLD):
        ticket.status, ticket.finished_at, kind = TicketStatus.DONE, now, EventType.TICKET_FINISHED
    else:
        raise QueueError("wrong_state", f"{ticket.number} 已结束 / the ticket is no longer live")
    event = _ticket_event(kind, ticket, now, reason="day-end")
    if window is not None and window.ticket_id == ticket.id:
        window.ticket_id = None
        window.state_since = now
    return [event]


def open_window(window: Window, now: dt.datetime) -> list[Event]:
    if window.state is not WindowState.CLOSED:
        raise QueueError("already_open", f"{window.number} 号窗口已登录 / window {window.number} is already open")
    window.state = WindowState.OPEN
    window.state_since = now
    return [Event(EventType.WINDOW_OPENED, now, window=window.number)]


def close_window(window: Window, now: dt.datetime) -> list[Event]:
    if window.state is WindowState.CLOSED:
        raise QueueError("window_closed", f"{window.number} 号窗口未登录 / window {window.number} is closed")
    if window.ticket_id is not None:
        raise QueueError("window_busy", f"{window.number} 号窗口请先办结当前号 / finish the current ticket first")
    window.state = WindowState.CLOSED
    window.state_since = now
    return [Event(EventType.WINDOW_CLOSED, now, window=window.number)]


def pause(window: Window, now: dt.datetime) -> list[Event]:
    """A paused window is never called to; it may still finish the ticket it holds."""
    if window.state is not WindowState.OPEN:
        raise QueueError("window_not_open", f"{window.number} 号窗口不在服务中 / window {window.number} is not open")
    window.state = WindowState.PAUSED
    window.state_since = now
    return [Event(EventType.WINDOW_PAUSED, now, window=window.number)]


def resume(window: Window, now: dt.datetime) -> list[Event]:
    if window.state is not WindowState.PAUSED:
        raise QueueError("window_not_paused", f"{window.number} 号窗口未暂停 / window {window.number} is not paused")
    window.state = WindowState.OPEN
    window.state_since = now
    return [Event(EventType.WINDOW_RESUMED, now, window=window.number)]
