"""ID card back: parse 有效期限 (YYYY.MM.DD-YYYY.MM.DD or -长期) and compare the end date with today."""
from __future__ import annotations

import datetime as dt
import itertools
import re

from verifier.reader import Line, quad_box
from verifier.result import FAIL, PASS, UNSURE, CheckResult

_DATE = r"(\d{4})[.,·]?(\d{2})[.,·]?(\d{2})"
PATTERN = re.compile(_DATE + r"\s*-\s*(?:" + _DATE + r"|(长期))")


def parse_validity(text: str | None) -> tuple[dt.date, dt.date | None] | None:
    """(start, end) with end None for 长期; None if no well-formed period is in text."""
    t = (text or "").replace(" ", "")
    for dash in "—–一~～至_":
        t = t.replace(dash, "-")
    t = re.sub(r"长.?期|长", "长期", t) if "长期" not in t else t
    m = PATTERN.search(t)
    if not m:
        return None
    try:
        start = dt.date(int(m[1]), int(m[2]), int(m[3]))
        end = None if m[7] else dt.date(int(m[4]), int(m[5]), int(m[6]))
    except ValueError:
        return None
    return start, end


def plausible(period: tuple[dt.date, dt.date | None]) -> bool:
    """Real cards run 5, 10 or 20 years (or 长期) from the issue date, to the same day: a misread digit in
    either date breaks that, so an implausible period is never taken as read."""
    start, end = period
    if end is None:
        return True
    return end.year - start.year in (5, 10, 20) and (end.month, end.day) == (start.month, start.day) \
        or (start.month, start.day) == (2, 29) and end.year - start.year in (5, 10, 20)


def check_validity(lines: list[Line], today: dt.date | None = None) -> CheckResult:
    today = today or dt.date.today()
    # The period may be read as one line or split after its dash; two neighbouring lines joined catch that.
    texts = [(ln.text, ln) for ln in lines] + [(a.text + b.text, a) for a, b in itertools.pairwise(lines)]
    periods = [(p, ln) for text, ln in texts if (p := parse_validity(text))]
    good = [(p, ln) for p, ln in periods if plausible(p)]
    if not good:
        value = None if not periods else _shown(periods[0][0])
        return CheckResult("validity_not_expired", UNSURE, 0.3, value, "未能可靠识别有效期限，请人工核对", None)
    (start, end), line = good[0]
    value, box = _shown((start, end)), quad_box(line.quad)
    if end is None or end >= today:
        return CheckResult("validity_not_expired", PASS, 0.92, value, f"身份证在有效期内（{value}）", box)
    return CheckResult("validity_not_expired", FAIL, 0.92, value, f"身份证已过期（有效期限 {value}）", box)


def _shown(period: tuple) -> str:
    start, end = period
    return f"{start:%Y.%m.%d}-" + ("长期" if end is None else f"{end:%Y.%m.%d}")
