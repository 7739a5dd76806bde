"""手动输入身份证号: a large keypad; the check digit is verified before anything is issued."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREEN, GREY, BigButton, Text
from kiosk.strings import t


class TypedIdScreen(KioskScreen):
    def build(self, category: str, error: str = "", **data) -> None:  # noqa: ANN003
        self.category = category
        self.digits = ""
        self.page.add_widget(Text(t("type_id"), size=48, bold=True, size_hint_y=None, height=100))
        self.display = Text("", size=64, bold=True, size_hint_y=None, height=120)
        self.page.add_widget(self.display)
        self.error = Text(error, size=32, color=(0.7, 0.1, 0.1, 1), size_hint_y=None, height=60)
        self.page.add_widget(self.error)
        pad = GridLayout(cols=3, spacing=16)
        for key in "123456789X0":
            pad.add_widget(BigButton(key, f"key:{key}", lambda k=key: self.press(k), size=64))
        pad.add_widget(BigButton(t("clear"), "clear", self.clear, size=40, color=GREY))
        self.page.add_widget(pad)
        self.page.add_widget(self.bottom(BigButton(t("back"), "back", self.app.go_home, color=GREY, size=40),
                                         BigButton(t("confirm"), "confirm", self.confirm, color=GREEN, size=48)))

    def press(self, key: str) -> None:
        if len(self.digits) < 18:
            self.digits += key
        # shown in groups, as on the card; it is the citizen's own screen, and it is never logged
        self.display.text = " ".join(self.digits[i : i + 6] for i in range(0, len(self.digits), 6))

    def clear(self) -> None:
        self.digits = ""
        self.display.text = ""
        self.error.text = ""

    def confirm(self) -> None:
        self.app.issue(self.category, typed_id=self.digits)
