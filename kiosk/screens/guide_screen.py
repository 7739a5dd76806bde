"""办事指南: conditions, the materials to bring, time limit, fees, hotline — then 取号."""

from __future__ import annotations

from kivy.uix.scrollview import ScrollView
from kivy.uix.boxlayout import BoxLayout

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREEN, GREY, BigButton, Text
from kiosk.strings import t


class GuideScreen(KioskScreen):
    def build(self, category: str, reading_only: bool = False, **data) -> None:  # noqa: ANN003
        choice = self.app.journey.categories[category]
        guide = choice.guide
        self.page.add_widget(Text(choice.name, size=60, bold=True, size_hint_y=None, height=120))
        body = BoxLayout(orientation="vertical", spacing=12, size_hint_y=None)
        body.bind(minimum_height=body.setter("height"))
        sections = [("guide_conditions", guide.get("conditions")), ("guide_time_limit", guide.get("time_limit")),
                    ("guide_fees", guide.get("fees")), ("guide_hotline", guide.get("hotline"))]
        materials = guide.get("materials") or []
        if materials:
            sections.insert(1, ("guide_materials", "\n".join(f"{i}. {m}" for i, m in enumerate(materials, 1))))
        for key, value in sections:
            if not value:
                continue
            body.add_widget(Text(t(key), size=36, bold=True, halign="left", size_hint_y=None, height=60))
            text = Text(value, size=34, halign="left", size_hint_y=None)
            text.bind(texture_size=lambda w, s: setattr(w, "height", s[1] + 20))
            body.add_widget(text)
        scroll = ScrollView()
        scroll.add_widget(body)
        self.page.add_widget(scroll)
        buttons = [BigButton(t("back"), "back", self.app.go_home, color=GREY, size=44)]
        if not reading_only:
            buttons.append(BigButton(t("take_number"), "take_number", lambda: self.app.take_number(category), size=56,
                                     color=GREEN))
        self.page.add_widget(self.bottom(*buttons))
