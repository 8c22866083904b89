"""ID card back: parse 有效期限 (YYYY.MM.DD-YYYY.MM.DD or -长期) and compare the end date with today."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import numpy as np

from verifier import ocr
from verifier.checks import namematch, numberline
from verifier.checks.common import roi, runs, text_variants
from verifier.result import FAIL, PASS, UNSURE, CheckResult

VALIDITY_ROI = (0.18, 0.76, 0.99, 0.97)
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
    """Real cards run 5, 10 or 20 years (or 长期) from the issue date, to the same day."""
    start, end = period
    if end is None:
        return True
    return end.year - start.year in (5, 10, 20) and (end.month, end.day) == (start.month, start.day) \
        or (start.month, start.day) == (2, 29) and end.year - start.year in (5, 10, 20)


def read_periods(doc: np.ndarray, max_variants: int = 3, max_lines: int = 3) -> list[tuple]:
    """Periods read from the text lines of the validity band, lowest first.

    The lowest line is usually 有效期限; with a loose outline it may be the desk or a paper under the card,
    so the next lines up are tried when it gives nothing plausible.
    """
    crop, _ = roi(doc, *VALIDITY_ROI)
    periods = []
    for k, line in enumerate(_lines_bottom_up(crop, doc.shape[0] // 60)[:max_lines]):
        for i, img in enumerate(text_variants(line)):
            if i >= (max_variants if k == 0 else 2):
                break
            period = parse_validity(ocr.ocr_text(img, lang="chi_sim", psm=7, whitelist="0123456789.-长期",
                                                 timeout=5))
            if period:
                periods.append(period)
                if plausible(period):
                    return periods
    return periods


def _lines_bottom_up(crop: np.ndarray, min_height: int) -> list[np.ndarray]:
    """Text-line crops, lowest first; ink is judged against the local background (cards, shadows)."""
    profile = namematch.ink_mask(crop).mean(axis=1)
    on = profile > max(0.01, profile.max() * 0.08)
    lines = [(a, b) for a, b in runs(on) if b - a >= min_height]
    out = []
    for top, bottom in reversed(lines):
        pad = max(4, (bottom - top) // 3)
        out.append(crop[max(0, top - pad):min(crop.shape[0], bottom + pad)])
    return out or [crop]


def period_anywhere(image: np.ndarray, today: dt.date | None = None) -> CheckResult | None:
    """The check from a validity line found anywhere in image (box in its pixels), or None: the fallback
    for a card whose outline was not found. Only a plausible period (5/10/20 years or 长期) is taken."""
    for rect, _ in numberline.line_candidates(image, aspect=(6.0, 30.0)):
        line = numberline.straighten(image, rect)
        for view in (line, line[::-1, ::-1]):
            period = parse_validity(ocr.ocr_text(np.ascontiguousarray(view), lang="chi_sim", psm=7,
                                                 whitelist="0123456789.-长期", timeout=3))
            if period and plausible(period):
                return _verdict(period, 0.85, numberline.line_box(rect), today or dt.date.today())
    return None


def check_validity(doc: np.ndarray, today: dt.date | None = None) -> CheckResult:
    today = today or dt.date.today()
    _, box = roi(doc, *VALIDITY_ROI)
    periods = read_periods(doc)
    good = [p for p in periods if plausible(p)]
    if good:
        period, conf = good[0], 0.92
    elif periods and Counter(periods).most_common(1)[0][1] >= 2:
        period, conf = Counter(periods).most_common(1)[0][0], 0.7
    else:
        return CheckResult("validity_not_expired", UNSURE, 0.3, None, "未能识别有效期限，请人工核对", box)
    return _verdict(period, conf, box, today)


def _verdict(period: tuple, conf: float, box, today: dt.date) -> CheckResult:
    start, end = period
    value = f"{start:%Y.%m.%d}-" + ("长期" if end is None else f"{end:%Y.%m.%d}")
    if end is None or end >= today:
        return CheckResult("validity_not_expired", PASS, conf, value, f"身份证在有效期内（{value}）", box)
    return CheckResult("validity_not_expired", FAIL, conf, value, f"身份证已过期（有效期限 {value}）", box)


def orientation_score(doc: np.ndarray) -> int:
    periods = read_periods(doc, max_variants=1)
    return 2 if periods and plausible(periods[0]) else len(periods)
