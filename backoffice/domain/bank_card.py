"""Bank card numbers as applicants type them: the Luhn check digit and the masked display (pure)."""
from verifier.checksums import luhn_check_digit, luhn_valid as luhn_ok  # noqa: F401  (one Luhn for the project)

from .masking import mask_card as masked  # noqa: F401  (the one card masker, under its older name here)
from .payments import card_valid, normalise_card


def demo_card_number(n: int) -> str:
    """A made-up but Luhn-valid 19-digit UnionPay-style number for demo and load data."""
    body = f"622202020{n:09d}"
    return body + luhn_check_digit(body)


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
