"""Runs a Kivy app's test driver in its own process (Kivy's window is a process-wide singleton), under
Xvfb when there is no display, and reads back its result and Kivy's log."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.wall_clock import environment as wall_clock_environment


def start(driver: str, settings: dict, script: list[dict], work: Path,
          wall_clock: dt.datetime | None = None) -> tuple[subprocess.Popen, Path]:
    """Start `python -m driver SETTINGS SCRIPT RESULT`; settings need width and height. With `wall_clock` the
    app's own clock reads that moment at its start (tests/wall_clock.py); otherwise it inherits the tests'."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "settings.json").write_text(json.dumps(settings))
    (work / "script.json").write_text(json.dumps(script, ensure_ascii=False))
    result = work / "result.json"
    command = [sys.executable, "-m", driver, str(work / "settings.json"), str(work / "script.json"), str(result)]
    env = {**wall_clock_environment(wall_clock), "KIVY_HOME": str(work / "kivy-home")}
    if not os.environ.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        assert xvfb, "xvfb-run is missing: ./dev installs the xvfb package"
        command = [xvfb, "-a", "-s", f"-screen 0 {settings['width']}x{settings['height']}x24", *command]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env)
    return process, result


def finish(process: subprocess.Popen, result: Path, timeout_s: float = 120) -> dict:
    """Wait for the driver; its result, with the tail of its output and of Kivy's log under "log"."""
    output, _ = process.communicate(timeout=timeout_s)
    assert result.exists(), output[-3000:]
    outcome = json.loads(result.read_text())
    logs = sorted((result.parent / "kivy-home" / "logs").glob("*.txt"))
    outcome["log"] = output[-1500:] + (logs[-1].read_text(errors="replace")[-3000:] if logs else "")
    return outcome
