"""Resident ID numbers and names: validation (GB 11643 check digit) and masking for display, receipts and logs."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# 18-character ID numbers anywhere in free text (for masking logs)
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def birth_date(id_number: str) -> dt.date | None:
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years from `birth` to `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_valid_id_number(id_number: str) -> bool:
    """Shape, birth date and check digit of an 18-character resident ID number."""
    value = id_number.upper()
    if not _ID_SHAPE.match(value):
        return False
    if birth_date(value) is None:
        return False
    return check_digit(value[:17]) == value[17]


def mask_id_number(id_number: str) -> str:
    """Keep the first 4 and last 4 characters: 1101**********123X."""
    value = id_number.strip().upper()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


NAME_MAX_CHARS = 64  # the API's limit and the stored masked name's column: room for long transliterated names


def mask_name(name: str) -> str:
    """Keep the surname only: 张三丰 → 张**; a one-character name is fully masked."""
    value = name.strip()
    if len(value) <= 1:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 1)


def mask_text(text: str) -> str:
    """Mask every ID-number-shaped run of characters in free text."""
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
