"""Bank card numbers as applicants type them: the Luhn check digit and the masked display (pure)."""
from .payments import card_valid, normalise_card


def luhn_ok(digits: str) -> bool:
    """The ISO/IEC 7812 check digit every UnionPay debit card carries (catches one typo or a swap)."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def problem(card: str | None) -> str | None:
    """What is wrong with a typed card number (Chinese), or None when it can be stored."""
    clean = normalise_card(card)
    if not clean:
        return "请填写银行卡号。"
    if not card_valid(clean):
        return "银行卡号应为 12 到 19 位数字（可含空格）。"
    if not luhn_ok(clean):
        return "银行卡号校验不通过，请逐位核对卡面号码。"
    return None


def masked(card: str | None) -> str:
    """6222021234567890123 → **** **** **** 0123: only the last four digits are ever shown."""
    clean = normalise_card(card)
    return f"**** **** **** {clean[-4:]}" if len(clean) >= 4 else ""
