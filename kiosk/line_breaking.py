"""Chinese line breaking (避头尾, no widows) for the kiosk's and the board's texts: pure, given a test of whether a
line fits, so it is the same on every screen size and testable without a window.

The rules: no line starts with closing punctuation (、，。）…), none ends with opening punctuation (（《“…), a
run of Latin letters and digits (A001, 12:30) is never split while it fits on a line, and the last line of a
paragraph never holds one character alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NO_LINE_START = frozenset("、，。．！？；：）》」』”’】〕〉…—%‰℃·,.!?;:)]}")
NO_LINE_END = frozenset("（《「『“‘【〔〈([{")
_UNITS = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._/-]*|\s|.", re.S)


def break_lines(text: str, fits: Callable[[str], bool]) -> list[str]:
    """The lines `text` is shown in; each paragraph (split on newlines) is broken on its own."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _paragraph(_UNITS.findall(paragraph), fits)
    return lines


def _paragraph(units: list[str], fits: Callable[[str], bool]) -> list[str]:
    lines: list[list[str]] = [[]]
    for unit in units:
        line = lines[-1]
        if not line or fits("".join(line) + unit):
            line.append(unit)
            continue
        carried: list[str] = []
        if unit in NO_LINE_START and len(line) > 1:
            carried.append(line.pop())  # the character before the punctuation goes down with it
        while len(line) > 1 and line[-1] in NO_LINE_END:
            carried.insert(0, line.pop())
        lines.append([*carried, unit])
    if len(lines) > 1 and len("".join(lines[-1]).strip()) == 1 and len(lines[-2]) > 2:
        lines[-1].insert(0, lines[-2].pop())  # no widow: one more character joins the last
        while len(lines[-2]) > 1 and lines[-2][-1] in NO_LINE_END:
            lines[-1].insert(0, lines[-2].pop())
    return ["".join(line).strip() for line in lines]
