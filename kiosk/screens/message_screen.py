"""A message and a way on: refusals (too early, invalid code), out of service (with automatic retry)."""

from __future__ import annotations

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREY, BigButton, Text
from kiosk.strings import t


class MessageScreen(KioskScreen):
    def build(self, title: str = "", message: str = "", walk_in: bool = False, retrying: bool = False,
              **data) -> None:  # noqa: ANN003
        if title:
            self.page.add_widget(Text(title, size=72, bold=True, color=(0.7, 0.1, 0.1, 1)))
        self.page.add_widget(Text(message, size=48))
        if retrying:
            self.page.add_widget(Text(t("retrying"), size=32, color=(0.4, 0.4, 0.4, 1)))
        buttons = [BigButton(t("home"), "home", self.app.go_home, color=GREY, size=44)]
        if walk_in:
            buttons.append(BigButton(t("walk_in"), "walk_in", self.app.go_home, size=44))
        self.page.add_widget(self.bottom(*buttons))
