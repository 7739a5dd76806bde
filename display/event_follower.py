"""Follows the caller's event stream for the board: a snapshot first, then `GET /api/v1/events` with
Last-Event-ID, reconnecting by itself; `connected` turns false a few seconds after the stream went silent.

Runs in its own thread and never touches widgets: it hands each event and snapshot to callbacks, which
the board app forwards to its UI thread. The stream's `clock` events keep `clock` on the caller's time.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from kiosk.caller_clock import CallerClock

log = logging.getLogger(__name__)


class EventFollower:
    def __init__(self, base_url: str, token: str | None, *, on_snapshot: Callable[[dict], None],
                 on_event: Callable[[dict], None], silence_s: float = 15.0, resync_s: float = 60.0,
                 ca_file: Path | None = None):
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        # an https:// caller with the hall's own CA (onewindow tls make-cert); given with every request, since a
        # session's own `verify` loses to REQUESTS_CA_BUNDLE in the environment
        self.verify: str | bool = str(ca_file) if ca_file is not None else True
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.on_snapshot = on_snapshot
        self.on_event = on_event
        self.silence_s = silence_s  # the caller pings every 10 s: silence past this means the stream is gone
        self.resync_s = resync_s
        self.last_id: int | None = None
        self.connected = False
        self.reconnects = 0
        self.clock = CallerClock()  # the caller's time: a call is fresh by it, whatever this machine's clock says
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="board-events", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def hall(self) -> dict | None:
        """GET /api/v1/hall (name, time zone, whether tickets are issued now), or None when the caller cannot be
        reached."""
        try:
            sent = time.monotonic()
            answer = self.session.get(self.base + "/api/v1/hall", timeout=5, verify=self.verify)
            answer.raise_for_status()
            info = answer.json()
            self.clock.set_zone(info.get("timezone"))
            self.clock.tell(info["now"], round_trip_started=sent)
            return info
        except (requests.RequestException, ValueError, KeyError):
            return None

    def report(self, device: str, conditions: list[str]) -> None:
        """The board's conditions (announcer-failed; [] all well) to the 咨询台: also its heartbeat. Raises
        requests' errors: the reporter retries next round."""
        answer = self.session.post(self.base + "/api/v1/devices/report", json={"device": device, "conditions": conditions},
                                   timeout=5, verify=self.verify)
        answer.raise_for_status()

    def _snapshot(self) -> None:
        answer = self.session.get(self.base + "/api/v1/queue", timeout=5, verify=self.verify)
        answer.raise_for_status()
        snapshot = answer.json()
        if self.last_id is None:
            self.last_id = snapshot["last_event_id"]
        self.on_snapshot(snapshot)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.last_id is None:
                    self._snapshot()  # first connection; after a reconnect the missed events are replayed instead,
                self._stream()  # so a call made meanwhile is still announced
            except (requests.RequestException, ValueError, KeyError) as exc:
                log.info("event stream lost: %s", exc)
            self.connected = False
            if not self._stop.is_set():
                self.reconnects += 1
                self._stop.wait(1.0)

    def _stream(self) -> None:
        headers = {"Last-Event-ID": str(self.last_id)} if self.last_id is not None else {}
        with self.session.get(self.base + "/api/v1/events", headers=headers, stream=True, verify=self.verify,
                              timeout=(3, self.silence_s)) as answer:
            answer.raise_for_status()
            self.connected = True
            # after a reconnect the missed events are replayed first (so their calls are announced), then a
            # snapshot a couple of seconds later re-syncs the counts and windows
            last_resync = time.monotonic() - (self.resync_s - 2 if self.reconnects else 0)
            data: list[str] = []
            kind = "message"
            for line in answer.iter_lines(decode_unicode=True):
                if self._stop.is_set():
                    return
                if line is None:
                    continue
                if line == "":
                    if data:
                        event = json.loads("\n".join(data))
                        if kind == "clock":
                            self.clock.tell(event["now"])
                        else:
                            self.last_id = max(self.last_id or 0, event["id"])
                            self.on_event(event)
                            if event.get("type") == "hall-changed":  # a window renamed, added or removed: a
                                self._stop.wait(0.5)  # snapshot once the caller process runs the new version
                                self._snapshot()
                                last_resync = time.monotonic()
                    data, kind = [], "message"
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line.startswith("event:"):
                    kind = line[6:].strip()
                if time.monotonic() - last_resync > self.resync_s:  # counts drift; the snapshot corrects them
                    self._snapshot()
                    last_resync = time.monotonic()
