"""Starts the real board under Xvfb in its own process (see board_driver.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def start_board(settings: dict, script: list[dict], work: Path) -> tuple[subprocess.Popen, Path]:
    work.mkdir(parents=True, exist_ok=True)
    settings = {"width": 1280, "height": 720, **settings}
    (work / "settings.json").write_text(json.dumps(settings))
    (work / "script.json").write_text(json.dumps(script, ensure_ascii=False))
    result = work / "result.json"
    command = [sys.executable, "-m", "tests.display.board_driver", str(work / "settings.json"),
               str(work / "script.json"), str(result)]
    if not os.environ.get("DISPLAY"):
        command = [shutil.which("xvfb-run") or "xvfb-run", "-a", "-s",
                   f"-screen 0 {settings['width']}x{settings['height']}x24", *command]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "KIVY_HOME": str(work / "kivy-home")})
    return process, result


def finish_board(process: subprocess.Popen, result: Path, timeout_s: float = 120) -> dict:
    output, _ = process.communicate(timeout=timeout_s)
    assert result.exists(), output[-3000:]
    outcome = json.loads(result.read_text())
    logs = sorted((result.parent / "kivy-home" / "logs").glob("*.txt"))
    outcome["log"] = output[-1500:] + (logs[-1].read_text(errors="replace")[-3000:] if logs else "")
    return outcome


def wait_for_file(path: Path, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"the board never signalled {path.name}"
        time.sleep(0.05)
