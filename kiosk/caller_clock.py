"""The caller's time as a terminal (kiosk, lobby board) knows it, in the hall's time zone.

The terminal's own wall clock may be hours or days off the caller's, so it is never compared with the
caller's timestamps: the last time the caller told is moved on by this machine's monotonic clock.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from collections.abc import Callable


class CallerClock:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic):
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._told: dt.datetime | None = None  # the caller's time when last told …
        self._told_at = 0.0  # … and this machine's monotonic reading then
        self.zone: dt.tzinfo | None = None

    def tell(self, caller_now: dt.datetime | str, round_trip_started: float | None = None) -> None:
        """The caller said it is `caller_now`. For an answer to a request, pass the monotonic reading taken when
        the request was sent: the caller's moment is taken as the middle of the round trip."""
        if isinstance(caller_now, str):
            caller_now = dt.datetime.fromisoformat(caller_now)
        received = self._monotonic()
        at = received if round_trip_started is None else (round_trip_started + received) / 2
        with self._lock:
            self._told, self._told_at = caller_now, at
            if self.zone is None and caller_now.tzinfo is not None:
                self.zone = caller_now.tzinfo

    def set_zone(self, name: str | None) -> None:
        """The hall's time zone (GET /api/v1/hall `timezone`); unknown names are ignored."""
        if not name:
            return
        try:
            self.zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass

    @property
    def synced(self) -> bool:
        return self._told is not None

    def now(self) -> dt.datetime:
        """The caller's present moment in the hall's zone; before the caller has told any time, this machine's."""
        with self._lock:
            told, told_at = self._told, self._told_at
        if told is None:
            moment = dt.datetime.now(dt.timezone.utc)
        else:
            moment = told + dt.timedelta(seconds=self._monotonic() - told_at)
        return moment.astimezone(self.zone) if self.zone is not None else moment.astimezone()
