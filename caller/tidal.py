"""When to open and close the tidal window (潮汐窗口): thresholds on the queue's pressure, with hysteresis."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TidalAdvice(StrEnum):
    OPEN = "open"
    CLOSE = "close"  # after the citizen being served


@dataclass
class TidalAdvisor:
    """Advise opening past `open_above_s` of pressure; closing once it stayed under `close_below_s` for `close_after_s`.

    Pressure is what the caller watches: the larger of the oldest waiting ticket's age and the estimated wait
    of a ticket issued now. The gap between the thresholds and the hold time keep it from flapping.
    """

    open_above_s: float = 12 * 60
    close_below_s: float = 4 * 60
    close_after_s: float = 10 * 60
    is_open: bool = False
    _calm_since: float | None = None

    def observe(self, now_s: float, pressure_s: float) -> TidalAdvice | None:
        if not self.is_open:
            if pressure_s > self.open_above_s:
                self.is_open = True
                self._calm_since = None
                return TidalAdvice.OPEN
            return None
        if pressure_s >= self.close_below_s:
            self._calm_since = None
            return None
        if self._calm_since is None:
            self._calm_since = now_s
        if now_s - self._calm_since >= self.close_after_s:
            self.is_open = False
            self._calm_since = None
            return TidalAdvice.CLOSE
        return None
