"""The few widgets every kiosk screen is built from: big buttons and wrapped text that follow large-type mode.

Each button carries a `tag` (e.g. "category:shebao", "take_number") so tests and screenshots find it
without depending on layout.
"""

from __future__ import annotations

from kivy.app import App
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label

BLUE = (0.09, 0.36, 0.73, 1)
GREEN = (0.13, 0.55, 0.27, 1)
ORANGE = (0.85, 0.45, 0.05, 1)
GREY = (0.35, 0.38, 0.42, 1)
BACKGROUND = (0.95, 0.96, 0.98, 1)
INK = (0.08, 0.1, 0.14, 1)


def scaled(size: float) -> float:
    app = App.get_running_app()
    return size * (app.font_scale if app else 1.0)


class BigButton(Button):
    def __init__(self, text: str, tag: str, on_tap, *, size: float = 44, color=BLUE, **kwargs):  # noqa: ANN001
        super().__init__(text=text, halign="center", valign="middle", background_normal="",
                         background_color=color, color=(1, 1, 1, 1), **kwargs)
        self.tag = tag
        self.base_size = size
        self.font_size = scaled(size)
        self.bind(size=lambda *_: setattr(self, "text_size", (self.width - 20, None)))
        self.bind(on_release=lambda *_: on_tap())


class Text(Label):
    def __init__(self, text: str = "", *, size: float = 36, bold: bool = False, color=INK, halign: str = "center",
                 **kwargs):  # noqa: ANN001
        super().__init__(text=text, bold=bold, color=color, halign=halign, valign="middle", **kwargs)
        self.base_size = size
        self.font_size = scaled(size)
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width - 20, None)))


class Page(BoxLayout):
    """A screen's body: a light background, vertical, with padding."""

    def __init__(self, **kwargs):  # noqa: ANN003
        super().__init__(orientation="vertical", padding=30, spacing=20, **kwargs)
        with self.canvas.before:
            Color(*BACKGROUND)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=lambda *_: setattr(self._bg, "pos", self.pos), size=lambda *_: setattr(self._bg, "size", self.size))


def rescale(root) -> None:  # noqa: ANN001
    """Apply the current large-type setting to every text in a widget tree."""
    for widget in root.walk():
        if hasattr(widget, "base_size"):
            widget.font_size = scaled(widget.base_size)


def find(root, tag: str):  # noqa: ANN001, ANN201
    for widget in root.walk():
        if getattr(widget, "tag", None) == tag:
            return widget
    return None
