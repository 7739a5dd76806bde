"""Which waiting ticket a free window calls: the calling rule, kept a pure, swappable function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from caller.engine.model import (
    QueueRules,
    Ticket,
    TicketStatus,
    Window,
    effective_queue_time,
)


class CallingPolicy(Protocol):
    def choose(
        self, window: Window, serves: frozenset[str], waiting: Iterable[Ticket], now: dt.datetime
    ) -> Ticket | None: ...


# for each category, the fewest categories any window serving it serves, at a moment (see Hall.narrowest_reach)
Reach = Callable[[dt.datetime], Mapping[str, int]]


class OldestWithHeadStart:
    """Age + head start, with two refinements measured on the simulator (docs/benchmarks.md):

    - **Oldest first past a bound.** Once an eligible ticket has waited `rules.oldest_first_after`, the oldest
      such ticket goes first and head starts wait: they shorten the wait of green-channel and appointment
      citizens while the queue is short, but never lengthen the longest waits of everyone else.
    - **Work only windows like this one can take.** A window gives `rules.exclusive_bonus` more to tickets
      no narrower window (one serving fewer categories) can take, leaving the rest to the windows made for
      them; `reach` says, per category, how narrow the narrowest window serving it is.

    Otherwise the eligible ticket with the highest age + head start (+ bonus); ties go to the earlier issue,
    then the lower number. Starvation-free: head start and bonus are bounded, and past the bound age alone
    decides, so every ticket is eventually called before anything that arrives after it.
    """

    def __init__(self, rules: QueueRules, reach: Reach | None = None):
        self.rules = rules
        self.reach = reach

    def sort_key(self, ticket: Ticket) -> tuple[dt.datetime, dt.datetime, str]:
        return (effective_queue_time(ticket, self.rules), ticket.issued_at, ticket.number)

    def choose(
        self, window: Window, serves: frozenset[str], waiting: Iterable[Ticket], now: dt.datetime
    ) -> Ticket | None:
        eligible = [t for t in waiting if t.status is TicketStatus.WAITING and t.category in serves]
        bound = self.rules.oldest_first_after
        if bound is not None:
            overdue = [t for t in eligible if now - t.queued_at >= bound]
            if overdue:
                return min(overdue, key=lambda t: (t.queued_at, t.issued_at, t.number))
        bonus = self.rules.exclusive_bonus
        if not bonus or self.reach is None:
            return min(eligible, key=self.sort_key, default=None)
        narrowest = self.reach(now)
        width = len(serves)

        def key(ticket: Ticket) -> tuple[dt.datetime, dt.datetime, str]:
            order, issued, number = self.sort_key(ticket)
            if narrowest.get(ticket.category, width) >= width:
                order -= bonus
            return (order, issued, number)

        return min(eligible, key=key, default=None)


def fixed_reach(layouts: Iterable[frozenset[str]]) -> Reach:
    """A `Reach` for a fixed set of windows, given what each serves (the simulator's layouts)."""
    narrowest: dict[str, int] = {}
    for serves in layouts:
        for category in serves:
            narrowest[category] = min(narrowest.get(category, len(serves)), len(serves))
    return lambda now: narrowest


def least_flexible_longest_idle(serves_count: int, idle_since: dt.datetime | float | None, number: int) -> tuple:
    """Which idle window takes an arriving ticket first: the one serving the fewest categories, so the
    flexible windows stay free for what only they can take; then the longest idle, so work spreads
    evenly inside a group; then the lower number. Use it as a sort key."""
    return (serves_count, idle_since if idle_since is not None else float("-inf"), number)
