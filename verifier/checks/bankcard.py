"""Bank card: read the 16-19 digit card number and verify it with the Luhn check."""
from __future__ import annotations

import re
from collections import Counter

import cv2
import numpy as np

from verifier import ocr
from verifier.checks.common import gray, roi
from verifier.checksums import luhn_valid
from verifier.result import FAIL, PASS, UNSURE, CheckResult

NUMBER_ROI = (0.03, 0.50, 0.99, 0.80)


def _variants(crop: np.ndarray):
    """Embossed digits can be lighter or darker than the card; try both polarities and a top-hat."""
    g = gray(crop)
    g = cv2.resize(g, None, fx=1.2, fy=1.2, interpolation=cv2.INTER_CUBIC)
    clahe = cv2.createCLAHE(clipLimit=2.5, tileGridSize=(2, 8)).apply(g)
    light_digits = float(np.percentile(g, 95)) - float(np.median(g)) > float(np.median(g)) - float(np.percentile(g, 5))
    yield 255 - clahe if light_digits else clahe
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25))
    hat = cv2.morphologyEx(g, cv2.MORPH_TOPHAT if light_digits else cv2.MORPH_BLACKHAT, kernel)
    _, binar = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    yield binar
    yield clahe if light_digits else 255 - clahe
    yield 255 - hat


def candidates(text: str | None) -> list[tuple[str, bool]]:
    """(digits, well_formed) card-number candidates, one line at a time.

    Well formed: 16-19 digits printed in groups of four (the last group may be shorter, or a 6+13 split).
    Otherwise the longest digit run on a line, which catches odd spacing but may hold stray marks.
    """
    out = []
    for line in (text or "").splitlines():
        groups = re.findall(r"\d+", line)
        # The longest well-formed run from each start; a 16-digit prefix of a 19-digit number is not a read.
        formed = [max((_join(groups[i:j]) for j in range(i + 1, len(groups) + 1) if _grouped(groups[i:j])
                       and (j == len(groups) or len(groups[j]) <= 2)),   # a long group after it: misread
                      key=len, default="") for i in range(len(groups))]
        out += [(d, True) for d in formed if d and not any(d != e and d in e for e in formed)]
        runs = [r.replace(" ", "") for r in re.findall(r"\d[\d ]*\d", line)]
        if runs:
            out.append((max(runs, key=len), False))
    return out


def _join(run: list[str]) -> str:
    return "".join(run)


def _grouped(run: list[str]) -> bool:
    if not 16 <= sum(map(len, run)) <= 19:
        return False
    if len(run) == 2 and (len(run[0]), len(run[1])) == (6, 13):
        return True
    return len(run) >= 4 and all(len(g) == 4 for g in run[:-1]) and 1 <= len(run[-1]) <= 4


def read_card_candidates(doc: np.ndarray, max_variants: int = 4) -> list[list[tuple[str, bool]]]:
    """Candidates per preprocessing; stops once a well-formed Luhn-valid number is read."""
    crop, _ = roi(doc, *NUMBER_ROI)
    reads = []
    for i, img in enumerate(_variants(crop)):
        if i >= max_variants:
            break
        img = cv2.copyMakeBorder(img, 12, 12, 12, 12, cv2.BORDER_REPLICATE)
        # psm 6 (a block): the band also holds the VALID THRU line, which derails single-line mode.
        reads.append(candidates(ocr.ocr_text(img, psm=6, whitelist="0123456789 ", timeout=5)))
        if any(ok and luhn_valid(d) for d, ok in reads[-1]):
            break
    return reads


def check_card_number(doc: np.ndarray) -> CheckResult:
    _, box = roi(doc, *NUMBER_ROI)
    reads = read_card_candidates(doc)
    # Votes count preprocessings, not candidates: one noisy read must not outvote a clean one.
    votes = Counter(d for r in reads for d in {d for d, _ in r if 16 <= len(d) <= 19})
    formed = {d for r in reads for d, ok in r if ok}
    good = [d for d in votes if luhn_valid(d) and (d in formed or votes[d] >= 2)]
    if good:
        best = max(good, key=lambda d: (votes[d], d in formed))
        conf = 0.95 if votes[best] >= 2 else 0.9
        return CheckResult("card_number_valid", PASS, conf, best, "银行卡号校验通过（Luhn）", box)
    bad = [d for d in votes if votes[d] >= 2 and d in formed]
    if bad:
        value = max(bad, key=lambda d: votes[d])
        return CheckResult("card_number_valid", FAIL, 0.8, value, f"银行卡号 {value} 未通过 Luhn 校验，请核对", box)
    seen = [d for r in reads for d, _ in r]
    value = max(seen, key=len) if seen else None
    return CheckResult("card_number_valid", UNSURE, 0.3, value, "未能可靠识别银行卡号，请人工核对", box)


def orientation_score(doc: np.ndarray) -> int:
    """How card-number-like the number band reads (used to choose between 0 and 180 degrees)."""
    reads = read_card_candidates(doc, max_variants=1)
    found = reads[0] if reads else []
    if any(ok and luhn_valid(d) for d, ok in found):
        return 20 + max(len(d) for d, _ in found)
    return max((len(d) + 2 * ok for d, ok in found), default=0)
