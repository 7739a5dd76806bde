"""The paper number slip (号票) as ESC/POS bytes, rendered on python-escpos's Dummy printer.

Chinese is sent as GB18030 text inside Chinese mode (`FS &` … `FS .`), which every Chinese thermal
printer understands: a 58 mm slip is about 1.5 KB of text plus the QR raster, where the same slip as one
raster image is over 20 KB and prints visibly slower on a serial printer (tests/kiosk/test_ticket_slip.py
measures both). The QR code goes as an image (`GS v 0`), which cheap printers without a QR engine print
too. The big number uses `GS !` character magnification.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from escpos.printer import Dummy

FS_CHINESE_ON = b"\x1c\x26"
FS_CHINESE_OFF = b"\x1c\x2e"
COLUMNS = {58: 32, 80: 48}  # font A, 12 dots wide: 384 and 576 printable dots
QR_SIZE = {58: 6, 80: 8}
PROFILE = {58: "POS-5890", 80: "TM-T20II"}  # python-escpos profiles with 384 and 576 dots: images fit the paper


@dataclass(frozen=True)
class Slip:
    hall_name: str
    number: str
    category_name: str
    issued_at: dt.datetime  # local time of the hall
    ahead: int | None
    estimated_wait_min: int | None
    materials: tuple[str, ...] = ()
    status_url: str | None = None
    masked_name: str | None = None
    priority_name: str | None = None  # e.g. 预约 / 绿色通道
    notice: str = "请留意叫号；过号请到服务台"
    lines: tuple[str, ...] = field(default=())  # extra lines, e.g. a reprint mark
    served_now: bool = True  # false: no open window serves it yet, so no wait is printed


def width_of(text: str) -> int:
    """Printer columns a text takes: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if width_of(current + ch) > columns:
            lines.append(current)
            current = ""
        current += ch
    if current or not lines:
        lines.append(current)
    return lines


def printable(text: str) -> str:
    """The text without control characters: an ESC or DLE in a card's name (its first character is kept when
    masked) or anywhere else would be a printer command."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def _chinese(printer: Dummy, text: str) -> None:
    # python-escpos would send "?" for lone full-width punctuation and 4 bytes for ¥: encode ourselves
    text = printable(text).replace("¥", "￥")
    printer._raw(FS_CHINESE_ON + text.encode("gb18030", errors="replace") + FS_CHINESE_OFF)


def _line(printer: Dummy, text: str = "") -> None:
    _chinese(printer, text)
    printer._raw(b"\n")


def _magnify(printer: Dummy, width: int, height: int) -> None:
    printer._raw(b"\x1d\x21" + bytes([((width - 1) << 4) | (height - 1)]))


def _start(hall_name: str, paper_mm: int) -> tuple[Dummy, int]:
    """A slip begun: the printer reset and the hall's name centred; the columns of its paper."""
    if paper_mm not in COLUMNS:
        raise ValueError(f"paper width {paper_mm} mm: use 58 or 80")
    columns = COLUMNS[paper_mm]
    p = Dummy(profile=PROFILE[paper_mm])
    p.hw("INIT")
    p.set(align="center")
    for part in wrap(hall_name, columns):
        _line(p, part)
    return p, columns


def _materials(p: Dummy, materials: tuple[str, ...], columns: int) -> None:
    if materials:
        _line(p, "请备齐以下材料：")
        for index, item in enumerate(materials, 1):
            for part in wrap(f"{index}. {item}", columns):
                _line(p, part)


def _finish(p: Dummy, notice: str, columns: int) -> bytes:
    p.set(align="center")
    for part in wrap(notice, columns):
        _line(p, part)
    p._raw(b"\n\n\n")
    p._raw(b"\x1dV\x42\x00")  # GS V B 0: feed to the cutter and cut (printers without one ignore it)
    return p.output


def render(slip: Slip, paper_mm: int = 80) -> bytes:
    p, columns = _start(slip.hall_name, paper_mm)
    p.set(align="center", bold=True)
    big = 4 if paper_mm == 80 else 3
    _magnify(p, big, big)
    _line(p, slip.number)
    _magnify(p, 2, 2)
    _line(p, slip.category_name + (f"（{slip.priority_name}）" if slip.priority_name else ""))
    _magnify(p, 1, 1)
    p.set(align="left", bold=False)
    _line(p, "-" * columns)
    _line(p, f"取号时间：{slip.issued_at:%Y-%m-%d %H:%M}")
    if slip.ahead is not None:
        _line(p, f"前面还有：{slip.ahead} 人")
    if not slip.served_now:
        _line(p, "预计等待：暂无窗口办理，窗口开放后依次叫号")
    elif slip.estimated_wait_min is not None:
        _line(p, f"预计等待：约 {slip.estimated_wait_min} 分钟")
    if slip.masked_name:
        _line(p, f"办事人：{slip.masked_name}")
    _materials(p, slip.materials, columns)
    for extra in slip.lines:
        for part in wrap(extra, columns):
            _line(p, part)
    _line(p, "-" * columns)
    if slip.status_url:
        p.set(align="center")
        p.qr(slip.status_url, native=False, size=QR_SIZE[paper_mm])  # centred by ESC a
        _line(p, "扫码查看排队进度、办事评价")
    return _finish(p, slip.notice, columns)


@dataclass(frozen=True)
class BookingSlip:
    """预约凭证: printed with a booking made at the kiosk (24-hour zone), its QR code checked in on the day."""

    hall_name: str
    category_name: str
    slot_start: dt.datetime  # local time of the hall
    slot_end: dt.datetime
    code: str  # what the QR code holds
    masked_id: str | None = None
    materials: tuple[str, ...] = ()
    notice: str = "请在预约时段前 30 分钟内到自助机扫码签到取号"


def render_booking(slip: BookingSlip, paper_mm: int = 80) -> bytes:
    p, columns = _start(slip.hall_name, paper_mm)
    p.set(align="center", bold=True)
    _magnify(p, 2, 2)
    _line(p, "预约凭证")
    _line(p, slip.category_name)
    _magnify(p, 1, 1)
    p.set(align="left", bold=False)
    _line(p, "-" * columns)
    _line(p, f"预约时段：{slip.slot_start:%Y-%m-%d %H:%M}–{slip.slot_end:%H:%M}")
    if slip.masked_id:
        _line(p, f"预约人：{slip.masked_id}")
    _materials(p, slip.materials, columns)
    _line(p, "-" * columns)
    p.set(align="center")
    p.qr(slip.code, native=False, size=QR_SIZE[paper_mm])
    return _finish(p, slip.notice, columns)


def test_page(hall_name: str, paper_mm: int = 80) -> bytes:
    """The installer's self-test slip: Chinese text, the big number, a QR code and the cut."""
    now = dt.datetime.now()
    return render(
        Slip(hall_name, "A000", "打印测试", now, 0, 0, ("中文：政务服务“一窗受理”", "符号：，。！？￥（）"),
             "https://example.invalid/ticket/test", notice="打印机自检页：以上内容清晰即为正常"),
        paper_mm,
    )
