"""Estimated waits given to citizens: a simple, honest workload estimate from the live queue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Desk:
    """A window as the estimate sees it: what it serves and whether it is busy now."""

    number: int
    serves: frozenset[str]
    busy: bool


def estimate_wait_seconds(
    category: str,
    ahead: Mapping[str, int],
    desks: Sequence[Desk],
    mean_service_s: Mapping[str, float],
) -> int | None:
    """Seconds until a ticket of `category` is likely called, or None if no window serves it.

    `ahead` counts, per category, the waiting tickets that will be called before it. Their work (mean
    service time each, shared between every desk that could take that category) goes to the desks
    that serve `category`. Idle desks take the first of it at once; after that the ticket waits for
    the departures that free a desk for it: with k services' worth ahead and c desks all busy, about
    (k + 1) services ÷ c. (Charging half a service for every busy desk — the fluid view — overstates
    short waits by nearly a whole service; the simulator measured it.)
    """
    mine = [d for d in desks if category in d.serves]
    if not mine:
        return None
    work_ahead = 0.0
    for other, count in ahead.items():
        if not count:
            continue
        servers = [d for d in desks if other in d.serves]
        overlap = sum(1 for d in servers if category in d.serves)
        if overlap:
            work_ahead += count * mean_service_s.get(other, 0.0) * overlap / len(servers)
    typical = sum(_desk_mean(d, mean_service_s) for d in mine) / len(mine)
    idle = sum(1 for d in mine if not d.busy)
    if work_ahead < idle * typical:
        return 0  # an idle window takes it as soon as the few ahead of it are called
    return round((work_ahead - idle * typical + typical) / len(mine))


def queue_pressure_s(
    oldest_age_s: float, waiting: Mapping[str, int], desks: Sequence[Desk], mean_service_s: Mapping[str, float]
) -> float:
    """What the tidal rule watches: the oldest waiting ticket's age, or the longest estimated wait of a ticket
    issued now in a category that has a queue, whichever is larger. The simulator and the service share it."""
    waits = [estimate_wait_seconds(c, waiting, desks, mean_service_s) or 0 for c, n in waiting.items() if n]
    return float(max([oldest_age_s, *waits]))


def _desk_mean(desk: Desk, mean_service_s: Mapping[str, float]) -> float:
    values = [mean_service_s[c] for c in desk.serves if c in mean_service_s]
    return sum(values) / len(values) if values else 0.0
