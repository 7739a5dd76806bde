"""The policies a simulation compares: which ticket a free window calls, which idle window goes first, the layout.

`ours` uses the live service's calling rule (caller.engine.policy.OldestWithHeadStart); the others are the
baselines the reform is measured against.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from caller.engine.model import QueueRules, Ticket, TicketStatus, Window
from caller.engine.policy import CallingPolicy, OldestWithHeadStart, fixed_reach
from caller.engine.policy import least_flexible_longest_idle as window_priority
from caller.hall import Hall, WindowKind

PRIORITY_RANK = {"green": 0, "appointment": 1, "normal": 2}
# today's department windows (sample-day.md): the same 11 staff, each on one category
DEDICATED = (
    ("shebao", 2), ("yibao", 2), ("minzheng", 1), ("tuiyi", 1), ("budongchan", 2), ("qiye", 1), ("gongzhang", 1), ("zonghe", 1)
)


@dataclass(frozen=True)
class SimWindowSpec:
    number: int
    serves: frozenset[str]
    tidal: bool = False


class Fifo:
    """Global first-come first-served among the tickets the window serves (what FQM and most peers do)."""

    def choose(self, window: Window, serves: frozenset[str], waiting: Iterable[Ticket], now: dt.datetime) -> Ticket | None:
        eligible = [t for t in waiting if t.status is TicketStatus.WAITING and t.category in serves]
        return min(eligible, key=lambda t: (t.queued_at, t.number), default=None)


class StrictPriority:
    """Green channel, then appointments, strictly first; FIFO inside a class (NovoSGA's default ordering)."""

    def choose(self, window: Window, serves: frozenset[str], waiting: Iterable[Ticket], now: dt.datetime) -> Ticket | None:
        eligible = [t for t in waiting if t.status is TicketStatus.WAITING and t.category in serves]
        return min(eligible, key=lambda t: (PRIORITY_RANK[t.priority.value], t.queued_at, t.number), default=None)


# which idle window takes work first: a sort key over (spec, idle since)
WindowOrder = Callable[[SimWindowSpec, float], tuple]


def by_number(spec: SimWindowSpec, idle_since: float) -> tuple:
    return (spec.number,)


def least_flexible_longest_idle(spec: SimWindowSpec, idle_since: float) -> tuple:
    """The live service's rule (caller.engine.policy), applied to a simulated window."""
    return window_priority(len(spec.serves), idle_since, spec.number)


@dataclass(frozen=True)
class SimPolicy:
    name: str
    calling: CallingPolicy
    window_order: WindowOrder
    windows: tuple[SimWindowSpec, ...]
    tidal: bool = False


def hall_windows(hall: Hall, day: dt.date, *, tidal: bool) -> tuple[SimWindowSpec, ...]:
    """The reform's windows of the hall that take queue tickets on `day` (seasonal ones in season)."""
    specs = []
    for spec in hall.windows:
        if spec.kind in (WindowKind.HELP, WindowKind.CONSULTING) or not hall.window_in_season(spec, day):
            continue
        if spec.kind is WindowKind.TIDAL and not tidal:
            continue
        specs.append(SimWindowSpec(spec.number, hall.serves(spec), tidal=spec.kind is WindowKind.TIDAL))
    return tuple(specs)


def policies(hall: Hall, rules: QueueRules, day: dt.date) -> dict[str, SimPolicy]:
    reform = hall_windows(hall, day, tidal=False)
    staffed = len(reform)
    everything = frozenset(c.id for c in hall.categories)
    seasonal = [w for w in reform if hall.window(w.number).kind is WindowKind.SEASONAL]
    dedicated = []
    for category, count in DEDICATED:
        for _ in range(count):
            dedicated.append(SimWindowSpec(len(dedicated) + 1, frozenset({category})))
    for extra in seasonal:  # the seasonal window is added in the old layout too
        dedicated.append(SimWindowSpec(len(dedicated) + 1, extra.serves))
    # the live rule, told how narrow each category's narrowest window is in this layout (the hall's, that day)
    ours = OldestWithHeadStart(rules, fixed_reach(w.serves for w in reform))
    return {
        "dedicated": SimPolicy("dedicated", Fifo(), by_number, tuple(dedicated)),
        "fifo": SimPolicy("fifo", Fifo(), by_number, reform),
        "strict-priority": SimPolicy("strict-priority", StrictPriority(), by_number, reform),
        "pooled": SimPolicy(
            "pooled", OldestWithHeadStart(rules), least_flexible_longest_idle, tuple(SimWindowSpec(n + 1, everything) for n in range(staffed))
        ),
        "ours": SimPolicy("ours", ours, least_flexible_longest_idle, reform),
        "ours+tidal": SimPolicy("ours+tidal", ours, least_flexible_longest_idle, hall_windows(hall, day, tidal=True), tidal=True),
    }


def lunch_schedule(windows: Iterable[SimWindowSpec], hall: Hall) -> dict[int, tuple[float, float]]:
    """Each window's break, in seconds after opening. Staggered: alternate windows of the same reach break one
    after the other from the start of the lunch period, so one of each pair is always open (breaks that merely
    sit inside a short period overlap: 60-minute breaks in 12:00–13:30 all cover 12:30–13:00). Not staggered:
    everyone breaks at once, from the start of the period. The tidal window is extra staff and takes no break."""
    hours = hall.hours
    if hours.lunch_start is None or hours.lunch_end is None or hours.lunch_break_minutes == 0:
        return {}

    def seconds(moment: dt.time) -> float:
        return (moment.hour * 60 + moment.minute - (hours.open.hour * 60 + hours.open.minute)) * 60.0

    start, end = seconds(hours.lunch_start), seconds(hours.lunch_end)
    length = hours.lunch_break_minutes * 60.0 if hours.staggered_lunch else min(hours.lunch_break_minutes * 60.0, end - start)
    schedule: dict[int, tuple[float, float]] = {}
    seen_by_reach: dict[frozenset[str], int] = {}
    for spec in sorted(windows, key=lambda w: w.number):
        if spec.tidal:
            continue
        if not hours.staggered_lunch:
            schedule[spec.number] = (start, start + length)
            continue
        turn = seen_by_reach.get(spec.serves, 0)
        seen_by_reach[spec.serves] = turn + 1
        schedule[spec.number] = (start, start + length) if turn % 2 == 0 else (start + length, start + 2 * length)
    return schedule


def absence_schedule(windows: Iterable[SimWindowSpec], seed: int, day_s: float = 8 * 3600.0) -> dict[int, tuple[float, float]]:
    """Windows closed and opened again during the day: each staffed window (not the tidal one) is away once,
    20 to 40 minutes from a time drawn between half an hour after opening and an hour before issuing ends (an
    errand, a meeting, a citizen taken to the back office). Seeded per day, the same for every policy."""
    rng = random.Random(seed * 7919 + 17)
    schedule: dict[int, tuple[float, float]] = {}
    for spec in sorted(windows, key=lambda w: w.number):
        if spec.tidal:
            continue
        start = rng.uniform(1800.0, day_s - 3600.0)
        schedule[spec.number] = (start, start + rng.uniform(1200.0, 2400.0))
    return schedule
