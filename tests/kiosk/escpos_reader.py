"""Reads ESC/POS bytes back: the text lines (GB18030 inside FS & … FS .), raster images, size and cut.

A test helper: it knows only the commands our slips use and fails on anything else, so an unexpected
byte in a slip is a test failure, not silently skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ONE_ARG = {b"\x1bE", b"\x1ba", b"\x1bd", b"\x1bt", b"\x1b-", b"\x1bM", b"\x1b!", b"\x1bG", b"\x1d!", b"\x1dB"}


@dataclass
class Printed:
    lines: list[str] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    magnified: list[tuple[str, int, int]] = field(default_factory=list)  # (text, width, height) when not 1×1
    cuts: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read(data: bytes) -> Printed:
    out = Printed()
    line, chinese, size = bytearray(), False, (1, 1)
    i = 0

    def flush_line() -> None:
        text = line.decode("gb18030")
        out.lines.append(text)
        if size != (1, 1) and text:
            out.magnified.append((text, *size))
        line.clear()

    while i < len(data):
        two = data[i : i + 2]
        if data[i] == 0x0A:
            flush_line()
            i += 1
        elif two == b"\x1c&":
            chinese, i = True, i + 2
        elif two == b"\x1c.":
            chinese, i = False, i + 2
        elif two == b"\x1b@":
            i += 2
        elif two in ONE_ARG:
            if two == b"\x1d!":
                n = data[i + 2]
                size = ((n >> 4) + 1, (n & 0x0F) + 1)
            i += 3
        elif two == b"\x1dV":
            out.cuts += 1
            i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
        elif data[i : i + 3] == b"\x1dv0":
            x_bytes = data[i + 4] + 256 * data[i + 5]
            height = data[i + 6] + 256 * data[i + 7]
            raster = data[i + 8 : i + 8 + x_bytes * height]
            out.images.append(Image.frombytes("1", (x_bytes * 8, height), raster).point(lambda v: 255 - v))
            i += 8 + x_bytes * height
        elif data[i] >= 0x20 and (chinese or data[i] < 0x80):
            line.append(data[i])
            i += 1
        else:
            raise AssertionError(f"unexpected byte {data[i]:#04x} at {i}: {data[i:i + 8]!r}")
    if line:
        flush_line()
    return out
