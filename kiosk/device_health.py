"""What a terminal's devices last showed, and the reporter that tells the caller (`POST /api/v1/devices/report`)
every `every_s` and at once on a change. The report is the heartbeat too: a terminal that stops reporting is
shown offline at the 咨询台. Shared by the kiosk and the lobby board."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def printer_condition(fault: str | None, paper_low: bool = False) -> str | None:
    """A printer's fault (kiosk.hardware.printer.PrinterFault's value) as the condition the desk sees."""
    if fault == "paper-out":
        return "paper-out"
    if fault:
        return "printer-failed"  # cover open, offline, unreachable: someone has to go and look
    return "paper-low" if paper_low else None


class DeviceHealth:
    """The condition of each part (printer, reader, camera, announcer) as last seen; None: well."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parts: dict[str, str | None] = {}
        self.on_change: Callable[[], None] = lambda: None

    def set(self, part: str, condition: str | None) -> None:
        with self._lock:
            changed = self._parts.get(part) != condition
            self._parts[part] = condition
        if changed:
            log.info("device %s: %s", part, condition or "ok")
            self.on_change()

    def conditions(self) -> list[str]:
        with self._lock:
            return sorted(c for c in self._parts.values() if c)


class Reporter:
    """A thread that sends `check()`'s conditions every `every_s`, and soon after `poke()`. A caller that cannot be
    reached is not an error here: the next report is the retry, and the caller shows the silence as offline."""

    def __init__(self, send: Callable[[list[str]], object], check: Callable[[], list[str]], every_s: float = 30.0):
        self.send = send
        self.check = check
        self.every_s = every_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="device-reporter", daemon=True)

    def start(self) -> Reporter:
        self._thread.start()
        return self

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.send(self.check())
            except Exception as exc:  # noqa: BLE001 - unreachable, refused: reported again next round
                log.warning("device report not sent: %s", exc)
            self._wake.wait(self.every_s)
            self._wake.clear()
