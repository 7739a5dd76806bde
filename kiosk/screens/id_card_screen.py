"""身份证: waits for a card on the reader (polled in a worker), or a typed number, or a skip."""

from __future__ import annotations

from kivy.uix.image import Image

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREY, ICONS, BigButton, Text
from kiosk.strings import t


class IdCardScreen(KioskScreen):
    def build(self, category: str, purpose: str = "ticket", slot: str | None = None, failed: bool = False,
              **data) -> None:  # noqa: ANN003
        self.category = category
        self.page.add_widget(Text(t("put_id_card"), size=60, bold=True, size_hint_y=None, height=240))
        self.page.add_widget(Image(source=str(ICONS / "card_reader.png"), fit_mode="contain"))  # where the reader is
        self.status = Text(t("card_failed") if failed else t("waiting_card"), size=36, color=(0.5, 0.1, 0.1, 1) if failed else (0.2, 0.2, 0.2, 1))
        self.page.add_widget(self.status)
        buttons = [BigButton(t("back"), "back", self.app.go_home, color=GREY, size=40),
                   BigButton(t("type_id"), "type_id", lambda: self.app.go("typed_id", category=category, purpose=purpose, slot=slot), size=40)]
        if self.app.allow_skip_id and purpose == "ticket":  # a booking is real-name
            buttons.append(BigButton(t("skip_id"), "skip_id", lambda: self.app.issue(category), size=40, color=GREY))
        self.page.add_widget(self.bottom(*buttons))
