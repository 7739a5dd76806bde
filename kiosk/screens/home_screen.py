"""首页: the hall's categories as large buttons with their pictograms, waiting counts and estimated waits; 预约签到."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout

from kiosk.journey import wait_minutes
from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREEN, ICONS, BigButton, Text
from kiosk.strings import t


class HomeScreen(KioskScreen):
    def build(self, **data) -> None:  # noqa: ANN003
        view = self.app.home_view
        if self.app.simulated:
            self.page.add_widget(Text(t("simulated_devices"), size=22, color=(0.6, 0.3, 0, 1), size_hint_y=None, height=40))
        self.page.add_widget(Text(t("choose_category"), size=48, bold=True, size_hint_y=None, height=110))
        grid = GridLayout(cols=2, spacing=20)
        for choice in view.categories if view else []:
            lines = [choice.name, t("waiting", count=choice.waiting)]
            minutes = wait_minutes(choice.estimated_wait_s)
            if not choice.served_now:
                lines.append(t("no_window_now"))  # not a small number: nobody serves it yet
            elif minutes is not None and choice.waiting:
                lines.append(t("wait_about", minutes=minutes))
            grid.add_widget(BigButton("\n".join(lines), f"category:{choice.id}",
                                      lambda c=choice: self.app.choose_category(c.id), size=40,
                                      icon=ICONS / f"{choice.id}.png"))
        self.page.add_widget(grid)
        self.page.add_widget(self.bottom(BigButton(t("check_in"), "check_in", self.app.start_check_in, size=48,
                                                   color=GREEN)))
