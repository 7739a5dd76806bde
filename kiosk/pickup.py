"""统一出件 at the kiosk: a citizen whose result is ready takes a pick-up number with the code of the text message
(typed on the keypad), the case QR of the phone page (held to the camera) or the ID card. The app's part of it."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock

from kiosk.client import CallerUnavailable, Refused
from kiosk.strings import t


class PickupFlow:
    """Mixed into KioskApp: the steps after the citizen chose 统一出件."""

    def pickup_category(self) -> str | None:
        return ((self.home_view.hall or {}) if self.home_view else {}).get("pickup_category")

    def start_pickup(self) -> None:
        self.go("pickup")
        self.journey.say("say_pickup")

    def pick_up(self, *, code: str | None = None, qr: str | None = None, card: Any = None,
                typed_id: str | None = None) -> None:
        if typed_id is not None:  # the ID typed on the card screen's keypad
            card = _Typed(typed_id)

        def done(outcome: Any) -> None:
            self.go("done", outcome=outcome)
            self._return_home = Clock.schedule_once(lambda _dt: self.next_citizen(), self.done_return_s)

        def failed(exc: Exception) -> None:
            message = exc.chinese if isinstance(exc, Refused) else t("caller_unreachable") if isinstance(
                exc, CallerUnavailable) else t("pickup_failed")
            if code is not None and isinstance(exc, Refused):
                self.go("pickup", error=message, digits=code)  # the code as typed, to be corrected
            else:
                self.go("message", message=message)

        self._work(lambda: self.journey.pick_up(code=code, qr=qr, card=card), done, failed)


class _Typed:
    """An ID number typed instead of read: what the pick-up needs of a card."""

    def __init__(self, id_number: str):
        self.id_number = id_number
