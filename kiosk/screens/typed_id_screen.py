"""手动输入身份证号: a large keypad with a backspace; the number shown grouped 6-8-4 as on the card; the check digit
is verified before anything is issued, and a wrong number comes back as typed, to be corrected."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREEN, GREY, BigButton, Text
from kiosk.strings import t


class TypedIdScreen(KioskScreen):
    def build(self, category: str, error: str = "", digits: str = "", purpose: str = "ticket",
              slot: str | None = None, **data) -> None:  # noqa: ANN003
        self.category, self.purpose, self.slot = category, purpose, slot
        self.digits = ""
        self.page.add_widget(Text(t("type_id"), size=48, bold=True, size_hint_y=None, height=100, scales=False))
        self.display = Text("", size=64, bold=True, size_hint_y=None, height=120, scales=False)  # large already
        self.page.add_widget(self.display)
        self.error = Text(error, size=32, color=(0.7, 0.1, 0.1, 1), size_hint_y=None, height=60)
        self.page.add_widget(self.error)
        pad = GridLayout(cols=3, spacing=16)
        for key in "123456789X0":
            pad.add_widget(BigButton(key, f"key:{key}", lambda k=key: self.press(k), size=64))
        pad.add_widget(BigButton(t("backspace"), "backspace", self.backspace, size=40, color=GREY))
        self.page.add_widget(pad)
        self.page.add_widget(self.bottom(BigButton(t("back"), "back", self.app.go_home, color=GREY, size=40),
                                         BigButton(t("clear"), "clear", self.clear, size=40, color=GREY),
                                         BigButton(t("confirm"), "confirm", self.confirm, color=GREEN, size=48)))
        for key in digits[:18]:
            self.press(key)

    def press(self, key: str) -> None:
        if len(self.digits) < 18:
            self.digits += key
        self._show()

    def backspace(self) -> None:
        self.digits = self.digits[:-1]
        self.error.text = ""
        self._show()

    def _show(self) -> None:
        # grouped 6-8-4 (region, birth date, sequence and check) as on the card; the citizen's own screen, never logged
        d = self.digits
        self.display.text = " ".join(part for part in (d[:6], d[6:14], d[14:]) if part)

    def clear(self) -> None:
        self.digits = ""
        self.display.text = ""
        self.error.text = ""

    def confirm(self) -> None:
        self.app.with_id(self.category, self.purpose, self.slot, typed_id=self.digits)
