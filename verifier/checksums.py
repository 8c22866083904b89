"""Pure checksum helpers for Chinese resident ID numbers (GB 11643) and bank cards (Luhn)."""
from __future__ import annotations

import datetime as _dt

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def gb11643_check_char(first17: str) -> str:
    """Return the check character ('0'-'9' or 'X') for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("first17 must be 17 digits")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def id_birth_date(id_number: str) -> _dt.date | None:
    """Birth date encoded in an 18-char ID number, or None if it is not a real date."""
    try:
        return _dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None


def gb11643_valid(id_number: str, today: _dt.date | None = None) -> bool:
    """True if id_number is 18 chars, has a correct check char and a plausible birth date."""
    if not isinstance(id_number, str) or len(id_number) != 18:
        return False
    id_number = id_number.upper()
    if not id_number[:17].isdigit() or id_number[17] not in "0123456789X":
        return False
    birth = id_birth_date(id_number)
    today = today or _dt.date.today()
    # A birth date in the future or before 1900 is a misprint or a forgery, not a person.
    if birth is None or birth > today or birth.year < 1900:
        return False
    return gb11643_check_char(id_number[:17]) == id_number[17]


def luhn_valid(digits: str) -> bool:
    """True if digits (only 0-9, at least 2) pass the Luhn mod-10 check."""
    if not isinstance(digits, str) or len(digits) < 2 or not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes payload + digit Luhn-valid (used by the synthetic generator)."""
    for d in "0123456789":
        if luhn_valid(payload + d):
            return d
    raise ValueError("payload must be digits")  # unreachable for digit payloads
