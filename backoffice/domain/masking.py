"""Masking personal data for public pages and exports, and neutralising spreadsheet formulas (pure)."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def mask_name(name: str | None) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明: the first and (from 3 characters) the last stay."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(value: str | None) -> str:
    """440106198503120012 → 4401**********0012 (the region prefix and the last four stay)."""
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_card(value: str | None) -> str:
    """A bank card keeps its last four digits."""
    digits = (value or "").replace(" ", "")
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_mobile(value: str | None) -> str:
    value = (value or "").strip()
    return value[:3] + "****" + value[7:] if len(value) >= 8 else "*" * len(value)


MASKERS = {"name": mask_name, "id_number": mask_id_number, "card": mask_card, "mobile": mask_mobile}


def neutralise(value):
    """Spreadsheet cells must never run as formulas: text starting with = + - @ tab CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
