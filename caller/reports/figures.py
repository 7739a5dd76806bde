"""The manager's figures from the stored events, pure: per category, window, staff member and hour — issued,
served, no-shows, transfers, abandoned, waits and handling times — and each window's utilisation. Time is in the
events; nothing here reads a clock.

Definitions (the simulator's, so that the two agree on a day):
- a ticket's **wait** runs from its issue to its first call, and counts for the category it was issued in;
- a **service** runs from its start (or its call, if never started) to its finish, and counts for the category,
  window and member of that service; a transferred ticket is served once per stint;
- **abandoned**: tickets cancelled before they were ever called (the citizen left, or the day ended);
- **utilisation**: the time a window held a citizen (call to finish, no-show or transfer) over its open time.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventRow:
    """What the figures need of a stored event."""

    id: int
    type: str
    at: dt.datetime
    ticket: int | None  # the ticket's storage key
    category: str | None  # the ticket's category after the event
    window: int | None
    data: dict


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile (p of 100): the value below which p % of them lie."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n·p/100), at least the first
    return ordered[int(rank) - 1]


@dataclass
class Tally:
    issued: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    abandoned: int = 0
    waits_s: list[float] = field(default_factory=list)
    handling_s: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.issued += other.issued
        self.served += other.served
        self.no_show += other.no_show
        self.transferred += other.transferred
        self.abandoned += other.abandoned
        self.waits_s.extend(other.waits_s)
        self.handling_s.extend(other.handling_s)

    def summary(self, threshold_s: float) -> dict:
        waits, handling = self.waits_s, self.handling_s
        mean = lambda xs: round(statistics.fmean(xs), 1) if xs else None  # noqa: E731
        whole = lambda x: None if x is None else round(x, 1)  # noqa: E731
        return {
            "issued": self.issued, "served": self.served, "no_show": self.no_show,
            "transferred": self.transferred, "abandoned": self.abandoned,
            "wait_mean_s": mean(waits), "wait_p50_s": whole(percentile(waits, 50)),
            "wait_p90_s": whole(percentile(waits, 90)), "wait_max_s": whole(max(waits) if waits else None),
            "wait_over_threshold": round(sum(w > threshold_s for w in waits) / len(waits), 4) if waits else None,
            "handling_mean_s": mean(handling), "handling_p90_s": whole(percentile(handling, 90)),
        }


@dataclass
class Figures:
    total: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_window: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_staff: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_hour: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))  # the hall's local hour of issue
    open_s: dict[int, float] = field(default_factory=lambda: defaultdict(float))  # per window
    busy_s: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    openings: dict[int, list[dt.datetime]] = field(default_factory=lambda: defaultdict(list))  # when each opened
    calls: list[tuple[dt.datetime, float]] = field(default_factory=list)  # (first call, its wait) of every ticket

    def add(self, other: Figures) -> Figures:
        """Fold in the figures of other days (the days' rollups make a month): counts add, waits and handling
        times join, so percentiles stay exact."""
        self.total.add(other.total)
        for name in ("by_category", "by_window", "by_staff", "by_hour"):
            mine = getattr(self, name)
            for key, tally in getattr(other, name).items():
                mine[key].add(tally)
        for window, seconds in other.open_s.items():
            self.open_s[window] += seconds
        for window, seconds in other.busy_s.items():
            self.busy_s[window] += seconds
        for window, starts in other.openings.items():
            self.openings[window].extend(starts)
        self.calls.extend(other.calls)
        return self

    def utilisation(self) -> dict[int, float]:
        return {w: round(self.busy_s[w] / self.open_s[w], 4) for w in sorted(self.open_s) if self.open_s[w] > 0}


@dataclass
class _Ticket:
    issued_at: dt.datetime
    category: str
    hour: int
    called: bool = False
    held_since: dt.datetime | None = None  # a window holds it: called, on hold, served
    started_at: dt.datetime | None = None


def compute(events: Iterable[EventRow], local_hour, until: dt.datetime | None = None,  # noqa: ANN001
            closes: dt.datetime | None = None) -> Figures:
    """The figures of the events given, in id order. `local_hour(at)` gives the hall's hour of a moment. A window
    still open at the end is counted open until `closes` (the hall's closing time), or its last event if later
    (延时服务), but never past `until` (now, or the end of the day; default: the last event)."""
    out = Figures()
    tickets: dict[int, _Ticket] = {}
    opened: dict[int, dt.datetime] = {}
    last: dt.datetime | None = None
    for e in events:
        last = e.at
        if e.type == "window-opened" and e.window is not None:
            opened[e.window] = e.at
            out.openings[e.window].append(e.at)
        elif e.type == "window-closed" and e.window is not None and e.window in opened:
            out.open_s[e.window] += (e.at - opened.pop(e.window)).total_seconds()
        if e.ticket is None:
            continue
        if e.type == "ticket-issued":
            t = tickets[e.ticket] = _Ticket(e.at, e.category or "", local_hour(e.at))
            for tally in (out.total, out.by_category[t.category], out.by_hour[t.hour]):
                tally.issued += 1
            continue
        t = tickets.get(e.ticket)
        if t is None:  # issued before the range: its later events count for the services, not the waits
            t = tickets[e.ticket] = _Ticket(e.at, e.category or "", local_hour(e.at), called=True)
        if e.type == "ticket-called":
            if not t.called:
                t.called = True
                wait = (e.at - t.issued_at).total_seconds()
                for tally in (out.total, out.by_category[t.category], out.by_hour[t.hour]):
                    tally.waits_s.append(wait)
                out.calls.append((e.at, wait))
            t.held_since, t.started_at = e.at, None
        elif e.type == "ticket-started":
            t.started_at = e.at
        elif e.type in ("ticket-finished", "ticket-no-show", "ticket-transferred") and t.held_since is not None:
            window = e.window
            if window is not None:
                out.busy_s[window] += (e.at - t.held_since).total_seconds()
            if e.type == "ticket-finished":
                handling = (e.at - (t.started_at or t.held_since)).total_seconds()
                groups = [out.total, out.by_category[_served_category(e, t)]]
                groups += [out.by_window[window]] if window is not None else []
                groups += [out.by_staff[e.data["staff"]]] if e.data.get("staff") else []
                for tally in groups:
                    tally.served += 1
                    tally.handling_s.append(handling)
            elif e.type == "ticket-no-show":
                for tally in (out.total, out.by_category[t.category]):
                    tally.no_show += 1
            else:
                for tally in (out.total, out.by_category[e.data.get("from_category") or t.category]):
                    tally.transferred += 1
            t.held_since = t.started_at = None
        elif e.type == "ticket-on-hold":
            t.held_since = None  # the window is free meanwhile; 恢复 holds it again
        elif e.type == "ticket-taken-back":
            t.held_since = e.at
        elif e.type == "ticket-cancelled" and not t.called:
            for tally in (out.total, out.by_category[t.category]):
                tally.abandoned += 1
    end = until or last
    if end is not None and closes is not None:
        end = min(end, max(closes, last or closes))  # nobody is counted open all night
    for window, since in opened.items():
        if end is not None and end > since:
            out.open_s[window] += (end - since).total_seconds()
    return out


def _served_category(e: EventRow, t: _Ticket) -> str:
    return e.category or t.category


def spread(utilisation: dict[int, float], groups: Iterable[Sequence[int]]) -> list[dict]:
    """The 忙闲 index: per group of windows that serve the same matters, the gap between the busiest and the idlest
    (0: evenly loaded, 1: one always busy while another idles)."""
    out = []
    for group in groups:
        values = {w: utilisation[w] for w in group if w in utilisation}
        if len(values) > 1:
            out.append({"windows": sorted(values), "spread": round(max(values.values()) - min(values.values()), 4)})
    return out


def around_openings(figures: Figures, windows: Iterable[int], span: dt.timedelta = dt.timedelta(minutes=30)) -> list[dict]:
    """Tidal and seasonal windows: how often each opened, how long it was open, and the mean wait of the tickets
    called in the `span` before its openings and in the `span` after (did opening it help?)."""
    out = []
    for window in windows:
        starts = figures.openings.get(window, [])
        before = [w for at, w in figures.calls if any(s - span <= at < s for s in starts)]
        after = [w for at, w in figures.calls if any(s <= at < s + span for s in starts)]
        out.append({"window": window, "openings": len(starts), "open_s": round(figures.open_s.get(window, 0.0)),
                    "wait_before_s": round(statistics.fmean(before), 1) if before else None,
                    "wait_after_s": round(statistics.fmean(after), 1) if after else None})
    return out
