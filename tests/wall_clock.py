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
