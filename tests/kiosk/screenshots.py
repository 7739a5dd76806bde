"""Regenerates docs/screenshots/kiosk-*.png: every kiosk screen, normal and large type, day and 24-hour mode.

    .venv/bin/python -m tests.kiosk.screenshots [OUT_DIR]

A real caller (SQLite in a temporary folder, a fixed clock) and simulated devices; the kiosk runs under
Xvfb and is driven by touches (tests/kiosk/kivy_driver.py).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

from caller.hall import load_hall
from kiosk.hardware.simulated_camera import blank_frame, write_sequence
from kiosk.hardware.simulated_card_reader import SimulatedCardReader
from tests.conftest import ROOT, Clock, start_live_caller
from tests.kiosk.kiosk_ui import run_kiosk_script

MORNING = dt.datetime(2026, 11, 23, 1, 40, tzinfo=dt.timezone.utc)  # Monday 09:40 in Shanghai
NIGHT = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.timezone.utc)  # 21:00


def day_script(out: Path, suffix: str, large: bool) -> list[dict]:
    steps: list[dict] = [{"wait": "home"}, {"expect_text": "社保"}]
    if large:
        steps.append({"tap": "large_type"})
    steps += [
        {"shot": str(out / f"kiosk-home{suffix}.png")},
        {"tap": "category:shebao"}, {"wait": "guide"}, {"shot": str(out / f"kiosk-guide{suffix}.png")},
        {"tap": "take_number"}, {"wait": "id_card"}, {"shot": str(out / f"kiosk-id-card{suffix}.png")},
        {"tap": "type_id"}, {"wait": "typed_id"},
        *[{"tap": f"key:{d}"} for d in citizen(large)],
        {"shot": str(out / f"kiosk-typed-id{suffix}.png")},
        {"tap": "confirm"}, {"wait": "done"}, {"shot": str(out / f"kiosk-done{suffix}.png")},
        {"tap": "home"}, {"wait": "home"},
        {"tap": "check_in"}, {"wait": "check_in"}, {"shot": str(out / f"kiosk-check-in{suffix}.png")},
        {"wait": "message", "timeout": 40}, {"shot": str(out / f"kiosk-check-in-nothing{suffix}.png")},
        {"tap": "home"}, {"wait": "home"}, {"tap": "category:chujian"}, {"wait": "pickup"},
        *[{"tap": f"key:{d}"} for d in "2215"], {"shot": str(out / f"kiosk-pickup{suffix}.png")},
    ]
    return steps


def citizen(large: bool) -> str:
    """A made-up ID number per tour: one live ticket per ID and matter, one booking per ID and matter."""
    return "110105199001010010" if large else "110105195003070019"


def night_script(out: Path, suffix: str, large: bool) -> list[dict]:
    steps: list[dict] = [{"wait": "night"}]
    if large:
        steps.append({"tap": "large_type"})
    return steps + [
        {"shot": str(out / f"kiosk-night{suffix}.png")},
        {"tap": "night_book"}, {"wait": "categories"}, {"shot": str(out / f"kiosk-night-categories{suffix}.png")},
        {"tap": "category:yibao"}, {"wait": "slots"}, {"shot": str(out / f"kiosk-night-slots{suffix}.png")},
        {"tap": "slot:0900"}, {"wait": "id_card"}, {"tap": "type_id"}, {"wait": "typed_id"},
        *[{"tap": f"key:{d}"} for d in citizen(large)], {"tap": "confirm"},
        {"wait": "booked"}, {"shot": str(out / f"kiosk-night-booked{suffix}.png")},
    ]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    main_into(out)
    print("\n".join(sorted(str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in out.glob("kiosk-*.png"))))


def main_into(out: Path, sizes: tuple[int, int] = (1080, 1920), large_modes: tuple[bool, ...] = (False, True)) -> None:
    out.mkdir(parents=True, exist_ok=True)
    hall = load_hall(ROOT / "config" / "hall.toml")
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        clock = Clock(MORNING)
        live, server, thread = start_live_caller(hall, f"sqlite:///{work / 'caller.sqlite'}", clock)
        live.headers("kiosk")
        for category, count in (("shebao", 7), ("yibao", 4), ("budongchan", 2), ("zonghe", 3)):
            for _ in range(count):
                live.post("/api/v1/tickets", "kiosk", json={"category": category})
        reader = SimulatedCardReader()  # no card on it: the ID screen waits
        camera = write_sequence(work / "camera", [blank_frame(random.Random(1))])
        base = {"caller_url": live.base, "token": live.tokens["kiosk"], "printer": "dummy://", "card_reader": reader.path,
                "camera": camera, "speech": "none://", "width": sizes[0], "height": sizes[1], "scan_timeout_s": 3}
        try:
            for large in large_modes:
                suffix = "-large" if large else ""
                clock.set(MORNING)
                result = run_kiosk_script(base, day_script(out, suffix, large), work / f"day{suffix}", timeout_s=240)
                assert result["error"] is None, result
                clock.set(NIGHT)
                result = run_kiosk_script(base, night_script(out, suffix, large), work / f"night{suffix}", timeout_s=240)
                assert result["error"] is None, result
        finally:
            reader.close()
            server.should_exit = True
            thread.join(timeout=10)


if __name__ == "__main__":
    main()
