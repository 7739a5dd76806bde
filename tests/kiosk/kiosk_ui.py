"""Runs the Kivy kiosk under Xvfb in its own process with a script (see kivy_driver.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests import kivy_process


def run_kiosk_script(settings: dict, script: list[dict], work: Path, timeout_s: float = 120,
                     wall_clock: dt.datetime | None = None) -> dict:
    settings = {"width": 720, "height": 1280, "work_dir": str(work / "kiosk"), **settings}
    process, result = kivy_process.start("tests.kiosk.kivy_driver", settings, script, work, wall_clock)
    return kivy_process.finish(process, result, timeout_s)
