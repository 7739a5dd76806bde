"""The few widgets every kiosk screen is built from: big buttons and wrapped text that follow large-type mode.

Each button carries a `tag` (e.g. "category:shebao", "take_number") so tests and screenshots find it
without depending on layout.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.image import Image
from kivy.uix.label import Label

from kiosk.wrapped_label import Wrapped

ICONS = Path(__file__).resolve().parents[2] / "assets" / "icons"  # the pictograms the kiosk ships

BLUE = (0.09, 0.36, 0.73, 1)
GREEN = (0.13, 0.55, 0.27, 1)
ORANGE = (0.85, 0.45, 0.05, 1)
GREY = (0.35, 0.38, 0.42, 1)
BACKGROUND = (0.95, 0.96, 0.98, 1)
INK = (0.08, 0.1, 0.14, 1)


def scaled(size: float) -> float:
    app = App.get_running_app()
    return size * (app.font_scale if app else 1.0)


class BigButton(Wrapped, Button):
    """`icon`: a pictogram (assets/icons/) left of the words, which then live in a label inside the button."""

    def __init__(self, text: str, tag: str, on_tap, *, size: float = 44, color=BLUE, scales: bool = True,
                 icon: Path | None = None, **kwargs):  # noqa: ANN001
        with_icon = icon is not None and icon.exists()
        super().__init__(text="" if with_icon else text, halign="center", valign="middle", background_normal="",
                         background_color=color, color=(1, 1, 1, 1), **kwargs)
        self.tag = tag
        if scales:
            self.base_size = size
        self.font_size = scaled(size) if scales else size
        self.bind(size=lambda *_: setattr(self, "text_size", (self.width - 20, None)))
        self.bind(on_release=lambda *_: on_tap())
        self._start_wrapping()
        if with_icon:
            inside = BoxLayout(padding=8, spacing=4)
            inside.add_widget(Image(source=str(icon), size_hint_x=0.24, fit_mode="contain"))
            inside.add_widget(Text(text, size=size, color=(1, 1, 1, 1), scales=scales))
            self.add_widget(inside)
            self.bind(pos=lambda *_: setattr(inside, "pos", self.pos), size=lambda *_: setattr(inside, "size", self.size))


class Text(Wrapped, Label):
    """`scales=False`: keeps its size in large-type mode (the top bar, a text already large)."""

    def __init__(self, text: str = "", *, size: float = 36, bold: bool = False, color=INK, halign: str = "center",
                 scales: bool = True, **kwargs):  # noqa: ANN001
        super().__init__(text=text, bold=bold, color=color, halign=halign, valign="middle", **kwargs)
        if scales:
            self.base_size = size
        self.font_size = scaled(size) if scales else size
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width - 20, None)))
        self._start_wrapping()


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
