"""Resident ID numbers as people type them: normalising and validating (GB 11643 via the verifier's helpers)."""
from __future__ import annotations

import datetime as _dt

from verifier.checksums import gb11643_check_char, gb11643_valid, id_birth_date

from .masking import mask_id_number  # the one ID masker, re-exported for older imports

__all__ = ["gb11643_check_char", "gb11643_valid", "id_number_problem", "mask_id_number", "normalise_id_number"]

# Full-width digits and X come from Chinese input methods and Excel exports.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")


def normalise_id_number(raw: object) -> str:
    """Strip spaces, map full-width characters and a lower-case x; Excel numbers lose nothing here."""
    text = str(raw if raw is not None else "").strip().translate(_FULL_WIDTH)
    return text.replace(" ", "").replace("\u3000", "").upper()


def id_number_problem(id_number: str, today: _dt.date | None = None) -> str | None:
    """A Chinese message saying what is wrong with the number, or None when it is valid."""
    if len(id_number) != 18:
        return "身份证号应为18位"
    if not id_number[:17].isdigit() or id_number[17] not in "0123456789X":
        return "身份证号只能包含数字，最后一位可以是X"
    if not gb11643_valid(id_number, today):
        if gb11643_check_char(id_number[:17]) == id_number[17]:
            return "身份证号中的出生日期不正确"
        if id_birth_date(id_number) is None:
            return "身份证号中的出生日期不正确"
        return "身份证号校验位不正确，请核对"
    return None
