"""Which waiting ticket a free window calls: the calling rule, kept a pure, swappable function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from caller.model import QueueRules, Ticket, TicketStatus, Window, effective_queue_time


class CallingPolicy(Protocol):
    def choose(
        self, window: Window, serves: frozenset[str], waiting: Iterable[Ticket], now: dt.datetime
    ) -> Ticket | None: ...


class OldestWithHeadStart:
    """The eligible ticket with the highest age + head start; ties go to the lower number.

    Starvation-free: a ticket's score grows with its age, and a head start is bounded, so every
    ticket is eventually older-plus-head-start than anything that arrives later.
    """

    def __init__(self, rules: QueueRules):
        self.rules = rules

    def sort_key(self, ticket: Ticket) -> tuple[dt.datetime, dt.datetime, str]:
        return (effective_queue_time(ticket, self.rules), ticket.issued_at, ticket.number)

    def choose(
        self, window: Window, serves: frozenset[str], waiting: Iterable[Ticket], now: dt.datetime
    ) -> Ticket | None:
        eligible = [t for t in waiting if t.status is TicketStatus.WAITING and t.category in serves]
        return min(eligible, key=self.sort_key, default=None)


def least_flexible_longest_idle(serves_count: int, idle_since: dt.datetime | float | None, number: int) -> tuple:
    """Which idle window takes an arriving ticket first: the one serving the fewest categories, so the
    flexible windows stay free for what only they can take; then the longest idle, so work spreads
    evenly inside a group; then the lower number. Use it as a sort key."""
    return (serves_count, idle_since if idle_since is not None else float("-inf"), number)
