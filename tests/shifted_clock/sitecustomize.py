"""Shifts this Python process's wall clock when ONEWINDOW_TEST_CLOCK_SHIFT names a number of seconds.

Python imports `sitecustomize` at start-up from its path, so every Python process a test starts with this
folder on PYTHONPATH (the caller, the board, the kiosk) runs on the shifted clock, ticking, while the
monotonic clock stays the machine's. `.ci/run` uses it to run the time-sensitive tests at 03:00 on a Sunday a
year ahead and across a midnight. (Debian's libfaketime does this from outside, but under it Python's
time.sleep fails with EINVAL here, and subprocess waits with it.)
"""

import os

_shift = os.environ.get("ONEWINDOW_TEST_CLOCK_SHIFT")
if _shift:
    import time

    import time_machine

    _travel = time_machine.travel(time.time() + float(_shift), tick=True)
    _travel.start()
