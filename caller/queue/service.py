"""The queue's use cases: each one transaction that loads state, applies the pure engine and stores the result."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import replace

from caller.engine import arrival, model
from caller.engine.identity import is_valid_id_number, mask_id_number, mask_name
from caller.engine.model import (
    Priority,
    QueueError,
    QueueRules,
    Ticket,
    Window,
    WindowState,
)
from caller.engine.policy import CallingPolicy, OldestWithHeadStart
from caller.hall import Hall, WindowSpec
from caller.queue.calling import Calling
from caller.queue.clock import SteadyClock
from caller.queue.housekeeping import Housekeeping
from caller.queue.signing import HallSigner
from caller.queue.standing import CategoryView, Standing, TicketView
from caller.queue.transactions import Conflict, Transactions
from caller.queue.views import IssueRequest, QueueSnapshot, RemoteJoin, WindowView  # noqa: F401 - importable from here
from caller.storage.database import Database
from caller.storage.faults import Outage
from caller.storage.repository import Personal, Repository, StoredEvent


class Invalid(QueueError):
    """A well-formed request naming something that does not exist or a value out of range."""

    status = 422


def rules_from_hall(hall: Hall) -> QueueRules:
    return QueueRules(
        head_starts={p.value: hall.head_start(p.value) for p in Priority},
        transfer_head_start=hall.head_start("transferred"),
        recalls_before_no_show=hall.queue.recalls_before_no_show,
        no_show_return=dt.timedelta(minutes=hall.queue.no_show_return_minutes),
        oldest_first_after=(
            dt.timedelta(minutes=hall.queue.oldest_first_after_minutes) if hall.queue.oldest_first_after_minutes else None
        ),
        exclusive_bonus=dt.timedelta(minutes=hall.queue.exclusive_bonus_minutes),
    )


def format_number(prefix: str, seq: int) -> str:
    """A001…A999, then A1000… (never reused within the day)."""
    return f"{prefix}{seq:03d}"


class QueueService(Calling):
    def __init__(
        self,
        hall: Hall,
        db: Database,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        policy: CallingPolicy | None = None,
        enforce_hours: bool = True,
        on_commit: Callable[[list[StoredEvent]], None] | None = None,
        outage: Outage | None = None,
    ):
        self.hall = hall
        self.db = db
        self.rules = rules_from_hall(hall)
        self._own_policy = policy is None
        self.policy = policy or self._default_policy()
        self.enforce_hours = enforce_hours
        self.standing = Standing(hall)
        self.tx: Transactions = Transactions(
            db,
            hall.hall.id,
            clock or SteadyClock(),  # the machine's wall clock, but a step of it is never followed at once
            lambda ticket: model.effective_queue_time(ticket, self.rules),
            hall.service_day,
            on_commit,
            outage,
        )
        self.housekeeping = Housekeeping(hall, self.tx, self.standing)
        self.id_keys = HallSigner(self.tx, hall.hall.id, "id-key", salt="onewindow-id")
        self.tx.day_started = lambda day: self.housekeeping.close_past_days()

    def _default_policy(self) -> CallingPolicy:
        return OldestWithHeadStart(self.rules, lambda now: self.hall.narrowest_reach(self.hall.service_day(now)))

    def use_hall(self, hall: Hall) -> None:
        """Run a new version of the hall (the same id and time zone) from now on. It waits for a moment when no
        transaction of this process runs; a policy given at construction (a simulation's) is kept."""
        with self.tx.gate.alone():
            self.hall = hall
            self.rules = rules_from_hall(hall)
            if self._own_policy:
                self.policy = self._default_policy()
            self.standing.hall = hall
            self.housekeeping.hall = hall
        self.tx.write(lambda repo, now: repo.ensure_windows([w.number for w in hall.windows]))

    def window_spec(self, number: int) -> WindowSpec:
        spec = self.hall.window(number)
        if spec is None:
            raise model.NotFound("unknown_window", f"没有 {number} 号窗口 / no window {number}")
        return spec

    def setup(self) -> None:
        """Create missing window rows (closed); re-order today's queue under the configured head starts. A steady
        clock never goes back before the newest stored event (a restart on a clock that was set back)."""
        if isinstance(self.tx.clock, SteadyClock):
            self.tx.clock.hold_at_least(self.tx.read(lambda repo, now: repo.latest_event_at()))

        def work(repo: Repository, now: dt.datetime) -> None:
            repo.ensure_windows([w.number for w in self.hall.windows])
            repo.reorder_waiting(self.hall.service_day(now))

        self.tx.write(work)

    def issue(self, request: IssueRequest, idempotency_key: str | None = None, *, booked: bool = False,
              remote: RemoteJoin | None = None) -> TicketView:
        """`booked`: an appointment checked in within its own window, which the issuing hours do not bound.
        `remote`: a number taken from the phone, with its own limits checked and its phone kept in the transaction."""
        category = self.hall.category(request.category)
        if category is None:
            raise Invalid("unknown_category", f"没有此事项：{request.category} / unknown category")
        try:
            priority = Priority(request.priority)
        except ValueError:
            raise Invalid("unknown_priority", "优先级只能是 normal / appointment / green") from None
        today = self.hall.service_day(self.tx.clock())
        if request.id_number is not None and not is_valid_id_number(request.id_number, today):
            raise Invalid("invalid_id_number", "身份证号码有误，请核对 / the ID number is not valid")
        personal = Personal(
            mask_name(request.name) if request.name else None,
            mask_id_number(request.id_number) if request.id_number else None,
            self.id_keys.digest(request.id_number) if request.id_number else None,
        )
        fingerprint = hashlib.sha256(
            json.dumps([category.id, priority.value, personal.name_masked, personal.id_masked, request.source,
                        request.reason]).encode()
        ).hexdigest()

        def work(repo: Repository, now: dt.datetime) -> tuple[Ticket, bool]:
            if idempotency_key:
                seen = repo.idempotency(idempotency_key)
                if seen is not None:
                    pk, earlier = seen
                    if earlier != fingerprint:
                        raise Invalid(
                            "idempotency_key_reused", "同一请求编号用于不同的取号请求 / Idempotency-Key reused"
                        )
                    ticket = repo.ticket_by_pk(pk)
                    assert ticket is not None
                    return ticket, True
            if self.enforce_hours and not booked and not self.hall.is_issuing(now):
                hours = self.hall.hours
                raise QueueError(
                    "hall_closed",
                    f"当前不在取号时间（工作日 {hours.issue_from:%H:%M}–{hours.issue_until:%H:%M}） / "
                    "tickets are not issued now",
                )
            day = self.hall.service_day(now)
            if personal.id_key and self.hall.queue.one_live_ticket_per_id:
                earlier = repo.live_ticket_of(day, category.id, personal.id_key)
                if earlier is not None:
                    raise QueueError(
                        "already_queued",
                        f"您已取过{category.name}的号 {earlier.number}，请留意叫号，无需重复取号 / "
                        f"this ID already holds {earlier.number} for this matter",
                    )
            if remote is not None:
                remote.check(repo, category.id, day, now)
            seq = repo.next_number(day, category.prefix)
            ticket, events = model.issue(
                secrets.token_urlsafe(9), format_number(category.prefix, seq), category.id, priority, day, now
            )
            ticket.remote = remote is not None
            repo.insert_ticket(ticket, personal, request.source)
            if remote is not None:
                remote.keep(repo, ticket, now)
                events[0].data["remote"] = True
            if request.reason:
                events[0].data["priority_reason"] = request.reason
            if request.issued_by:
                events[0].data["staff"] = request.issued_by
            if idempotency_key:
                repo.remember_idempotency(idempotency_key, ticket.pk, fingerprint, now)
            self.tx.record(repo, events, now)
            self._auto_call(repo, now)
            return repo.ticket(ticket.id) or ticket, False

        ticket, replayed = self.tx.write(work)
        # where it stands is read after the commit, so the writer lock is held only for the change itself
        return replace(self.tx.read(lambda repo, now: self.standing.ticket(repo, ticket, now)), replayed=replayed)

    def recall(self, number: int, ticket_id: str | None = None) -> WindowView:
        return self.on_held(number, ticket_id, model.recall)

    def start(self, number: int, ticket_id: str | None = None) -> WindowView:
        return self.on_held(number, ticket_id, model.start)

    def finish(self, number: int, ticket_id: str | None = None, staff: str | None = None) -> WindowView:
        """办结. `staff` (the counter token's label) goes into the event, so a rating names who served."""

        def finish_by(window: Window, ticket: Ticket, now: dt.datetime) -> list[model.Event]:
            events = model.finish(window, ticket, now)
            if staff:
                for event in events:
                    event.data["staff"] = staff
            return events

        return self.on_held(number, ticket_id, finish_by)

    def no_show(self, number: int, ticket_id: str | None = None) -> WindowView:
        return self.on_held(number, ticket_id, lambda w, t, now: model.no_show(w, t, now, self.rules))

    def transfer(self, number: int, to_category: str | None, ticket_id: str | None = None, note: str | None = None,
                 to_window: int | None = None) -> WindowView:
        """转办 to another matter, or to a named window (only it calls the ticket while it is not closed); `note`
        (masked, never streamed) is shown to the window that takes the ticket next."""
        if to_category is not None and self.hall.category(to_category) is None:
            raise Invalid("unknown_category", f"没有此事项：{to_category} / unknown category")
        if to_category is None and to_window is None:
            raise Invalid("transfer_target_required", "请选择转办的事项或窗口 / name a category or a window")
        target = self.window_spec(to_window) if to_window is not None else None  # 404 unknown_window

        def transfer_with_note(window: Window, ticket: Ticket, now: dt.datetime) -> list[model.Event]:
            category = to_category or ticket.category
            if target is not None and category not in self.hall.serves(target):
                raise QueueError("not_served_there", f"{target.name}不办理此事项 / that window does not serve it")
            events = model.transfer(window, ticket, category, now, to_window)
            if note:
                events[0].data["transfer_note"] = note
            return events

        if target is not None:
            state = self.tx.read(lambda repo, now: (repo.window(target.number) or Window(target.number)).state)
            if state is WindowState.CLOSED:  # had it closed since, its tickets are anyone's: nothing strands
                raise QueueError("window_closed", f"{target.name}未登录，请转给其他窗口 / that window is closed")
        return self.on_held(number, ticket_id, transfer_with_note)

    def open(self, number: int) -> WindowView:
        """登录. A seasonal (候鸟) window opens only within its dates in the hall file."""
        spec = self.window_spec(number)

        def open_in_season(window: Window, now: dt.datetime) -> list[model.Event]:
            if not self.hall.window_in_season(spec, self.hall.service_day(now)):
                seasons = "、".join(f"{s.from_}–{s.to}" for s in spec.seasons)
                raise QueueError(
                    "out_of_season", f"{spec.name}仅在 {seasons} 开放 / a seasonal window opens only in its season"
                )
            return model.open_window(window, now)

        return self._on_window(number, open_in_season)

    def close(self, number: int) -> WindowView:
        return self._on_window(number, model.close_window)

    def pause(self, number: int) -> WindowView:
        return self._on_window(number, model.pause)

    def resume(self, number: int) -> WindowView:
        return self._on_window(number, model.resume)

    def _on_window(self, number: int, action: Callable[[Window, dt.datetime], list[model.Event]]) -> WindowView:
        spec = self.window_spec(number)

        def work(repo: Repository, now: dt.datetime) -> WindowView:
            window = repo.locked_window(number)
            events = action(window, now)
            if not repo.update_window(window):
                raise Conflict
            self.tx.record(repo, events, now)
            self._auto_call(repo, now)
            return self._window_now(repo, spec)

        return self.tx.write(work)

    def on_held(
        self,
        number: int,
        ticket_id: str | None,
        action: Callable[[Window, Ticket, dt.datetime], list[model.Event]],
    ) -> WindowView:
        """Apply an engine transition to the ticket window `number` holds (recall, finish, 挂起 …), in one write."""
        spec = self.window_spec(number)

        def work(repo: Repository, now: dt.datetime) -> WindowView:
            window = repo.locked_window(number)
            model.expect_holding(window, ticket_id)
            ticket = repo.ticket(window.ticket_id)
            assert ticket is not None
            events = action(window, ticket, now)
            if not repo.update_ticket(ticket) or not repo.update_window(window):
                raise Conflict
            self.tx.record(repo, events, now)
            self._auto_call(repo, now)
            ticket = repo.ticket(ticket.id) or ticket  # a transferred ticket may have been called on at once
            return replace(self._window_now(repo, spec), ticket=ticket)

        return self.tx.write(work)

    @staticmethod
    def _window_now(repo: Repository, spec: WindowSpec) -> WindowView:
        window = repo.window(spec.number) or Window(spec.number)
        held = repo.ticket(window.ticket_id) if window.ticket_id else None
        personal = repo.personal(held.id) if held else None
        return WindowView(spec, window, held, held, personal, advice=repo.tidal_state(spec.number)[0])

    def return_after_no_show(self, ticket_id: str) -> TicketView:
        return self._on_ticket(
            ticket_id, lambda t, now: model.return_after_no_show(t, now, self.rules, self.hall.service_day(now))
        )

    def arrive(self, ticket_id: str) -> TicketView:
        """到场确认 of a number taken from the phone (caller/engine/arrival.py)."""
        return self._on_ticket(ticket_id, lambda t, now: arrival.arrive(t, now, self.hall.service_day(now)))

    def cancel(self, ticket_id: str) -> TicketView:
        return self._on_ticket(ticket_id, model.cancel)

    def _on_ticket(self, ticket_id: str, action: Callable[[Ticket, dt.datetime], list[model.Event]]) -> TicketView:
        def work(repo: Repository, now: dt.datetime) -> Ticket:
            ticket = self._ticket_or_404(repo, ticket_id)
            events = action(ticket, now)
            if not repo.update_ticket(ticket):
                raise Conflict
            self.tx.record(repo, events, now)
            self._auto_call(repo, now)
            return repo.ticket(ticket.id) or ticket

        ticket = self.tx.write(work)
        return self.tx.read(lambda repo, now: self.standing.ticket(repo, ticket, now))

    @staticmethod
    def _ticket_or_404(repo: Repository, ticket_id: str) -> Ticket:
        ticket = repo.ticket(ticket_id)
        if ticket is None:
            raise model.NotFound("unknown_ticket", "查无此号 / no such ticket")
        return ticket

    def mark_receipt(self, ticket_id: str, printed: bool) -> TicketView:
        """The kiosk reports whether the paper slip printed; a counter reports a reprint. An unprinted ticket
        stays in the queue and appears on the counters' reprint list (`unprinted`)."""

        def work(repo: Repository, now: dt.datetime) -> Ticket:
            ticket = self._ticket_or_404(repo, ticket_id)
            repo.set_receipt(ticket, "printed" if printed else "unprinted")
            kind = model.EventType.RECEIPT_PRINTED if printed else model.EventType.RECEIPT_UNPRINTED
            self.tx.record(repo, [model.Event(kind, now, window=ticket.window, ticket=ticket)], now)
            return ticket

        ticket = self.tx.write(work)
        return self.tx.read(lambda repo, now: self.standing.ticket(repo, ticket, now))

    def unprinted(self) -> list[TicketView]:
        def work(repo: Repository, now: dt.datetime) -> list[TicketView]:
            return [self.standing.ticket(repo, ticket, now) for ticket in repo.unprinted(self.hall.service_day(now))]

        return self.tx.read(work)

    def ticket(self, ticket_id: str) -> TicketView:
        return self.tx.read(lambda repo, now: self.standing.ticket(repo, self._ticket_or_404(repo, ticket_id), now))

    def window_view(self, number: int, *, with_personal: bool = False) -> WindowView:
        spec = self.window_spec(number)

        def work(repo: Repository, now: dt.datetime) -> WindowView:
            view = self._window_now(repo, spec)
            if not with_personal:
                return replace(view, personal=None)
            return replace(view, handover=repo.transfer_note(view.held)) if view.held else view

        return self.tx.read(work)

    def queue(self) -> QueueSnapshot:
        def work(repo: Repository, now: dt.datetime) -> QueueSnapshot:
            # read the event id first: replaying an event already reflected in the snapshot is harmless,
            # missing one is not
            last_event_id = repo.last_event_id()
            held = {t.id: t for t in repo.held_tickets(self.hall.service_day(now))}
            windows = {w.number: w for w in repo.windows()}
            advice = repo.advice_by_window()
            views = []
            for spec in self.hall.windows:
                window = windows.get(spec.number, Window(spec.number))
                ticket = held.get(window.ticket_id) if window.ticket_id else None
                views.append(WindowView(spec, window, ticket, ticket, advice=advice.get(spec.number)))
            return QueueSnapshot(self.standing.categories(repo, now), views, last_event_id)

        return self.tx.read(work)

    def categories(self) -> list[CategoryView]:
        return self.tx.read(lambda repo, now: self.standing.categories(repo, now))

    def events_after(self, last_id: int, limit: int = 1000, *, replay: bool = False) -> list[StoredEvent]:
        """New events for the live stream, whatever their day (the day-end sweep's belong to the day they end);
        a `replay` for a reconnecting client holds what was recorded today, the day-end sweep's included."""

        def work(repo: Repository, now: dt.datetime) -> list[StoredEvent]:
            since = self.hall.day_start(self.hall.service_day(now)) if replay else None
            return repo.events_after(last_id, since, limit)

        return self.tx.read(work)

    def last_event_id(self) -> int:
        return self.tx.read(lambda repo, now: repo.last_event_id())
