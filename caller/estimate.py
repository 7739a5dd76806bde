"""Estimated waits given to citizens: a simple, honest workload estimate from the live queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Desk:
    """A window as the estimate sees it: what it serves and whether it is busy now."""

    number: int
    serves: frozenset[str]
    busy: bool


OrderKey = tuple[dt.datetime, dt.datetime, str]  # (effective queue time, issued at, number): smaller is called first


@dataclass(frozen=True)
class Waiting:
    category: str
    order_key: OrderKey


def estimate_wait_seconds(
    category: str,
    order_key: OrderKey,
    waiting: Iterable[Waiting],
    desks: Sequence[Desk],
    mean_service_s: Mapping[str, float],
) -> int | None:
    """Seconds until a ticket of `category` with `order_key` is likely called, or None if no window serves it.

    The work queued ahead of it (each ticket's mean service time, shared between every desk that could
    take it) is spread over the desks that serve its category; a busy desk adds half a service on average.
    """
    mine = [d for d in desks if category in d.serves]
    if not mine:
        return None
    mine_numbers = {d.number for d in mine}
    servers_of: dict[str, list[int]] = {}
    for desk in desks:
        for cat in desk.serves:
            servers_of.setdefault(cat, []).append(desk.number)

    work_ahead = 0.0
    for ticket in waiting:
        if ticket.order_key >= order_key:
            continue
        servers = servers_of.get(ticket.category, [])
        overlap = sum(1 for n in servers if n in mine_numbers)
        if overlap:
            work_ahead += mean_service_s.get(ticket.category, 0.0) * overlap / len(servers)
    residual = sum(0.5 * _desk_mean(d, mean_service_s) for d in mine if d.busy)
    return round((work_ahead + residual) / len(mine))


def _desk_mean(desk: Desk, mean_service_s: Mapping[str, float]) -> float:
    values = [mean_service_s[c] for c in desk.serves if c in mean_service_s]
    return sum(values) / len(values) if values else 0.0
