"""The base of every kiosk screen: `show(**data)` rebuilds it, and the top bar every screen shares."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.screens.widgets import GREY, ORANGE, BigButton, Page, Text
from kiosk.strings import t


class KioskScreen(Screen):
    def __init__(self, **kwargs):  # noqa: ANN003
        super().__init__(**kwargs)
        self.page = Page()
        self.add_widget(self.page)

    @property
    def app(self):  # noqa: ANN201
        return App.get_running_app()

    def show(self, **data) -> None:  # noqa: ANN003
        self.page.clear_widgets()
        self.page.add_widget(self.top_bar())
        self.warning = Text("", size=40, bold=True, color=(0.75, 0.1, 0.1, 1), size_hint_y=None, height=0)
        self.page.add_widget(self.warning)
        self.build(**data)

    def warn(self, text: str) -> None:
        """A line under the top bar (the idle warning), or none."""
        self.warning.text = text
        self.warning.height = 90 if text else 0

    def build(self, **data) -> None:  # noqa: ANN003
        raise NotImplementedError

    def top_bar(self) -> BoxLayout:
        bar = BoxLayout(size_hint_y=None, height=110, spacing=16)
        name = self.app.hall_name or t("app_title")
        # the bar keeps its size in large-type mode: it has no room to grow, and its buttons are large already
        bar.add_widget(Text(name, size=34, bold=True, halign="left", size_hint_x=0.46, scales=False))
        caller_time = self.app.journey.clock  # the caller's time in the hall's zone, not this machine's
        clock = Text(f"{caller_time.now():%H:%M}", size=34, size_hint_x=0.14, scales=False)
        Clock.schedule_interval(lambda *_: setattr(clock, "text", f"{caller_time.now():%H:%M}"), 10)
        bar.add_widget(clock)
        large = t("normal_type") if self.app.large_type else t("large_type")
        bar.add_widget(BigButton(large, "large_type", self.app.toggle_large_type, size=30, color=GREY, size_hint_x=0.2,
                                 scales=False))
        bar.add_widget(BigButton(t("help"), "help", self.app.request_help, size=30, color=ORANGE, size_hint_x=0.2,
                                 scales=False))
        return bar

    def bottom(self, *buttons) -> BoxLayout:  # noqa: ANN002
        row = BoxLayout(size_hint_y=None, height=140, spacing=20)
        for button in buttons:
            row.add_widget(button)
        return row
