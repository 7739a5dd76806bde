"""What the lobby board shows, built from the caller's queue snapshot and its events — no widgets here.

`resync` takes `GET /api/v1/queue`; `apply` takes one event and returns the calls to announce. Waiting
counts follow the events and are corrected by a periodic resync; events already reflected (an id at or
below the last seen) are ignored, so replays after a reconnect are harmless.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass, field

from display.announcer import Call

ANNOUNCE_WITHIN = dt.timedelta(seconds=60)  # calls replayed after a reconnect are announced only if this recent


@dataclass
class WindowRow:
    number: int
    name: str
    state: str  # open, paused, closed
    current: str | None = None


@dataclass(frozen=True)
class ShownCall:
    number: str
    window: int
    window_name: str
    at: dt.datetime
    recall: bool = False
    category: str = ""  # the matter's name, shown with the number


@dataclass
class BoardState:
    windows: dict[int, WindowRow] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)  # category id → waiting
    category_names: dict[str, str] = field(default_factory=dict)
    recent: collections.deque = field(default_factory=lambda: collections.deque(maxlen=8))
    latest: ShownCall | None = None
    no_shows: collections.deque = field(default_factory=lambda: collections.deque(maxlen=8))  # 过号, newest first
    last_event_id: int = 0
    synced: bool = False

    def is_night(self, hall: dict) -> bool:
        """The 24-hour zone's screen: tickets are not issued now (GET /api/v1/hall) and no window holds anyone."""
        return bool(hall) and not hall.get("issuing_now", True) and not any(w.current for w in self.windows.values())

    def resync(self, snapshot: dict) -> bool:
        """Take a queue snapshot, unless it is older than what the events already told us."""
        if self.synced and snapshot["last_event_id"] < self.last_event_id:
            return False
        self.windows = {
            w["number"]: WindowRow(w["number"], w["name"], w["state"], w["ticket"]["number"] if w.get("ticket") else None)
            for w in snapshot["windows"]
        }
        self.waiting = {c["id"]: c["waiting"] for c in snapshot["categories"]}
        self.category_names = {c["id"]: c["name"] for c in snapshot["categories"]}
        self.last_event_id = max(self.last_event_id, snapshot["last_event_id"])
        self.synced = True
        return True

    def apply(self, event: dict, now: dt.datetime | None = None) -> list[Call]:
        if event["id"] <= self.last_event_id:
            return []
        self.last_event_id = event["id"]
        kind, number, window, category = event["type"], event.get("number"), event.get("window"), event.get("category")
        row = self.windows.get(window) if window is not None else None
        at = dt.datetime.fromisoformat(event["at"])
        fresh = now is None or now - at <= ANNOUNCE_WITHIN
        calls: list[Call] = []
        if kind in ("ticket-called", "ticket-recalled") and number and window is not None:
            recall = kind == "ticket-recalled"
            if row is not None:
                row.current = number
            if not recall and category in self.waiting:
                self.waiting[category] = max(0, self.waiting[category] - 1)
            if number in self.no_shows:  # back and called again
                self.no_shows.remove(number)
            shown = ShownCall(number, window, row.name if row else f"{window} 号窗口", at, recall,
                              self.category_names.get(category, ""))
            self.latest = shown
            if not recall:
                self.recent.appendleft(shown)
            if fresh:
                calls.append(Call(number, window, recall))
        elif kind == "ticket-no-show" and (event.get("data") or {}).get("reason") == "not-arrived":
            if category in self.waiting:  # a phone number that never came: it leaves the queue, nobody was called
                self.waiting[category] = max(0, self.waiting[category] - 1)
        elif kind == "ticket-arrived" and (event.get("data") or {}).get("requeued") and category in self.waiting:
            self.waiting[category] += 1  # it came after all: queued again from its arrival
        elif kind in ("ticket-finished", "ticket-no-show", "ticket-transferred"):
            if row is not None and row.current == number:
                row.current = None
            if kind == "ticket-no-show" and number and number not in self.no_shows:
                self.no_shows.appendleft(number)
            if kind == "ticket-transferred":
                target = (event.get("data") or {}).get("to_category") or category
                if target in self.waiting:
                    self.waiting[target] += 1
        elif kind == "ticket-on-hold" and row is not None and row.current == number:
            row.current = None  # stepped aside: the window serves the next one meanwhile
        elif kind == "ticket-taken-back" and row is not None:
            row.current = number
        elif kind in ("ticket-issued", "ticket-returned") and category in self.waiting:
            self.waiting[category] += 1
            if kind == "ticket-returned" and number in self.no_shows:
                self.no_shows.remove(number)
        elif kind == "ticket-cancelled" and category in self.waiting and event.get("status") == "cancelled":
            self.waiting[category] = max(0, self.waiting[category] - 1)
        elif kind.startswith("window-") and row is not None:
            row.state = {"window-opened": "open", "window-resumed": "open", "window-paused": "paused",
                         "window-closed": "closed"}[kind]
            if kind == "window-closed":
                row.current = None
        return calls
