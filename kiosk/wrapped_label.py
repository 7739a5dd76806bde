"""A Kivy label that breaks its own lines by the Chinese rules of kiosk/line_breaking.py, for its width and
font: the kiosk's texts and the lobby board's use it."""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel

from kiosk.line_breaking import break_lines


class Wrapped:
    """A label that breaks its own lines by the Chinese rules (kiosk/line_breaking.py) for its width and font:
    whatever is assigned to `text` is kept as `plain_text` and shown with the line breaks put in."""

    plain_text = ""
    _shown = None
    _last: tuple = ()  # ((plain text, room, font size, bold), lines shown): a text set again is not re-measured

    def _start_wrapping(self) -> None:
        self.plain_text = self.text
        self.bind(text=self._rewrap, width=self._rewrap, font_size=self._rewrap)

    def _rewrap(self, *_: object) -> None:
        if self.text != self._shown:  # assigned from outside: the new text to show
            self.plain_text = self.text
        room = self.width - 20
        if room <= 0 or not self.plain_text:
            self._shown = self.text
            return
        key = (self.plain_text, room, self.font_size, self.bold)
        if self._last and self._last[0] == key:
            shown = self._last[1]
        else:
            measure = CoreLabel(font_size=self.font_size, font_name=self.font_name, bold=self.bold)
            shown = "\n".join(break_lines(self.plain_text, lambda line: measure.get_extents(line)[0] <= room))
            self._last = (key, shown)
        self._shown = shown
        if self.text != shown:
            self.text = shown
