"""Lobby board figures: call-next to the board showing it and to its speech being ready; a day of events and
the board's memory.

    .venv/bin/python -m tests.bench.board [CALLS] [DAY_TICKETS]

A live caller on loopback (SQLite), the real Kivy board under Xvfb in its own process with the announcer
writing WAV files. CALLS call-nexts 0.4 s apart (each measured from just before the request; the request's
own round trip is printed as the baseline), then DAY_TICKETS tickets issued, called and finished (three
events each) as fast as the caller takes them, with the board's RSS read before and after.
Times are CLOCK_MONOTONIC, shared by both processes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from caller.hall import load_hall
from tests.conftest import ROOT, Clock, start_live_caller
from tests.display.board_ui import finish_board, start_board, wait_for_file


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    day = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    hall = load_hall(ROOT / "config" / "hall.toml")
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        live, server, thread = start_live_caller(hall, f"sqlite:///{work / 'c.sqlite'}", Clock(), enforce_hours=False)
        live.headers("display")
        settings = {"caller_url": live.base, "token": live.tokens["display"], "announcer": f"wav://{work / 'speech'}",
                    "width": 1920, "height": 1080}
        # first run: latency of single calls
        process, result = start_board(settings, [{"wait_connected": True}, {"signal": str(work / "ready")},
                                                 {"wait_file": str(work / "calls-done"), "timeout": 900}, {"sleep": 3}],
                                      work / "board")
        wait_for_file(work / "ready")
        for window in range(1, 12):
            live.post(f"/api/v1/windows/{window}/open", "counter", window=window)
        sent: dict[str, float] = {}
        round_trips = []
        for n in range(calls):
            live.post("/api/v1/tickets", "kiosk", json={"category": "zonghe"})
            window = 1 + n % 6
            live.post(f"/api/v1/windows/{window}/finish", "counter", window=window)
            t0 = time.monotonic()
            answer = live.post(f"/api/v1/windows/{window}/call-next", "counter", window=window)
            round_trips.append(time.monotonic() - t0)
            sent[answer.json()["ticket"]["number"]] = t0
            time.sleep(0.4)
        (work / "calls-done").write_text("")
        outcome = finish_board(process, result, timeout_s=300)
        # second run: a day of events, and the board's memory before and after
        process, result = start_board({**settings, "announcer": "none://"},
                                      [{"wait_connected": True}, {"sleep": 3}, {"rss": "start"},
                                       {"signal": str(work / "ready2")},
                                       {"wait_file": str(work / "day-third"), "timeout": 900}, {"rss": "after a third"},
                                       {"wait_file": str(work / "day-done"), "timeout": 900}, {"sleep": 5},
                                       {"rss": "after the day"}], work / "board2")
        wait_for_file(work / "ready2")
        started = time.monotonic()
        events = 0
        for n in range(day):
            if time.monotonic() - started > 600:
                break
            live.post("/api/v1/tickets", "kiosk", json={"category": "shebao"})
            window = 1 + n % 6
            live.post(f"/api/v1/windows/{window}/finish", "counter", window=window)
            live.post(f"/api/v1/windows/{window}/call-next", "counter", window=window)
            events += 3
            if n == day // 3:
                (work / "day-third").write_text("")
        (work / "day-done").write_text("")
        memory = finish_board(process, result, timeout_s=900).get("rss_mb")
        server.should_exit = True
        thread.join(timeout=10)
    shown = {number: t for number, t in outcome.get("shown_at", []) if number in sent}
    spoken = {number: t for number, _, t in outcome.get("spoken", []) if number in sent}
    to_board = [shown[n] - sent[n] for n in shown]
    to_speech = [spoken[n] - sent[n] for n in spoken]
    ms = lambda v, q: pct(v, q) * 1000  # noqa: E731
    print(f"{calls} calls 0.4 s apart; caller on loopback (SQLite); board under Xvfb")
    print(f"call-next round trip (baseline): p50 {ms(round_trips, .5):.1f} ms  p95 {ms(round_trips, .95):.1f} ms")
    print(f"call-next → board shows it:      p50 {ms(to_board, .5):.1f} ms  p95 {ms(to_board, .95):.1f} ms  ({len(to_board)} seen)")
    print(f"call-next → speech ready:        p50 {ms(to_speech, .5):.1f} ms  p95 {ms(to_speech, .95):.1f} ms  ({len(to_speech)} spoken)")
    print(f"a day: {events} events in {time.monotonic() - started:.0f} s; board RSS (MB): {memory}")


if __name__ == "__main__":
    main()
