"""When to open and close the tidal window (潮汐窗口): thresholds on the queue's pressure, with hysteresis."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TidalAdvice(StrEnum):
    OPEN = "open"
    CLOSE = "close"  # after the citizen being served


@dataclass(frozen=True)
class TidalRule:
    """Advise opening past `open_above_s` of pressure; closing once it stayed under `close_below_s` for `close_after_s`.

    Pressure is what the caller watches: the larger of the oldest waiting ticket's age and the estimated wait
    of a ticket issued now. The gap between the thresholds and the hold time keep the advice from flapping.
    The rule is pure: the only state, when the calm began, is handed in and returned.
    """

    open_above_s: float = 12 * 60
    close_below_s: float = 4 * 60
    close_after_s: float = 10 * 60

    def advise(
        self, is_open: bool, calm_since_s: float | None, now_s: float, pressure_s: float
    ) -> tuple[TidalAdvice | None, float | None]:
        """The advice for a window that is (or is not) open now, and the new start of the calm."""
        if not is_open:
            return (TidalAdvice.OPEN if pressure_s > self.open_above_s else None), None
        if pressure_s >= self.close_below_s:
            return None, None
        calm_since_s = now_s if calm_since_s is None else calm_since_s
        if now_s - calm_since_s >= self.close_after_s:
            return TidalAdvice.CLOSE, calm_since_s
        return None, calm_since_s


@dataclass
class TidalAdvisor:
    """A TidalRule with its state kept here, for a single observer such as the simulator."""

    rule: TidalRule = TidalRule()
    is_open: bool = False
    calm_since_s: float | None = None

    def observe(self, now_s: float, pressure_s: float) -> TidalAdvice | None:
        advice, self.calm_since_s = self.rule.advise(self.is_open, self.calm_since_s, now_s, pressure_s)
        if advice is TidalAdvice.OPEN:
            self.is_open = True
        elif advice is TidalAdvice.CLOSE:
            self.is_open, self.calm_since_s = False, None
        return advice
