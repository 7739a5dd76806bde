"""Running a new version of the hall without a restart (the back office): the swap waits for a safe moment, when no
transaction of this process is running, so no transaction sees half of one hall and half of another."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from caller.hall import Hall
    from caller.queue.service import QueueService


class Gate:
    """Many transactions at once, or one hall swap alone. A waiting swap holds back new transactions, so a busy
    hall cannot put it off for ever; swaps are rare and take microseconds."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running = 0
        self._swapping = False
        self._inside = threading.local()  # a transaction that nests another (a day's settling) is let through

    @contextmanager
    def sharing(self) -> Iterator[None]:
        depth = getattr(self._inside, "depth", 0)
        if depth == 0:
            with self._cond:
                while self._swapping:
                    self._cond.wait()
                self._running += 1
        self._inside.depth = depth + 1
        try:
            yield
        finally:
            self._inside.depth = depth
            if depth == 0:
                with self._cond:
                    self._running -= 1
                    if self._running == 0:
                        self._cond.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        with self._cond:
            while self._swapping:
                self._cond.wait()
            self._swapping = True
            while self._running:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._swapping = False
                self._cond.notify_all()


class FollowsHall:
    """A book built on the queue service reads the hall the service runs now, never a copy taken at startup."""

    service: QueueService

    @property
    def hall(self) -> Hall:
        return self.service.hall
