"""Drives the real Kivy kiosk through a script of touches, in its own process (Kivy's window is a
process-wide singleton), and takes screenshots. Used by the UI tests and by `tools/screenshots`.

    python -m tests.kiosk.kivy_driver SETTINGS_JSON SCRIPT_JSON RESULT_JSON

Script steps: {"wait": screen} · {"tap": tag} · {"shot": path} · {"large": true} · {"sleep": s}
· {"expect_text": text} (somewhere on the current screen) · {"signal": name} (writes SIGNALS/name, for a test
thread that acts on a simulated device at that point, e.g. lifts a card off the reader). The result: the screens seen, the shots
written, and the first failure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")


def main() -> int:
    settings_json, script_json, result_json = sys.argv[1:4]
    from kiosk.settings import KioskSettings

    settings = KioskSettings(**json.loads(Path(settings_json).read_text()))
    script = json.loads(Path(script_json).read_text())
    from kiosk.kivy_setup import configure_window

    configure_window(settings.width, settings.height)
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch

    from kiosk.app import KioskApp
    from kiosk.runner import build_journey
    from kiosk.screens.widgets import find

    journey, simulators = build_journey(settings)
    app = KioskApp(journey, idle_timeout_s=settings.idle_timeout_s, done_return_s=settings.done_return_s,
                   allow_skip_id=settings.allow_skip_id, simulated=settings.simulated, work_dir=settings.work_dir,
                   scan_timeout_s=settings.scan_timeout_s, report_s=settings.report_s)
    result = {"screens": [], "shots": [], "error": None, "steps_done": 0, "timings": {}}
    state = {"index": 0, "since": time.monotonic(), "frames": 0, "touched_at": None}

    def texts() -> str:
        # the texts as set, without the line breaks the labels put in for their width
        return "\n".join(getattr(w, "plain_text", None) or getattr(w, "text", "")
                         for w in app.manager.current_screen.walk() if hasattr(w, "text"))

    def step(_dt: float) -> None:
        state["frames"] += 1
        current = app.manager.current
        if not result["screens"] or result["screens"][-1] != current:
            result["screens"].append(current)
            if state["touched_at"] is not None:
                result["timings"].setdefault(current, time.monotonic() - state["touched_at"])
        if state["index"] >= len(script):
            app.stop()
            return
        action = script[state["index"]]
        if time.monotonic() - state["since"] > action.get("timeout", 20):
            result["error"] = f"step {state['index']} {action} timed out on screen {current}: {texts()[:300]}"
            app.stop()
            return
        if "wait" in action:
            if current != action["wait"]:
                return
        elif "expect_text" in action:
            if action["expect_text"] not in texts():
                return
        elif "tap" in action:
            widget = find(app.manager.current_screen, action["tap"])
            if widget is None or widget.disabled:
                return
            touch = UnitTestTouch(*widget.to_window(*widget.center))
            touch.touch_down()
            touch.touch_up()
            state["touched_at"] = time.monotonic()
        elif "shot" in action:
            if state.get("settle", 0) < 4:  # the screenshot is black until a few frames were drawn
                state["settle"] = state.get("settle", 0) + 1
                return
            state["settle"] = 0
            Path(action["shot"]).parent.mkdir(parents=True, exist_ok=True)
            written = Window.screenshot(name=action["shot"])
            final = Path(action["shot"])
            if written and Path(written) != final:
                Path(written).replace(final)  # Kivy appends a counter to the name
            result["shots"].append(str(final))
        elif "signal" in action:
            folder = Path(result_json).parent / "signals"
            folder.mkdir(exist_ok=True)
            (folder / action["signal"]).touch()
        elif "large" in action:
            app.toggle_large_type()
        elif "sleep" in action:
            if time.monotonic() - state["since"] < action["sleep"]:
                return
        state["index"] += 1
        result["steps_done"] = state["index"]
        state["since"] = time.monotonic()

    Clock.schedule_interval(step, 0.05)
    try:
        app.run()
    finally:
        journey.devices.speaker.close()
        simulators.close()
        Path(result_json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())
