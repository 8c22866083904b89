"""Unified social credit codes (统一社会信用代码, GB 32100-2015): normalisation and the check character."""

# 31 characters: the ten digits and the capitals without I, O, Z, S, V (too easily misread).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
# Weight of position i is 3**i mod 31 (the standard's table).
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def normalize(raw: str) -> str:
    """Upper-case and drop the blanks and dashes people type or paste around a code."""
    return "".join(raw.split()).replace("-", "").upper()


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (raises ValueError for characters outside the alphabet)."""
    if len(first17) != LENGTH - 1:
        raise ValueError("need 17 characters")
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why `code` (already normalised) is not a valid credit code, in Chinese; None when it is valid."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为 18 位，您输入了 {len(code)} 位。"
    bad = sorted({c for c in code if c not in VALUES})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（代码中不使用 I、O、Z、S、V）。"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为行政区划代码（数字）。"
    if check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对营业执照或登记证书上的代码。"
    return None


def is_valid(code: str) -> bool:
    return problem(normalize(code)) is None
