"""ID card front: read the 18-char number and the name, and verify them against the expected values."""
from __future__ import annotations

from collections import Counter

import numpy as np

from verifier import ocr
from verifier.checks.common import cjk_only, id_chars, roi, text_variants
from verifier.checksums import gb11643_valid
from verifier.result import FAIL, PASS, UNSURE, CheckResult

# Fractions of the 85.6 x 54 mm card: the number sits bottom right of the label 公民身份号码.
NUMBER_ROI = (0.30, 0.78, 0.99, 0.97)
NAME_ROI = (0.16, 0.08, 0.62, 0.25)


def number_roi(doc: np.ndarray):
    return roi(doc, *NUMBER_ROI)


def read_number_candidates(doc: np.ndarray, expected: str | None, max_variants: int = 4) -> list[str]:
    """ID-number reads from successive preprocessings; stops early once the expected number is seen."""
    crop, _ = number_roi(doc)
    reads = []
    for i, img in enumerate(text_variants(crop)):
        if i >= max_variants:
            break
        text = ocr.ocr_text(img, psm=7, whitelist="0123456789X", timeout=5)
        reads.append(id_chars(text))
        if expected and expected in reads[-1]:
            break
    return reads


def number_windows(reads: list[str]) -> list[str]:
    """Every 18-char window of every read: stray digits from the label must not spoil a good read."""
    out = []
    for r in reads:
        out += [r[i:i + 18] for i in range(max(0, len(r) - 17))] if len(r) >= 18 else []
    return out


def check_id_number(doc: np.ndarray, expected: str | None, today=None) -> list[CheckResult]:
    expected = (expected or "").upper() or None
    _, box = number_roi(doc)
    reads = read_number_candidates(doc, expected)
    windows = number_windows(reads)
    if expected and expected in windows:
        return [_valid(expected, gb11643_valid(expected, today), box, 0.95),
                CheckResult("id_number_match", PASS, 0.95, expected, "证件号码与名单一致", box)]
    valid = [w for w in windows if gb11643_valid(w, today)]
    agreed = _agreed(reads)
    if valid:
        best = Counter(valid).most_common(1)[0]
        conf = 0.9 if best[1] >= 2 or len(reads) == 1 else 0.75
        return [_valid(best[0], True, box, conf), _match(best[0], expected, box, conf)]
    if agreed:
        # Several preprocessings agree on an 18-char number that fails the check digit: a printed error.
        return [_valid(agreed, False, box, 0.8), _match(agreed, expected, box, 0.8)]
    shown = max(reads, key=len) if reads else None
    return [CheckResult("id_number_valid", UNSURE, 0.3, shown, "未能可靠识别证件号码，请人工核对", box),
            CheckResult("id_number_match", UNSURE, 0.3, shown, "未能可靠识别证件号码，请人工核对", box)]


def _agreed(reads: list[str]) -> str | None:
    counts = Counter(r for r in reads if len(r) == 18)
    if counts:
        value, n = counts.most_common(1)[0]
        if n >= 2:
            return value
    return None


def _valid(value: str, ok: bool, box, conf: float) -> CheckResult:
    detail = "证件号码校验通过（GB 11643 校验码与出生日期有效）" if ok else "证件号码校验失败：校验码或出生日期无效"
    return CheckResult("id_number_valid", PASS if ok else FAIL, conf, value, detail, box)


def _match(value: str, expected: str | None, box, conf: float) -> CheckResult:
    if not expected:
        return CheckResult("id_number_match", UNSURE, 0.0, value, "名单中无证件号码，无法比对", box)
    if value == expected:
        return CheckResult("id_number_match", PASS, conf, value, "证件号码与名单一致", box)
    diff = f"{sum(a != b for a, b in zip(value, expected))} 位不同" if len(value) == len(expected) else "号码不同"
    return CheckResult("id_number_match", FAIL, conf, value,
                       f"证件号码与名单不一致（{diff}）：识别为 {value}，名单为 {expected}", box)


def check_name(doc: np.ndarray, expected: str | None) -> CheckResult:
    crop, box = roi(doc, *NAME_ROI)
    return match_name_in_roi(crop, box, expected)


def match_name_in_roi(crop: np.ndarray, box, expected: str | None, psm: int = 7) -> CheckResult:
    """Compare the expected name with a few reads of the ROI; pass only on an exact hit."""
    expected = cjk_only(expected)
    reads = []
    for i, img in enumerate(text_variants(crop)):
        if i >= 3:
            break
        reads.append(cjk_only(ocr.ocr_text(img, lang="chi_sim", psm=psm, timeout=5)))
        if expected and expected in reads[-1]:
            return CheckResult("name_match", PASS, 0.93, expected, "姓名与名单一致", box)
    read = Counter(r for r in reads if r).most_common(1)
    if not expected:
        return CheckResult("name_match", UNSURE, 0.0, read[0][0] if read else None, "名单中无姓名，无法比对", box)
    # Fail only when independent reads agree on a different name of the same length; Tesseract's
    # chi_sim often garbles one rare character, which must not look like a different person.
    if read and read[0][1] >= 2 and len(read[0][0]) == len(expected):
        value = read[0][0]
        return CheckResult("name_match", FAIL, 0.8, value, f"姓名与名单不一致：识别为 {value}，名单为 {expected}", box)
    value = read[0][0] if read else None
    return CheckResult("name_match", UNSURE, 0.3, value, "未能可靠识别姓名，请人工核对", box)
