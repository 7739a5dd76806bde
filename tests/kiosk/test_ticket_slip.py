"""The number slip's bytes, parsed back: Chinese text, the big number, the QR code, both paper widths."""

import datetime as dt

import numpy as np
import pytest
import zxingcpp
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from kiosk.hardware.ticket_slip import COLUMNS, Slip, render, width_of
from tests.kiosk.escpos_reader import read

SLIP = Slip(
    "示例县政务服务中心", "B012", "医保", dt.datetime(2026, 11, 23, 9, 1), 5, 12,
    ("居民身份证原件", "医保卡或医保电子凭证", "报销业务需提供发票及费用清单（原件，加盖医院公章）"),
    "http://127.0.0.1:8300/t/Xy12", "张**", "预约",
)


@pytest.mark.parametrize("paper", [58, 80])
def test_the_slip_reads_back_as_its_chinese_text_within_the_paper_width(paper):
    printed = read(render(SLIP, paper))
    text = printed.text
    for expected in ("示例县政务服务中心", "B012", "医保（预约）", "取号时间：2026-11-23 09:01", "前面还有：5 人",
                     "预计等待：约 12 分钟", "办事人：张**", "1. 居民身份证原件", "扫码查看排队进度"):
        assert expected in text, expected
    assert all(width_of(line) <= COLUMNS[paper] for line in printed.lines)
    assert ("B012", 4 if paper == 80 else 3, 4 if paper == 80 else 3) in printed.magnified
    assert printed.cuts == 1 and "?" not in text
    (qr,) = printed.images
    (decoded,) = zxingcpp.read_barcodes(np.array(qr.convert("L")))
    assert decoded.text == SLIP.status_url


def test_yuan_and_full_width_punctuation_survive():
    slip = Slip("大厅", "A001", "综合", SLIP.issued_at, 0, 0, ("工本费 ¥10，现场缴纳！",))
    assert "工本费 ￥10，现场缴纳！" in read(render(slip, 58)).text


def test_text_mode_is_far_smaller_than_the_slip_as_one_image():
    """Why GB18030 text and not a rendered image: measure the bytes each sends for the same 58 mm slip."""
    text_bytes = len(render(Slip(**{**SLIP.__dict__, "status_url": None}), 58))
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 24)
    lines = read(render(Slip(**{**SLIP.__dict__, "status_url": None}), 58)).lines
    image = Image.new("1", (384, 30 * len(lines)), 1)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((0, row * 30), line, font=font, fill=0)
    as_image = Dummy(profile="POS-5890")
    as_image.image(image)
    print(f"58 mm slip without QR: {text_bytes} bytes as text, {len(as_image.output)} as one image")
    assert text_bytes * 5 < len(as_image.output), (text_bytes, len(as_image.output))


def test_an_unknown_paper_width_is_refused():
    with pytest.raises(ValueError):
        render(SLIP, 76)


def test_control_characters_in_a_name_or_any_text_never_reach_the_printer():
    # a card's name whose first character (kept when masked) is ESC, a DLE in the hall name, a BEL in a line
    slip = Slip("大厅\x10", "A001", "综合", SLIP.issued_at, 0, 0, ("材料\x07",), masked_name="\x1b@*", lines=("补\x1b打",))
    data = render(slip, 58)
    printed = read(data)  # the reader refuses any command a slip does not use
    assert "办事人：@*" in printed.text and "补打" in printed.text and "材料" in printed.text
    for segment in data.split(b"\x1c&")[1:]:
        assert all(byte >= 0x20 for byte in segment.split(b"\x1c.")[0]), segment
