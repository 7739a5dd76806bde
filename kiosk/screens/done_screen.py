"""取号成功: the number huge, people ahead, the estimated wait, what to do, and 请取回身份证 while the card lies on
the reader; home a few seconds after it was taken."""

from __future__ import annotations

from kiosk.journey import TicketOutcome
from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREEN, BigButton, Text
from kiosk.strings import t


class DoneScreen(KioskScreen):
    def build(self, outcome: TicketOutcome, card_used: bool = False, **data) -> None:  # noqa: ANN003
        self.page.add_widget(Text(t("your_number"), size=48))
        self.page.add_widget(Text(outcome.number, size=220, bold=True, color=(0.09, 0.36, 0.73, 1)))
        self.page.add_widget(Text(outcome.category_name, size=56, bold=True))
        if outcome.ahead is not None:
            self.page.add_widget(Text(t("people_ahead", count=outcome.ahead), size=48))
        if not outcome.served_now:
            self.page.add_widget(Text(t("served_when_open"), size=44))
        elif outcome.estimated_wait_min is not None:
            self.page.add_widget(Text(t("estimated_wait", minutes=outcome.estimated_wait_min), size=44))
        color = (0.1, 0.4, 0.1, 1) if outcome.printed else (0.7, 0.1, 0.1, 1)
        self.page.add_widget(Text(outcome.message, size=44, bold=True, color=color))
        self.card_reminder = Text(t("take_card") if card_used else "", size=52, bold=True, color=(0.75, 0.1, 0.1, 1))
        if card_used:
            self.page.add_widget(self.card_reminder)
        self.page.add_widget(self.bottom(BigButton(t("home"), "home", self.app.go_home, color=GREEN, size=48)))

    def card_taken(self) -> None:
        if self.card_reminder.plain_text:
            self.card_reminder.text = t("card_taken")
