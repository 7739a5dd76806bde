"""Runs the Kivy kiosk under Xvfb in its own process with a script (see kivy_driver.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run_kiosk_script(settings: dict, script: list[dict], work: Path, timeout_s: float = 120) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    settings = {"width": 720, "height": 1280, **settings}
    (work / "settings.json").write_text(json.dumps({"work_dir": str(work / "kiosk"), **settings}))
    (work / "script.json").write_text(json.dumps(script, ensure_ascii=False))
    result = work / "result.json"
    width, height = settings.get("width", 720), settings.get("height", 1280)
    command = [sys.executable, "-m", "tests.kiosk.kivy_driver", str(work / "settings.json"), str(work / "script.json"),
               str(result)]
    if not os.environ.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        assert xvfb, "xvfb-run is missing: ./dev installs the xvfb package"
        command = [xvfb, "-a", "-s", f"-screen 0 {width}x{height}x24", *command]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s,
                         env={**os.environ, "KIVY_HOME": str(work / "kivy-home")})
    assert result.exists(), run.stderr[-3000:]
    outcome = json.loads(result.read_text())
    logs = sorted((work / "kivy-home" / "logs").glob("*.txt"))
    outcome["stderr"] = run.stderr[-2000:] + (logs[-1].read_text(errors="replace")[-4000:] if logs else "")
    return outcome
