"""Draws the kiosk's pictograms (assets/icons/*.png): one per category of the sample hall, and where the ID card
reader is. Simple white line drawings on transparent ground, for the kiosk's blue buttons; a hall replaces any
file with its own artwork of the same name.

    .venv/bin/python assets/draw_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
W = 14  # stroke width
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent / "icons"


def canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    return image, ImageDraw.Draw(image)


def person(d: ImageDraw.ImageDraw, x: int, y: int, scale: float = 1.0) -> None:
    r = int(28 * scale)
    d.ellipse((x - r, y - r, x + r, y + r), outline=WHITE, width=W)
    d.arc((x - 2 * r, y + r + 8, x + 2 * r, y + 5 * r), 180, 360, fill=WHITE, width=W)


def shebao(d):  # 社保: people
    person(d, 90, 80)
    person(d, 170, 80)
    d.line((40, 220, 216, 220), fill=WHITE, width=W)


def yibao(d):  # 医保: the medical cross in a shield
    d.rounded_rectangle((40, 40, 216, 216), 30, outline=WHITE, width=W)
    d.rectangle((108, 70, 148, 186), fill=WHITE)
    d.rectangle((70, 108, 186, 148), fill=WHITE)


def minzheng(d):  # 民政: a heart held by a hand
    d.ellipse((52, 44, 132, 124), fill=WHITE)
    d.ellipse((124, 44, 204, 124), fill=WHITE)
    d.polygon([(56, 100), (200, 100), (128, 176)], fill=WHITE)
    d.arc((30, 150, 226, 250), 200, 340, fill=WHITE, width=W)


def tuiyi(d):  # 退役军人: a star medal on a ribbon
    d.polygon([(80, 20), (110, 20), (128, 80), (146, 20), (176, 20), (150, 100), (106, 100)], fill=WHITE)
    import math

    cx, cy, outer, inner = 128, 165, 70, 30
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        radius = outer if i % 2 == 0 else inner
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    d.polygon(points, outline=WHITE, width=W // 2)


def budongchan(d):  # 不动产: a house
    d.polygon([(128, 30), (230, 120), (26, 120)], outline=WHITE, width=W)
    d.rectangle((56, 118, 200, 226), outline=WHITE, width=W)
    d.rectangle((108, 160, 148, 226), fill=WHITE)


def qiye(d):  # 企业登记: an office building
    d.rectangle((60, 30, 196, 226), outline=WHITE, width=W)
    for row in range(4):
        for col in range(2):
            x, y = 88 + col * 52, 56 + row * 40
            d.rectangle((x, y, x + 28, y + 20), fill=WHITE)


def gongzhang(d):  # 公章刻制: a stamp
    d.rounded_rectangle((98, 24, 158, 120), 20, outline=WHITE, width=W)
    d.rectangle((50, 120, 206, 170), outline=WHITE, width=W)
    d.line((40, 214, 216, 214), fill=WHITE, width=W)


def zonghe(d):  # 综合: one window for all, a grid of four
    for x, y in ((40, 40), (140, 40), (40, 140), (140, 140)):
        d.rounded_rectangle((x, y, x + 76, y + 76), 14, outline=WHITE, width=W)


def zixun(d):  # 咨询·找茬: a speech bubble with a question mark
    d.rounded_rectangle((30, 40, 226, 180), 36, outline=WHITE, width=W)
    d.polygon([(70, 176), (110, 176), (60, 226)], fill=WHITE)
    d.arc((96, 60, 160, 120), 180, 450, fill=WHITE, width=W)
    d.line((128, 120, 128, 138), fill=WHITE, width=W)
    d.ellipse((120, 150, 136, 166), fill=WHITE)


def daiban(d):  # 帮办代办: a hand held out under a person
    person(d, 128, 64, 0.8)
    d.line((36, 186, 96, 186), fill=WHITE, width=W)
    d.arc((60, 150, 220, 230), 200, 360, fill=WHITE, width=W)
    d.line((96, 186, 150, 170), fill=WHITE, width=W)


def chujian(d):  # 统一出件: a certificate with a tick, handed over
    d.rounded_rectangle((52, 26, 204, 206), 12, outline=WHITE, width=W)
    d.line((82, 66, 174, 66), fill=WHITE, width=W)
    d.line((82, 100, 150, 100), fill=WHITE, width=W)
    d.line((92, 150, 118, 176), fill=WHITE, width=W)
    d.line((118, 176, 168, 126), fill=WHITE, width=W)
    d.line((30, 232, 226, 232), fill=WHITE, width=W)


def card_reader() -> Image.Image:
    """Where to put the card: the kiosk's screen above, the reader below it, the card going down onto it."""
    ink = (24, 92, 186, 255)
    image = Image.new("RGBA", (SIZE * 2, SIZE * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.rounded_rectangle((96, 20, 416, 250), 18, outline=ink, width=W)  # the screen
    d.rounded_rectangle((150, 330, 362, 420), 14, fill=(255, 196, 0, 255), outline=ink, width=W)  # the reader
    d.rounded_rectangle((190, 270, 322, 330), 10, fill=ink)  # the card, placed on it
    d.polygon([(256, 256), (226, 226), (286, 226)], fill=ink)  # down
    d.line((40, 470, 472, 470), fill=ink, width=W)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for draw in (shebao, yibao, minzheng, tuiyi, budongchan, qiye, gongzhang, zonghe, zixun, daiban, chujian):
        image, d = canvas()
        draw(d)
        image.save(OUT / f"{draw.__name__}.png")
    card_reader().save(OUT / "card_reader.png")
    print(f"icons in {OUT}")


if __name__ == "__main__":
    main()
