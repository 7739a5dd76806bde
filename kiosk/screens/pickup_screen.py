"""领取办件结果: the 8-digit pick-up code of the text message on a large keypad, or the phone page's case QR at
the camera, or the ID card."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREEN, GREY, BigButton, Text
from kiosk.strings import t

CODE_DIGITS = 8


class PickupScreen(KioskScreen):
    def build(self, error: str = "", digits: str = "", **data) -> None:  # noqa: ANN003
        self.digits = digits
        self.page.add_widget(Text(t("pickup_title"), size=48, bold=True, size_hint_y=None, height=90, scales=False))
        self.page.add_widget(Text(t("pickup_hint"), size=30, size_hint_y=None, height=90))
        self.display = Text(self._grouped(), size=64, bold=True, size_hint_y=None, height=110, scales=False)
        self.page.add_widget(self.display)
        self.error = Text(error, size=32, color=(0.7, 0.1, 0.1, 1), size_hint_y=None, height=60)
        self.page.add_widget(self.error)
        pad = GridLayout(cols=3, spacing=16)
        for key in "1234567890":
            pad.add_widget(BigButton(key, f"key:{key}", lambda k=key: self.press(k), size=64))
        pad.add_widget(BigButton(t("backspace"), "backspace", self.backspace, size=40, color=GREY))
        pad.add_widget(BigButton(t("confirm"), "confirm", self.confirm, size=48, color=GREEN))
        self.page.add_widget(pad)
        self.page.add_widget(self.bottom(
            BigButton(t("back"), "back", self.app.go_home, color=GREY, size=40),
            BigButton(t("pickup_scan"), "pickup_scan", lambda: self.app.start_scan("pickup"), size=40),
            BigButton(t("pickup_card"), "pickup_card",
                      lambda: self.app.ask_for_card(self.app.pickup_category(), "pickup"), size=40)))

    def _grouped(self) -> str:
        return " ".join(part for part in (self.digits[:4], self.digits[4:]) if part)

    def press(self, key: str) -> None:
        if len(self.digits) < CODE_DIGITS:
            self.digits += key
        self.error.text = ""
        self.display.text = self._grouped()

    def backspace(self) -> None:
        self.digits = self.digits[:-1]
        self.display.text = self._grouped()

    def confirm(self) -> None:
        if len(self.digits) != CODE_DIGITS:
            self.error.text = t("pickup_code_short")
            return
        self.app.pick_up(code=self.digits)
