"""Running test processes on another wall clock (see tests/shifted_clock/sitecustomize.py)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

SHIFTED = Path(__file__).with_name("shifted_clock")


def environment(moment: dt.datetime | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a Python child process whose wall clock reads `moment` now (and ticks on); with no
    moment, the child inherits this process's shift, if any."""
    env = dict(os.environ if base is None else base)
    if moment is not None:
        env["ONEWINDOW_TEST_CLOCK_SHIFT"] = str(moment.timestamp() - real_time())
    if env.get("ONEWINDOW_TEST_CLOCK_SHIFT"):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SHIFTED), env.get("PYTHONPATH", "")) if p)
    return env


def real_time() -> float:
    """This machine's real wall clock, even inside a process whose clock is shifted."""
    return time.time() - float(os.environ.get("ONEWINDOW_TEST_CLOCK_SHIFT") or 0)


HALL_ZONE = "Asia/Shanghai"  # the sample hall's (config/hall.toml)


def moment(name: str, now: dt.datetime | None = None) -> dt.datetime:
    """The moments .ci/run shifts the clock to, in the hall's zone: `sunday-3am` (03:00 on the first Sunday a
    year or more ahead) and `before-midnight` (23:59:30 on the next 31 December, before New Year's Day)."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(HALL_ZONE)
    now = (now or dt.datetime.fromtimestamp(real_time(), zone)).astimezone(zone)
    if name == "sunday-3am":
        day = now.date() + dt.timedelta(days=365)
        day += dt.timedelta(days=(6 - day.weekday()) % 7)
        return dt.datetime.combine(day, dt.time(3, 0), zone)
    if name == "before-midnight":
        return dt.datetime.combine(dt.date(now.year, 12, 31), dt.time(23, 59, 30), zone)
    raise ValueError(f"unknown moment {name!r}")


if __name__ == "__main__":  # python -m tests.wall_clock MOMENT: the shift in seconds, for ONEWINDOW_TEST_CLOCK_SHIFT
    import sys

    target = moment(sys.argv[1])
    print(f"{target.timestamp() - real_time():.0f}")
    print(f"wall clock for the tests: {target.isoformat()}", file=sys.stderr)
