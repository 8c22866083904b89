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


def _groups(text: str | None) -> str:
    """Digits of the longest run of digit groups (the card number line), ignoring stray marks."""
    runs = [r for line in (text or "").splitlines() for r in re.findall(r"\d[\d ]*\d", line)]
    return max((r.replace(" ", "") for r in runs), key=len, default="")


def read_card_candidates(doc: np.ndarray, max_variants: int = 4) -> list[str]:
    crop, _ = roi(doc, *NUMBER_ROI)
    reads = []
    for i, img in enumerate(_variants(crop)):
        if i >= max_variants:
            break
        img = cv2.copyMakeBorder(img, 12, 12, 12, 12, cv2.BORDER_REPLICATE)
        # psm 6 (a block): the band also holds the VALID THRU line, which derails single-line mode.
        reads.append(_groups(ocr.ocr_text(img, psm=6, whitelist="0123456789 ", timeout=5)))
        if 16 <= len(reads[-1]) <= 19 and luhn_valid(reads[-1]):
            break
    return reads


def check_card_number(doc: np.ndarray) -> CheckResult:
    _, box = roi(doc, *NUMBER_ROI)
    reads = read_card_candidates(doc)
    good = [r for r in reads if 16 <= len(r) <= 19 and luhn_valid(r)]
    if good:
        return CheckResult("card_number_valid", PASS, 0.92, good[0], "银行卡号校验通过（Luhn）", box)
    plausible = Counter(r for r in reads if 16 <= len(r) <= 19).most_common(1)
    if plausible and plausible[0][1] >= 2:
        value = plausible[0][0]
        return CheckResult("card_number_valid", FAIL, 0.8, value, f"银行卡号 {value} 未通过 Luhn 校验，请核对", box)
    value = max(reads, key=len) if reads else None
    return CheckResult("card_number_valid", UNSURE, 0.3, value, "未能可靠识别银行卡号，请人工核对", box)


def orientation_score(doc: np.ndarray) -> int:
    """How card-number-like the number band reads (used to choose between 0 and 180 degrees)."""
    reads = read_card_candidates(doc, max_variants=1)
    r = reads[0] if reads else ""
    return len(r) + (20 if 16 <= len(r) <= 19 and luhn_valid(r) else 0)
