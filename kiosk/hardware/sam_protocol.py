"""The resident ID card reader's SAM frame protocol (GA 467): framing, resync, and the card's base info.

Frames: preamble AA AA AA 96 69, a 2-byte big-endian length (of what follows it, checksum included),
the payload, and an XOR checksum over the length and payload. A request's payload is a command and a
parameter byte; an answer's is three status bytes (00 00 SW3) and data. No I/O here: the reader driver
feeds bytes in and writes what `request` returns.
"""

from __future__ import annotations

import datetime as dt
import struct
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

from caller.engine.identity import age_on, mask_id_number, mask_name

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MAX_LENGTH = 4096  # a base-info answer is 1288; anything much larger is noise
HEADER = len(PREAMBLE) + 2


FIND_CARD = b"\x20\x01"
SELECT_CARD = b"\x20\x02"
READ_BASE_INFO = b"\x30\x01"


class Status(IntEnum):
    OK = 0x90
    CARD_FOUND = 0x9F
    NO_CARD = 0x80
    READ_FAILED = 0x41
    SELECT_FAILED = 0x81
    CHECKSUM_ERROR = 0x10
    UNKNOWN_COMMAND = 0x21


def checksum(body: bytes) -> int:
    value = 0
    for byte in body:
        value ^= byte
    return value


def frame(payload: bytes) -> bytes:
    """Wrap a payload (request: command + parameter; answer: 00 00 SW3 + data) into one frame."""
    body = struct.pack(">H", len(payload) + 1) + payload
    return PREAMBLE + body + bytes([checksum(body)])


def request(command: bytes) -> bytes:
    return frame(command)


def answer(status: int, data: bytes = b"") -> bytes:
    return frame(b"\x00\x00" + bytes([status]) + data)


class FrameParser:
    """Fed any bytes, yields whole, checked payloads; skips noise and torn or corrupt frames (resync).

    A torn frame is never glued to the next one: a frame whose checksum fails is dropped and the search
    for the next preamble starts one byte after the bad one's start, so a real frame inside it is found.
    """

    def __init__(self, max_buffer: int = 16 * 1024):
        self.buffer = bytearray()
        self.max_buffer = max_buffer

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.buffer += data
        while True:
            start = self.buffer.find(PREAMBLE)
            if start < 0:
                keep = len(PREAMBLE) - 1  # a preamble may be split across reads
                self._drop(max(0, len(self.buffer) - keep))
                return
            self._drop(start)
            verdict = self._frame_at(0)
            if verdict == "wait":
                # a torn frame waits for bytes that will never come: if a whole frame follows it, take that
                later = self._next_whole_frame()
                if later is None:
                    if len(self.buffer) > self.max_buffer:
                        self._drop(1)
                        continue
                    return
                self._drop(later)
                continue
            if verdict == "bad":
                self._drop(1)
                continue
            end = verdict
            payload = bytes(self.buffer[HEADER : end - 1])
            del self.buffer[:end]
            yield payload

    def _frame_at(self, pos: int) -> int | str:
        """The end of a whole, checked frame starting at `pos`; "wait" if incomplete; "bad" if not a frame."""
        if len(self.buffer) < pos + HEADER:
            return "wait"
        (length,) = struct.unpack(">H", self.buffer[pos + len(PREAMBLE) : pos + HEADER])
        if length < 2 or length > MAX_LENGTH:
            return "bad"
        end = pos + HEADER + length
        if len(self.buffer) < end:
            return "wait"
        body = bytes(self.buffer[pos + len(PREAMBLE) : end - 1])
        return end if checksum(body) == self.buffer[end - 1] else "bad"

    def _next_whole_frame(self) -> int | None:
        pos = self.buffer.find(PREAMBLE, 1)
        while pos >= 0:
            if isinstance(self._frame_at(pos), int):
                return pos
            pos = self.buffer.find(PREAMBLE, pos + 1)
        return None

    def reset(self) -> None:
        self._drop(len(self.buffer))

    def _drop(self, count: int) -> None:
        if count:
            del self.buffer[:count]


def status_of(payload: bytes) -> tuple[int, bytes]:
    """An answer payload's SW3 and data."""
    if len(payload) < 3:
        raise ValueError("an answer carries three status bytes")
    return payload[2], payload[3:]


# ---- the card's base info: 256 bytes of UCS-2LE text, then the photo (not kept)

FIELDS = (("name", 30), ("sex", 2), ("nation", 4), ("birth", 16), ("address", 70), ("id_number", 36),
          ("authority", 30), ("valid_from", 16), ("valid_to", 16))
TEXT_BYTES = 256
SEXES = {"1": "男", "2": "女"}


@dataclass(frozen=True)
class IdentityCard:
    """What the kiosk keeps of a card: it never logs or shows these in full (see `__repr__`)."""

    name: str
    sex: str
    birth: dt.date
    id_number: str
    valid_to: dt.date | None  # None: 长期 (no end)

    def __repr__(self) -> str:
        return f"IdentityCard({mask_name(self.name)}, {mask_id_number(self.id_number)})"

    __str__ = __repr__

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth, day)


class BadCardData(ValueError):
    pass


def _date(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def parse_base_info(data: bytes) -> IdentityCard:
    """Data of a READ_BASE_INFO answer: text length (2), photo length (2), text, photo."""
    if len(data) < 4:
        raise BadCardData("base info too short")
    text_len, _photo_len = struct.unpack(">HH", data[:4])
    text = data[4 : 4 + text_len]
    if text_len < TEXT_BYTES or len(text) < TEXT_BYTES:
        raise BadCardData("base info text incomplete")
    fields: dict[str, str] = {}
    offset = 0
    try:
        for name, size in FIELDS:
            raw = text[offset : offset + size].decode("utf-16-le")
            # no control character goes on from a card (an ESC in a name would be a printer command)
            fields[name] = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C").strip()
            offset += size
        valid_to = fields["valid_to"]
        return IdentityCard(
            name=fields["name"],
            sex=SEXES.get(fields["sex"], fields["sex"]),
            birth=_date(fields["birth"]),
            id_number=fields["id_number"].upper(),
            valid_to=None if valid_to.startswith("长期") else _date(valid_to),
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadCardData(f"base info unreadable: {type(exc).__name__}") from None


def encode_base_info(name: str, sex: str, birth: dt.date, id_number: str, valid_to: dt.date | None,
                     nation: str = "01", address: str = "", authority: str = "",
                     valid_from: dt.date | None = None) -> bytes:
    """The data a reader answers READ_BASE_INFO with, for the simulated reader and tests."""
    code = {v: k for k, v in SEXES.items()}.get(sex, sex)
    values = {
        "name": name, "sex": code, "nation": nation, "birth": f"{birth:%Y%m%d}", "address": address,
        "id_number": id_number, "authority": authority,
        "valid_from": f"{valid_from or birth:%Y%m%d}", "valid_to": "长期" if valid_to is None else f"{valid_to:%Y%m%d}",
    }
    text = b""
    for field, size in FIELDS:
        raw = values[field].encode("utf-16-le")[:size]
        text += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    text += b"\x00" * (TEXT_BYTES - len(text))
    photo = bytes(1024)
    return struct.pack(">HH", len(text), len(photo)) + text + photo
