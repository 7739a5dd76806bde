"""Runs the real Kivy lobby board in its own process with a script, for tests and screenshots.

    python -m tests.display.board_driver SETTINGS_JSON SCRIPT_JSON RESULT_JSON

Steps: {"wait_connected": true} · {"wait_disconnected": true} · {"signal": path} (writes the file, so the test
can act) · {"wait_file": path} (until the test writes it) · {"wait_text": text} · {"shot": path} · {"sleep": s}
· {"rss": label} (the process's resident memory now). The result holds, per event id, when it
reached the screen (time.monotonic of this process), and the announcer's delays.
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
    from display.settings import DisplaySettings

    settings = DisplaySettings(**json.loads(Path(settings_json).read_text()))
    script = json.loads(Path(script_json).read_text())
    from kiosk.kivy_setup import configure_window

    configure_window(settings.width, settings.height)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from display.runner import build_board

    app = build_board(settings)
    result: dict = {"error": None, "steps_done": 0}
    state = {"index": 0, "since": time.monotonic(), "settle": 0}

    def texts() -> str:
        # the texts as set, without the line breaks the labels put in for their width
        return "\n".join(getattr(w, "plain_text", None) or getattr(w, "text", "")
                         for w in app.root.walk() if hasattr(w, "text"))

    def step(_dt: float) -> None:
        if state["index"] >= len(script):
            app.stop()
            return
        action = script[state["index"]]
        if time.monotonic() - state["since"] > action.get("timeout", 30):
            result["error"] = f"step {state['index']} {action} timed out: {texts()[:400]}"
            app.stop()
            return
        if "wait_connected" in action and not app.follower.connected:
            return
        if "wait_disconnected" in action and app.follower.connected:
            return
        if "wait_text" in action and action["wait_text"] not in texts():
            return
        if "wait_said" in action and not app.announcer.wait_idle(0):
            return  # everything announced is said while the app still runs (the panel follows the speech)
        if "wait_file" in action and not Path(action["wait_file"]).exists():
            return
        if "sleep" in action and time.monotonic() - state["since"] < action["sleep"]:
            return
        if "rss" in action:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    state.setdefault("rss", {})[action["rss"]] = int(line.split()[1]) / 1024
        if "signal" in action:
            Path(action["signal"]).write_text(str(time.monotonic()))
        if "shot" in action:
            if state["settle"] < 4:
                state["settle"] += 1
                return
            state["settle"] = 0
            Path(action["shot"]).parent.mkdir(parents=True, exist_ok=True)
            written = Window.screenshot(name=action["shot"])
            if written and Path(written) != Path(action["shot"]):
                Path(written).replace(action["shot"])
        state["index"] += 1
        result["steps_done"] = state["index"]
        state["since"] = time.monotonic()

    Clock.schedule_interval(step, 0.05)
    try:
        app.run()
    finally:
        app.announcer.wait_idle(60)
        result["shown_at"] = list(app.shown_at)
        result["panel_seen"] = list(app.panel_seen)
        result["spoken"] = [[c.number, c.window, ready] for c, _, ready in app.announcer.spoken]
        result["rss_mb"] = state.get("rss", {})
        result["clock_offset"] = time.time() - time.monotonic()
        result["wall_clock"] = time.time()  # this process's wall clock (shifted when the test asked)
        app.announcer.close()
        app.follower.stop()
        Path(result_json).write_text(json.dumps(result, ensure_ascii=False))
    return 0 if result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())
