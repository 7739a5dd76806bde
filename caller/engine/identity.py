"""Resident ID numbers, names and phone numbers: validation (GB 11643: region, birth date, check digit) and masking
for display, receipts, free text and logs."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# ID numbers (18 characters, and the old 15-digit ones) and phone numbers anywhere in free text
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")
_LANDLINE_IN_TEXT = re.compile(r"(?<![0-9])(0\d{2,3})[- ]?(\d{3,4})[- ]?(\d{4})(?![0-9])")
# the first two digits: a province-level region, Hong Kong / Macao / Taiwan residents (81–83), or a foreigner's
# permanent residence card (9x); 00 and other codes are no region
_REGIONS = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51,
                      52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91, 92, 93})
EARLIEST_BIRTH = dt.date(1900, 1, 1)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL and the like; tab and newlines pass

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


def is_valid_id_number(id_number: str, today: dt.date | None = None) -> bool:
    """Shape, region, birth date (a real day from 1900 to `today`, when given) and check digit of an
    18-character resident ID number."""
    value = id_number.upper()
    if not _ID_SHAPE.match(value) or int(value[:2]) not in _REGIONS or value[2:6] == "0000":
        return False
    birth = birth_date(value)
    if birth is None or birth < EARLIEST_BIRTH or (today is not None and birth > today):
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


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def is_mobile_number(number: str) -> bool:
    """An 11-digit mainland mobile number (1[3-9]…), as an SMS code or a booking names the citizen by."""
    return bool(_MOBILE.match(number))


def mask_phone(number: str) -> str:
    """Keep the first 3 and last 4 digits: 138****5678."""
    digits = re.sub(r"\D", "", number)
    return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:] if len(digits) > 7 else "*" * len(digits)


def mask_text(text: str) -> str:
    """Mask every ID-number-shaped and phone-number-shaped run of characters in free text (a note, a reason, a
    log line with its traceback)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE_IN_TEXT.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)
