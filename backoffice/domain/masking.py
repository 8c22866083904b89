"""Masking personal data on every screen and in every file, and neutralising spreadsheet formulas (pure).

One rule per kind of value (`KINDS`), and one entry point, `shown(kind, value, unmask)`, that every page, export
and bank file goes through: a view never picks a masker itself and never decides on its own to show a full value.
The columns holding personal data say their kind where they are defined (`info={"pii": kind}` on the model
column); encryption at rest plugs in behind `shown`: it receives the stored value and is the one place that would
turn it into plain text, only when `unmask` is true (the caller has checked the permission and audited it).
"""
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
STAR = "*"


def mask_name(name: str | None) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明: the first and (from 3 characters) the last stay."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + STAR
    return name[0] + STAR * (len(name) - 2) + name[-1]


def mask_id_number(value: str | None) -> str:
    """440106198503120012 → 4401**********0012: the region prefix and the last four stay.

    Anything shorter than a real ID number (15 or 18 characters) is starred whole: a partial read keeps too little
    to hide behind eight visible characters.
    """
    value = (value or "").strip()
    if len(value) < 15:
        return STAR * len(value)
    return value[:4] + STAR * (len(value) - 8) + value[-4:]


def mask_card(value: str | None) -> str:
    """6222021234567890123 → **** **** **** 0123: only the last four digits, and not the length."""
    digits = re.sub(r"[\s-]", "", value or "")
    if len(digits) < 8:
        return STAR * len(digits)
    return f"**** **** **** {digits[-4:]}"


def mask_mobile(value: str | None) -> str:
    """13912345678 → 139****5678."""
    value = (value or "").strip()
    if len(value) < 7:
        return STAR * len(value)
    return value[:3] + STAR * 4 + value[-4:]


MASKERS = {"name": mask_name, "id_number": mask_id_number, "card": mask_card, "mobile": mask_mobile}
KINDS = tuple(MASKERS)

# A run of digits long enough to be an ID number, a card or a mobile (an ID may end in X; cards are often
# grouped by spaces). Dates, amounts and ranks are shorter or separated by other characters.
_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d(?:[ \d]{5,}\d)(?:[Xx](?![0-9A-Za-z]))?(?![0-9])")


def kind_of_number(digits: str) -> str:
    """What a bare number in free text most likely is, by its length and shape."""
    if len(digits) in (15, 18) and digits[:17].isdigit():
        return "id_number"
    if len(digits) == 11 and digits.startswith("1"):
        return "mobile"
    return "card"


def scrub(text: str | None) -> str:
    """Free text (a verifier's explanation, a note) with every embedded ID, card or mobile number masked."""
    def one(match):
        raw = match.group(0)
        digits = raw.replace(" ", "")
        if len(digits) < 7:
            return raw
        return mask(kind_of_number(digits.upper()), digits.upper())
    return _NUMBER_IN_TEXT.sub(one, text or "")


def mask(kind: str, value) -> str:
    """`value` masked as `kind` (one of KINDS; "text" scrubs numbers out of free text)."""
    if kind == "text":
        return scrub(None if value is None else str(value))
    return MASKERS[kind](None if value is None else str(value))


def shown(kind: str | None, value, unmask: bool = False):
    """What a person may read of `value`: itself when `unmask` (permitted and audited by the caller) or when it
    is not personal data (`kind` None), else masked. None and "" stay as they are."""
    if kind is None or value is None or value == "" or unmask:
        return value
    return mask(kind, value)


def neutralise(value):
    """Spreadsheet cells must never run as formulas: text starting with = + - @ tab CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
