"""The caller's time: the machine's wall clock, except that a step of it is never followed at once.

Between two readings the wall clock should move as far as the machine's boot-time clock (which counts
suspend, unlike the monotonic one). When it does not — a step forward or back of more than `tolerance`, from
an administrator, NTP correcting a bad RTC, a VM host — the caller keeps its own time continuous, logs the step
loudly, and then moves towards the wall clock by at most `slew` of the time that passes (10 %: a 15-minute step
back is absorbed in two and a half hours, during which durations read up to 10 % off). So timestamps never go
back, numbers are never given twice, ordering holds, and a jump never ends the hall's day. A restart adopts the
wall clock, bounded below by what the database already holds (`hold_at_least`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def _boot_seconds() -> float:
    try:
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    except (AttributeError, OSError):  # not Linux
        return time.monotonic()


def _wall() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SteadyClock:
    def __init__(self, wall: Callable[[], dt.datetime] = _wall, elapsed: Callable[[], float] = _boot_seconds, *,
                 tolerance: dt.timedelta = dt.timedelta(seconds=5), slew: float = 0.1):
        self._wall = wall
        self._elapsed = elapsed
        self.tolerance = tolerance
        self.slew = slew
        self._lock = threading.Lock()
        self._last: dt.datetime | None = None  # what this clock said last …
        self._last_elapsed = 0.0  # … and the boot-time clock then
        self._apart: dt.timedelta | None = None  # while catching up: the wall clock less this clock, last reading
        self.steps = 0  # wall-clock steps seen since start

    def __call__(self) -> dt.datetime:
        with self._lock:
            wall, elapsed = self._wall(), self._elapsed()
            if self._last is None:
                now = wall
            else:
                passed = max(0.0, elapsed - self._last_elapsed)
                expected = self._last + dt.timedelta(seconds=passed)
                apart = wall - expected
                if self._apart is None and abs(apart) <= self.tolerance:
                    now = max(wall, self._last)  # in step: small adjustments pass, but time never goes back
                else:
                    before = self._apart or dt.timedelta(0)
                    if abs(apart - before) > self.tolerance:
                        self._report_step(apart - before, apart, wall)
                    allowance = dt.timedelta(seconds=passed * self.slew)
                    if abs(apart) <= allowance:
                        now, self._apart = wall, None
                        log.warning("the caller's time is back in step with the wall clock")
                    else:
                        now = expected + (allowance if apart > dt.timedelta(0) else -allowance)
                        self._apart = wall - now
            self._last, self._last_elapsed = now, elapsed
            return now

    def _report_step(self, step: dt.timedelta, apart: dt.timedelta, wall: dt.datetime) -> None:
        self.steps += 1
        log.error(
            "the wall clock stepped %+.0f s (it reads %s, %+.0f s from the caller's time); the caller keeps its own "
            "time and moves towards the wall clock by %d%% of the time that passes. A jump ends no day. Restart the "
            "caller to take the wall clock at once.", step.total_seconds(), wall.isoformat(timespec="seconds"),
            apart.total_seconds(), round(self.slew * 100))

    def offset(self) -> dt.timedelta:
        """This clock less the wall clock: zero when in step, negative while behind it."""
        now = self()
        return now - self._wall() if self._apart is not None else dt.timedelta(0)

    def hold_at_least(self, moment: dt.datetime | None) -> None:
        """Never say a time before `moment` (the latest the database holds): after a restart on a clock that was
        set back, time goes on from there and catches up with the wall clock by slewing."""
        if moment is None:
            return
        self()
        with self._lock:
            assert self._last is not None
            if moment > self._last:
                log.error("the wall clock (%s) is behind the latest stored event (%s): the caller goes on from the "
                          "latter", self._last.isoformat(timespec="seconds"), moment.isoformat(timespec="seconds"))
                self.steps += 1
                self._apart = self._last - moment
                self._last = moment
