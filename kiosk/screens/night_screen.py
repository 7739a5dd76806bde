"""24 小时自助: outside issuing hours — status by QR, book the next open day, read the guides."""

from __future__ import annotations

import datetime as dt

from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREEN, GREY, BigButton, Text
from kiosk.strings import t


class NightScreen(KioskScreen):
    def build(self, **data) -> None:  # noqa: ANN003
        hall = self.app.home_view.hall if self.app.home_view else {}
        zone = hall.get("self_service", {})
        self.page.add_widget(Text(zone.get("name") or t("night_title"), size=60, bold=True, size_hint_y=None, height=120))
        day = hall.get("next_issuing_day") or ""
        self.page.add_widget(Text(t("opens_at", day=day, time=hall.get("issue_from", "")), size=40))
        if zone.get("notice"):
            self.page.add_widget(Text(zone["notice"], size=32))
        menu = GridLayout(cols=1, spacing=24)
        menu.add_widget(BigButton(t("night_status"), "night_status", lambda: self.app.start_scan("status"), size=52))
        menu.add_widget(BigButton(t("night_book"), "night_book", lambda: self.app.go("categories", purpose="book"),
                                  size=52, color=GREEN))
        menu.add_widget(BigButton(t("night_guides"), "night_guides", lambda: self.app.go("categories", purpose="guide"),
                                  size=52, color=GREY))
        self.page.add_widget(menu)


class CategoriesScreen(KioskScreen):
    """The categories again, to book one or to read its guide (24-hour zone)."""

    def build(self, purpose: str, **data) -> None:  # noqa: ANN003
        self.page.add_widget(Text(t("choose_category"), size=48, bold=True, size_hint_y=None, height=110))
        grid = GridLayout(cols=2, spacing=20)
        for choice in self.app.home_view.categories:
            if purpose == "book":
                action = lambda c=choice: self.app.choose_slot(c.id)  # noqa: E731
            else:
                action = lambda c=choice: self.app.go("guide", category=c.id, reading_only=True)  # noqa: E731
            grid.add_widget(BigButton(choice.name, f"category:{choice.id}", action, size=44))
        self.page.add_widget(grid)
        self.page.add_widget(self.bottom(BigButton(t("back"), "back", self.app.go_home, color=GREY, size=40)))


class SlotsScreen(KioskScreen):
    def build(self, category: str, day: str, slots: list, **data) -> None:  # noqa: ANN003
        self.page.add_widget(Text(t("book_choose_slot", day=day), size=44, bold=True, size_hint_y=None, height=100))
        grid = GridLayout(cols=2, spacing=14)
        for slot in slots:
            start = dt.datetime.fromisoformat(slot["start"])
            end = dt.datetime.fromisoformat(slot["end"])
            label = f"{start:%H:%M}–{end:%H:%M}\n" + (t("slot_free", free=slot["free"]) if slot["free"] else t("slot_full"))
            button = BigButton(label, f"slot:{start:%H%M}", lambda s=slot: self.app.book(category, s["start"]), size=34,
                               color=GREEN if slot["free"] else GREY)
            button.disabled = not slot["free"]
            grid.add_widget(button)
        self.page.add_widget(grid)
        self.page.add_widget(self.bottom(BigButton(t("back"), "back", self.app.go_home, color=GREY, size=40)))


class BookedScreen(KioskScreen):
    """The booking made: its QR code on screen (and on the slip printed with it)."""

    def build(self, message: str, qr_png: str, **data) -> None:  # noqa: ANN003
        self.page.add_widget(Text(message, size=40, bold=True))
        self.page.add_widget(Image(source=qr_png, fit_mode="contain"))
        self.page.add_widget(self.bottom(BigButton(t("home"), "home", self.app.go_home, color=GREEN, size=44)))
