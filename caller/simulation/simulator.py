"""One simulated day: the live engine's transitions and calling policy, driven by a virtual clock.

Tickets are issued with `model.issue`, called with the policy's `choose` and `model.call`, and leave
through `model.finish`, `model.no_show`, `model.transfer` or `model.cancel` — the same code the caller
service runs. Estimated waits come from `caller.engine.estimate`, as on the kiosk.

Numbers taken from the phone (an arrival with `taken_s`) queue from then. With `remote="arrival"` they are called
only once their citizen came in (caller/engine/arrival.py, as the service does); with `remote="naive"` they are
called whether or not the citizen is there, and a window that calls an absent one loses a no-show's minute.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from dataclasses import dataclass, field

from caller.engine import arrival as arrivals_rule
from caller.engine import model
from caller.engine.estimate import Desk, estimate_wait_seconds, queue_pressure_s
from caller.engine.model import Priority, QueueRules, Ticket, TicketStatus, Window, WindowState
from caller.engine.tidal import TidalAdvice, TidalAdvisor, TidalRule
from caller.simulation.generator import Fate
from caller.simulation.policies import SimPolicy, SimWindowSpec
from caller.simulation.trace import Arrival

HALL_OPENS = dt.datetime(2026, 11, 23, 0, 30, tzinfo=dt.timezone.utc)  # 08:30 in Shanghai, a Monday
TIDAL_CHECK_S = 60.0
NO_SHOW_COST_S = 60.0  # a window loses a minute calling a citizen who does not come
COME_BEFORE, TRIP_S = 0.8, 300.0  # a remote citizen comes in at 80 % of the phone's estimate, after a 5-minute trip

ARRIVE, END, RETURN, ABANDON, TIDAL, LUNCH_START, LUNCH_END, COME_IN = range(8)


@dataclass
class _Desk:
    spec: SimWindowSpec
    window: Window
    idle_since: float = 0.0
    busy_s: float = 0.0
    open_s: float = 0.0
    opened_at: float | None = 0.0


@dataclass
class TicketRecord:
    """What happened to one citizen, for the metrics."""

    category: str
    priority: str
    arrival_s: float
    estimate_s: float | None
    naive_estimate_s: float | None
    first_call_s: float | None = None
    abandoned: bool = False
    transfer_wait_s: float | None = None
    remote: bool = False  # taken from the phone: arrival_s is when the citizen came in
    index: int = -1  # the arrival's place in the day's list
    lapsed: bool = False  # remote, reached while absent, its grace over


@dataclass(frozen=True)
class Action:
    """One thing the simulated hall did, in order: enough to replay the day against the live service.

    `ticket` is the simulator's ticket id (`t<arrival index>`); `value` is the category for issue and
    transfer, the priority rides in `extra`.
    """

    at_s: float
    kind: str  # issue, open, close, pause, resume, call, recall, no-show, return, transfer, finish, cancel
    window: int | None = None
    ticket: str | None = None
    value: str | None = None
    extra: str | None = None


@dataclass
class DayResult:
    policy: str
    tickets: list[TicketRecord]
    utilisation: dict[int, float]
    tidal_openings: int
    tidal_staff_s: float
    calls: list[tuple[float, int, str]] = field(default_factory=list)  # time, window, number
    actions: list[Action] = field(default_factory=list)
    wasted_calls: int = 0  # remote citizens called before they came in (remote="naive")

    @property
    def waits_s(self) -> list[float]:
        return [t.first_call_s - t.arrival_s for t in self.tickets if t.first_call_s is not None]


class DaySimulation:
    def __init__(self, arrivals: list[Arrival], fates: list[Fate], policy: SimPolicy, rules: QueueRules,
                 mean_service_s: dict[str, float], tidal: TidalAdvisor | None = None,
                 lunch: dict[int, tuple[float, float]] | None = None, remote: str = "arrival",
                 grace: dt.timedelta = dt.timedelta(minutes=5)):
        self.arrivals = arrivals
        self.remote = remote
        self.grace = grace
        self.wasted_calls = 0  # calls of remote citizens not yet in the hall (remote="naive")
        self.came_in: dict[str, float] = {}  # remote: when the citizen comes in
        self.fates = fates
        self.policy = policy
        self.rules = rules
        self.mean_service_s = mean_service_s
        self.tidal = tidal if policy.tidal else None
        self.desks = [_Desk(spec, Window(spec.number)) for spec in policy.windows]
        self.lunch = lunch or {}
        self.waiting: dict[str, Ticket] = {}
        self.tickets: dict[str, Ticket] = {}
        self.records: dict[str, TicketRecord] = {}
        self.fate_of: dict[str, Fate] = {}
        self.service_of: dict[str, float] = {}
        self.returned: set[str] = set()
        self.transferred_at: dict[str, float] = {}
        self.counters: dict[str, int] = {}
        self.events: list[tuple[float, int, int, object]] = []
        self.seq = itertools.count()
        self.calls: list[tuple[float, int, str]] = []
        self.actions: list[Action] = []
        self.tidal_openings = 0
        self.now_s = 0.0

    def _at(self, seconds: float) -> dt.datetime:
        return HALL_OPENS + dt.timedelta(seconds=seconds)

    def _did(self, kind: str, window: int | None = None, ticket: str | None = None, value: str | None = None,
             extra: str | None = None) -> None:
        self.actions.append(Action(self.now_s, kind, window, ticket, value, extra))

    def _push(self, t: float, kind: int, payload: object) -> None:
        heapq.heappush(self.events, (t, next(self.seq), kind, payload))

    def run(self) -> DayResult:
        for desk in self.desks:
            if not desk.spec.tidal:
                model.open_window(desk.window, self._at(0))
                self._did("open", desk.spec.number)
            else:
                desk.opened_at = None
        for index, arrival in enumerate(self.arrivals):
            self._push(arrival.arrival_s if arrival.taken_s is None else arrival.taken_s, ARRIVE, index)
        if self.tidal is not None:
            self._push(TIDAL_CHECK_S, TIDAL, None)
        for desk in self.desks:
            if desk.spec.number in self.lunch:
                begins, ends = self.lunch[desk.spec.number]
                self._push(begins, LUNCH_START, desk)
                self._push(ends, LUNCH_END, desk)
        while self.events:
            t, _, kind, payload = heapq.heappop(self.events)
            self.now_s = t
            if kind == TIDAL and not self._day_over():
                self._tidal_check()
            elif kind == ARRIVE:
                self._arrive(payload)
            elif kind == END:
                self._end(*payload)
            elif kind == RETURN:
                self._return(payload)
            elif kind == ABANDON:
                self._abandon(payload)
            elif kind == COME_IN:
                self._come_in(payload)
            elif kind == LUNCH_START and payload.window.state is WindowState.OPEN:
                model.pause(payload.window, self._at(t))  # finishes its citizen, then calls nobody
                self._did("pause", payload.spec.number)
            elif kind == LUNCH_END and payload.window.state is WindowState.PAUSED:
                model.resume(payload.window, self._at(t))
                payload.idle_since = t
                self._did("resume", payload.spec.number)
            self._dispatch()
        end = self.now_s
        utilisation = {}
        for desk in self.desks:
            if desk.opened_at is not None:
                desk.open_s += end - desk.opened_at
            utilisation[desk.spec.number] = desk.busy_s / desk.open_s if desk.open_s else 0.0
        tidal_staff = sum(d.open_s for d in self.desks if d.spec.tidal)
        return DayResult(self.policy.name, list(self.records.values()), utilisation, self.tidal_openings, tidal_staff,
                         self.calls, self.actions, self.wasted_calls)

    def _day_over(self) -> bool:
        return not self.waiting and all(k not in (ARRIVE, RETURN, COME_IN) for _, _, k, _ in self.events) and all(
            d.window.ticket_id is None for d in self.desks
        )

    def _arrive(self, index: int) -> None:
        arrival = self.arrivals[index]
        category = arrival.category
        prefix_count = self.counters[category] = self.counters.get(category, 0) + 1
        ticket, _ = model.issue(f"t{index}", f"{category}-{prefix_count:03d}", category, Priority(arrival.priority),
                                HALL_OPENS.date(), self._at(arrival.arrival_s))
        ticket.remote = arrival.taken_s is not None and self.remote == "arrival"
        self._did("issue", ticket=ticket.id, value=category, extra=arrival.priority)
        estimate, naive = self._estimates(ticket)
        came_in = arrival.arrival_s
        if arrival.taken_s is not None:  # the citizen comes in a little before the phone's estimate, after a trip
            meant = arrival.arrival_s - arrival.late_s - self.now_s  # of at most what they had in mind
            came_in = self.now_s + min(max(COME_BEFORE * (estimate or 0.0), TRIP_S), meant) + arrival.late_s
            self.came_in[ticket.id] = came_in
            if self.remote == "arrival":
                self._push(came_in, COME_IN, index)
        self.records[ticket.id] = TicketRecord(category, arrival.priority, came_in, estimate, naive,
                                               remote=arrival.taken_s is not None, index=index)
        self.tickets[ticket.id] = ticket
        self.fate_of[ticket.id] = self.fates[index]
        self.service_of[ticket.id] = arrival.service_s
        self.waiting[ticket.id] = ticket
        if arrival.patience_s is not None:
            self._push(arrival.arrival_s + arrival.patience_s, ABANDON, ticket.id)

    def _abandon(self, ticket_id: str) -> None:
        ticket = self.waiting.get(ticket_id)
        record = self.records[ticket_id]
        if ticket is None or record.first_call_s is not None:
            return  # patience only runs while first waiting
        model.cancel(ticket, self._at(self.now_s))
        self._did("cancel", ticket=ticket_id)
        del self.waiting[ticket_id]
        record.abandoned = True

    def _come_in(self, index: int) -> None:
        """A remote citizen is in the hall: confirmed at the kiosk (a lapsed number queues again from now)."""
        ticket = self.tickets.get(f"t{index}")
        if ticket is None or not ticket.remote or ticket.status not in (TicketStatus.WAITING, TicketStatus.NO_SHOW) or self.records[ticket.id].abandoned:
            return
        arrivals_rule.arrive(ticket, self._at(self.now_s), ticket.service_day)
        self.waiting[ticket.id] = ticket

    def _absent(self, ticket: Ticket) -> bool:
        """A naive hall's remote number called before its citizen came in."""
        return self.remote == "naive" and self.came_in.get(ticket.id, 0.0) > self.now_s

    def _return(self, ticket: Ticket) -> None:
        try:
            model.return_after_no_show(ticket, self._at(self.now_s), self.rules, ticket.service_day)
        except model.QueueError:  # a naive hall's absent citizen, back past the return time: a new place in line
            ticket.status, ticket.window, ticket.called_at, ticket.recalls = TicketStatus.WAITING, None, None, 0
            ticket.queued_at = self._at(self.now_s)
        self._did("return", ticket=ticket.id)
        self.returned.add(ticket.id)
        self.waiting[ticket.id] = ticket

    def _idle_desks(self) -> list[_Desk]:
        idle = [d for d in self.desks if d.window.state is WindowState.OPEN and d.window.ticket_id is None]
        return sorted(idle, key=lambda d: self.policy.window_order(d.spec, d.idle_since))

    def _dispatch(self) -> None:
        if not self.waiting:
            return
        now = self._at(self.now_s)
        for desk in self._idle_desks():
            chosen, passed = arrivals_rule.choose_present(self.policy.calling, desk.window, desk.spec.serves,
                                                          self.waiting.values(), now)
            for remote in passed:  # reached while its citizen is away: its grace, then it lapses
                arrivals_rule.pass_over(remote, now, self.grace)
                if remote.status is TicketStatus.NO_SHOW:
                    del self.waiting[remote.id]
                    self.records[remote.id].lapsed = True
            if chosen is None:
                continue
            model.call(desk.window, chosen, now)
            self._did("call", desk.spec.number, chosen.id)
            del self.waiting[chosen.id]
            self.calls.append((self.now_s, desk.spec.number, chosen.number))
            record = self.records[chosen.id]
            if self._absent(chosen):
                self.wasted_calls += 1
                self._push(self.now_s + NO_SHOW_COST_S, END, (desk, chosen, "absent"))
                if not self.waiting:
                    return
                continue
            if record.first_call_s is None:
                record.first_call_s = self.now_s
            elif chosen.id in self.transferred_at and record.transfer_wait_s is None:
                record.transfer_wait_s = self.now_s - self.transferred_at[chosen.id]
            fate = self.fate_of[chosen.id]
            if fate.no_show and chosen.id not in self.returned:
                self._push(self.now_s + NO_SHOW_COST_S, END, (desk, chosen, "no-show"))
            else:
                self._push(self.now_s + self.service_of[chosen.id], END, (desk, chosen, "served"))
            if not self.waiting:
                return

    def _end(self, desk: _Desk, ticket: Ticket, outcome: str) -> None:
        now = self._at(self.now_s)
        fate = self.fate_of[ticket.id]
        if outcome == "absent":  # a naive hall: recalled, marked a no-show; back in its place once they come in
            for _ in range(self.rules.recalls_before_no_show):
                model.recall(desk.window, ticket, now)
            model.no_show(desk.window, ticket, now, self.rules)
            desk.busy_s += NO_SHOW_COST_S
            self._push(max(self.now_s, self.came_in[ticket.id]), RETURN, ticket)
        elif outcome == "no-show":
            for _ in range(self.rules.recalls_before_no_show):
                model.recall(desk.window, ticket, now)
                self._did("recall", desk.spec.number, ticket.id)
            model.no_show(desk.window, ticket, now, self.rules)
            self._did("no-show", desk.spec.number, ticket.id)
            desk.busy_s += NO_SHOW_COST_S
            if fate.returns_after_s is not None:
                self._push(self.now_s + fate.returns_after_s, RETURN, ticket)
        elif fate.transfer_to and ticket.transfers == 0:
            desk.busy_s += self.service_of[ticket.id]
            model.transfer(desk.window, ticket, fate.transfer_to, now)
            self._did("transfer", desk.spec.number, ticket.id, fate.transfer_to)
            self.service_of[ticket.id] = fate.transfer_service_s
            self.transferred_at[ticket.id] = self.now_s
            self.waiting[ticket.id] = ticket
        else:
            desk.busy_s += self.service_of[ticket.id]
            model.finish(desk.window, ticket, now)
            self._did("finish", desk.spec.number, ticket.id)
        desk.idle_since = self.now_s
        if desk.spec.tidal and self.tidal is not None and not self.tidal.is_open and desk.window.state is WindowState.OPEN:
            self._close_tidal(desk)

    def _pressure_s(self) -> float:
        oldest = min((t.queued_at for t in self.waiting.values()), default=None)
        age = (self._at(self.now_s) - oldest).total_seconds() if oldest else 0.0
        counts: dict[str, int] = {}
        for t in self.waiting.values():
            counts[t.category] = counts.get(t.category, 0) + 1
        return queue_pressure_s(age, counts, self._open_desks(), self.mean_service_s)

    def _tidal_check(self) -> None:
        advice = self.tidal.observe(self.now_s, self._pressure_s())
        for desk in self.desks:
            if not desk.spec.tidal:
                continue
            if advice is TidalAdvice.OPEN and desk.window.state is WindowState.CLOSED:
                model.open_window(desk.window, self._at(self.now_s))
                self._did("open", desk.spec.number)
                desk.opened_at = self.now_s
                desk.idle_since = self.now_s
                self.tidal_openings += 1
            elif advice is TidalAdvice.CLOSE and desk.window.ticket_id is None and desk.window.state is WindowState.OPEN:
                self._close_tidal(desk)
        self._push(self.now_s + TIDAL_CHECK_S, TIDAL, None)

    def _close_tidal(self, desk: _Desk) -> None:
        model.close_window(desk.window, self._at(self.now_s))
        self._did("close", desk.spec.number)
        desk.open_s += self.now_s - desk.opened_at
        desk.opened_at = None

    def _open_desks(self) -> list[Desk]:
        return [
            Desk(d.spec.number, d.spec.serves, busy=d.window.ticket_id is not None)
            for d in self.desks
            if d.window.state is WindowState.OPEN
        ]

    def _estimates(self, ticket: Ticket) -> tuple[float | None, float | None]:
        """The estimate the kiosk would print (same function as the caller) and the naive one it must beat."""
        mine = model.effective_queue_time(ticket, self.rules)
        ahead: dict[str, int] = {}
        same = 0
        for other in self.waiting.values():
            if (model.effective_queue_time(other, self.rules), other.issued_at) < (mine, ticket.issued_at):
                ahead[other.category] = ahead.get(other.category, 0) + 1
                same += other.category == ticket.category
        desks = self._open_desks()
        estimate = estimate_wait_seconds(ticket.category, ahead, desks, self.mean_service_s)
        servers = sum(1 for d in desks if ticket.category in d.serves)
        naive = same * self.mean_service_s[ticket.category] / servers if servers else None
        return estimate, naive


def simulate_day(arrivals: list[Arrival], fates: list[Fate], policy: SimPolicy, rules: QueueRules,
                 mean_service_s: dict[str, float], tidal_rule: TidalRule | None = None,
                 lunch: dict[int, tuple[float, float]] | None = None, remote: str = "arrival",
                 grace: dt.timedelta = dt.timedelta(minutes=5)) -> DayResult:
    advisor = TidalAdvisor(tidal_rule or TidalRule())
    return DaySimulation(arrivals, fates, policy, rules, mean_service_s, advisor, lunch, remote, grace).run()

