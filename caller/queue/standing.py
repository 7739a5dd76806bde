"""Where tickets stand: people ahead and estimated waits, from the live queue in the database."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from caller.engine.estimate import Desk, estimate_wait_seconds, queue_pressure_s
from caller.engine.model import Ticket, TicketStatus, WindowState
from caller.hall import Hall, WindowKind
from caller.storage.repository import Repository

MEAN_SERVICE_TTL_S = 30.0  # recent service times are re-read at most this often


@dataclass(frozen=True)
class TicketView:
    """A ticket with where it stands in the queue: people ahead and the estimated wait (while waiting)."""

    ticket: Ticket
    ahead: int | None
    estimated_wait_s: int | None
    replayed: bool = False


@dataclass(frozen=True)
class CategoryView:
    id: str
    name: str
    prefix: str
    waiting: int
    estimated_wait_s: int | None


@dataclass(frozen=True)
class _Desks:
    open: list[Desk]
    mean_service_s: dict[str, float]


class Standing:
    def __init__(self, hall: Hall):
        self.hall = hall
        self._means: tuple[dt.date, float, dict[str, float]] | None = None

    def ticket(self, repo: Repository, ticket: Ticket, now: dt.datetime) -> TicketView:
        """A ticket with the people ahead in its category and its estimated wait (while it waits)."""
        if ticket.status is not TicketStatus.WAITING:
            return TicketView(ticket, None, None)
        ahead = repo.ahead_counts(ticket)
        desks = self._desks(repo, now)
        return TicketView(ticket, ahead.get(ticket.category, 0), self._estimate(desks, ticket.category, ahead, now))

    def categories(self, repo: Repository, now: dt.datetime) -> list[CategoryView]:
        """Every category with its waiting count and the estimated wait of a normal ticket issued now."""
        counts = repo.waiting_counts(self.hall.service_day(now))  # a newcomer queues behind all of them
        desks = self._desks(repo, now)
        return [
            CategoryView(c.id, c.name, c.prefix, counts.get(c.id, 0), self._estimate(desks, c.id, counts, now))
            for c in self.hall.categories
        ]

    def pressure_s(self, repo: Repository, now: dt.datetime) -> float:
        """What the tidal rule watches: the oldest waiting ticket's age or a newcomer's longest estimated wait."""
        day = self.hall.service_day(now)
        oldest = repo.oldest_waiting(day)
        desks = self._desks(repo, now)
        age = (now - oldest).total_seconds() if oldest else 0.0
        return queue_pressure_s(age, repo.waiting_counts(day), desks.open, desks.mean_service_s)

    def _desks(self, repo: Repository, now: dt.datetime) -> _Desks:
        by_number = {w.number: w for w in repo.windows()}
        desks = []
        for spec in self.hall.windows:
            window = by_number.get(spec.number)
            if window is not None and window.state is WindowState.OPEN:
                desks.append(Desk(spec.number, self.hall.serves(spec), busy=window.ticket_id is not None))
        return _Desks(desks, self._mean_service(repo, self.hall.service_day(now)))

    def _mean_service(self, repo: Repository, day: dt.date) -> dict[str, float]:
        """Mean service seconds per category: the day's recent services once there are 5, else the hall file's."""
        cached = self._means
        if cached and cached[0] == day and time.monotonic() - cached[1] < MEAN_SERVICE_TTL_S:
            return cached[2]
        mean = {c.id: c.service_minutes * 60.0 for c in self.hall.categories}
        for category, samples in repo.recent_service_seconds(day).items():
            if len(samples) >= 5:
                mean[category] = sum(samples) / len(samples)
        self._means = (day, time.monotonic(), mean)
        return mean

    def _scheduled_desks(self, now: dt.datetime) -> list[Desk]:
        """Windows that normally staff the hall today, for estimates before anyone has logged in."""
        day = self.hall.service_day(now)
        return [
            Desk(spec.number, self.hall.serves(spec), busy=False)
            for spec in self.hall.windows
            if spec.kind not in (WindowKind.TIDAL, WindowKind.HELP) and self.hall.window_in_season(spec, day)
        ]

    def _estimate(self, desks: _Desks, category: str, ahead: dict[str, int], now: dt.datetime) -> int | None:
        open_desks = desks.open if any(category in d.serves for d in desks.open) else self._scheduled_desks(now)
        return estimate_wait_seconds(category, ahead, open_desks, desks.mean_service_s)
