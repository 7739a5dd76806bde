"""Starts the real board under Xvfb in its own process (see board_driver.py)."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from pathlib import Path

from tests import kivy_process


def start_board(settings: dict, script: list[dict], work: Path,
                wall_clock: dt.datetime | None = None) -> tuple[subprocess.Popen, Path]:
    return kivy_process.start("tests.display.board_driver", {"width": 1280, "height": 720, **settings}, script, work,
                              wall_clock)


finish_board = kivy_process.finish


def wait_for_file(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"the board never signalled {path.name}"
        time.sleep(0.05)
