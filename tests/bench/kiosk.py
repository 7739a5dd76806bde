"""Kiosk figures: touch-to-receipt-bytes time, memory after 1,000 tickets, cold start to the home screen.

    .venv/bin/python -m tests.bench.kiosk [TICKETS]

A real caller on loopback (SQLite in a temporary folder), the simulated network printer on loopback and
the simulated card reader on a pty. "Touch to receipt bytes" is measured in the journey the touch starts
(issue over HTTP, render, status query, print, status query, receipt report) until the printer has the
whole slip; the baseline in the same run is the bare issue request over HTTP. Cold start is from process
start to the first drawn home screen of the real Kivy app under Xvfb.
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.client import CallerClient
from kiosk.hardware.card_reader import CardReader
from kiosk.hardware.printer import open_printer
from kiosk.hardware.simulated_card_reader import SimulatedCardReader
from kiosk.hardware.simulated_printer import SimulatedPrinter
from kiosk.hardware.speech import Speaker
from kiosk.journey import Devices, Journey
from tests.conftest import ROOT, free_port
from tests.kiosk.kiosk_ui import run_kiosk_script


def wait_for(base: str) -> None:
    import requests

    for _ in range(150):
        try:
            if requests.get(base + "/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the caller did not start")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    tickets = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as temp:
        # the caller in its own process, so this process's memory is the kiosk's alone
        port = free_port()
        caller = subprocess.Popen(
            [sys.executable, "-m", "caller.cli", "caller", "--demo", "--port", str(port), "--no-access-log",
             "--database-url", f"sqlite:///{temp}/caller.sqlite", "--hall", str(ROOT / "config" / "hall.toml"),
             "--log-level", "WARNING"], cwd=temp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        wait_for(base)
        token = json.loads((Path(temp) / "var" / "demo-tokens.json").read_text())["kiosk"]
        printer, reader = SimulatedPrinter(), SimulatedCardReader()
        reader.insert()
        journey = Journey(CallerClient(base, token),
                          Devices(open_printer(printer.url, paper_mm=80), CardReader(reader.path), None,
                                  Speaker("none://")), paper_mm=80)
        journey.home()
        categories = [c.id for c in journey.categories.values()]
        bare, full, card = [], [], []
        memory = {}
        started = time.monotonic()
        for n in range(tickets):
            if time.monotonic() - started > 600:
                break
            category = categories[n % len(categories)]
            t0 = time.perf_counter()
            journey.client.issue(category)
            bare.append(time.perf_counter() - t0)
            before = len(printer.printed)
            t0 = time.perf_counter()
            outcome = journey.take_number(category)
            assert outcome.printed and len(printer.printed) > before
            full.append(time.perf_counter() - t0)
            printer.printed.clear()  # the simulators' own records would otherwise grow in this process
            reader.requests.clear()
            if n % 10 == 0:
                t0 = time.perf_counter()
                journey.take_number(category, card=journey.read_card())
                card.append(time.perf_counter() - t0)
            if n + 1 in (100, tickets):
                gc.collect()
                memory[n + 1] = rss_mb()
        done = len(full)
        reader.close()
        printer.close()
        cold = []
        for run in range(3):
            t0 = time.monotonic()
            result = run_kiosk_script({"caller_url": base, "token": token, "printer": "dummy://",
                                       "speech": "none://"}, [{"wait": "home"}, {"expect_text": "社保"}],
                                      Path(temp) / f"cold{run}")
            assert result["error"] is None, result
            cold.append(time.monotonic() - t0)
        caller.terminate()
        caller.wait(timeout=10)
    ms = lambda values, q: pct(values, q) * 1000  # noqa: E731
    print(f"{done} journeys ({done} bare issues beside them), caller on loopback, SQLite")
    print(f"bare issue over HTTP:             p50 {ms(bare, .5):6.1f} ms  p95 {ms(bare, .95):6.1f} ms")
    print(f"touch to receipt bytes (typed):   p50 {ms(full, .5):6.1f} ms  p95 {ms(full, .95):6.1f} ms  "
          f"({statistics.median(full) / statistics.median(bare):.1f}x the bare issue)")
    print(f"  … with an ID card read first:   p50 {ms(card, .5):6.1f} ms  p95 {ms(card, .95):6.1f} ms  ({len(card)} runs)")
    print("kiosk process memory (RSS: journey, client, drivers; the caller runs apart): "
          + ", ".join(f"after {k} tickets {v:.1f} MB" for k, v in memory.items()))
    print(f"cold start to a drawn home screen (Kivy under Xvfb, 3 runs): {', '.join(f'{c:.2f} s' for c in cold)}")


if __name__ == "__main__":
    main()
