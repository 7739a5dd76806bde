"""Where tickets stand: people ahead and estimated waits, from the live queue in the database."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from caller.engine.estimate import Desk, estimate_wait_seconds, queue_pressure_s
from caller.engine.model import Ticket, TicketStatus, WindowState
from caller.hall import Hall
from caller.storage.repository import Repository

MEAN_SERVICE_TTL_S = 30.0  # recent service times are re-read at most this often


@dataclass(frozen=True)
class TicketView:
    """A ticket with where it stands in the queue: people ahead and the estimated wait (while waiting)."""

    ticket: Ticket
    ahead: int | None
    estimated_wait_s: int | None
    replayed: bool = False
    served_now: bool | None = None  # while waiting: whether an open window serves its category


@dataclass(frozen=True)
class CategoryView:
    id: str
    name: str
    prefix: str
    waiting: int
    estimated_wait_s: int | None
    served_now: bool = True  # an open window serves it; if not, no estimate is given (暂无窗口办理)


@dataclass(frozen=True)
class _Desks:
    open: list[Desk]
    mean_service_s: dict[str, float]


class Standing:
    def __init__(self, hall: Hall):
        self.hall = hall
        self._means: tuple[dt.date, float, dict[str, float]] | None = None

    def ticket(self, repo: Repository, ticket: Ticket, now: dt.datetime) -> TicketView:
        """A ticket while it waits: everyone the calling rule would call before it at the windows that serve it
        (other categories' tickets at a shared window count), and its estimated wait — none when no open
        window serves its category."""
        if ticket.status is not TicketStatus.WAITING:
            return TicketView(ticket, None, None)
        ahead = repo.ahead_counts(ticket)
        desks = self._desks(repo, now)
        mine = [d for d in desks.open if ticket.category in d.serves]
        reach = mine or [Desk(s.number, self.hall.serves(s), busy=False) for s in self.hall.windows
                         if ticket.category in self.hall.serves(s)]
        competing = frozenset().union(*(d.serves for d in reach)) if reach else frozenset({ticket.category})
        people = sum(n for category, n in ahead.items() if category in competing)
        return TicketView(ticket, people, self._estimate(desks, ticket.category, ahead), served_now=bool(mine))

    def categories(self, repo: Repository, now: dt.datetime) -> list[CategoryView]:
        """Every category with its waiting count and the estimated wait of a normal ticket issued now (none,
        and `served_now` false, when no open window serves it)."""
        counts = repo.waiting_counts(self.hall.service_day(now))  # a newcomer queues behind all of them
        desks = self._desks(repo, now)
        return [
            CategoryView(c.id, c.name, c.prefix, counts.get(c.id, 0), self._estimate(desks, c.id, counts),
                         served_now=any(c.id in d.serves for d in desks.open))
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

    @staticmethod
    def _estimate(desks: _Desks, category: str, ahead: dict[str, int]) -> int | None:
        """None when no open window serves the category: a number would mislead (it was 约 1 分钟 before any
        window had logged in)."""
        return estimate_wait_seconds(category, ahead, desks.open, desks.mean_service_s)
