"""ID card front: read the 18-char number and the name, and verify them against the expected values."""
from __future__ import annotations

import itertools
from collections import Counter

import cv2
import numpy as np

from verifier import ocr
from verifier.checks import namematch, numberline, photo
from verifier.checks.common import cjk_only, flatten, gray, id_chars, ink_columns, pad, roi, text_variants
from verifier.checksums import gb11643_valid
from verifier.result import FAIL, PASS, UNSURE, CheckResult

# Fractions of the 85.6 x 54 mm card: the number sits bottom right of the label 公民身份号码.
NUMBER_ROI = (0.30, 0.78, 0.99, 0.97)
NAME_ROI = (0.16, 0.08, 0.62, 0.25)
WIDE_NUMBER_ROI = (0.28, 0.66, 1.0, 1.0)


PORTRAIT_ROI = (0.55, 0.05, 0.98, 0.80)


def face_side(doc: np.ndarray) -> bool | None:
    """True if the portrait is where an upright card has it, False if it is there after a half turn."""
    here = bool(photo.find_faces(roi(doc, *PORTRAIT_ROI)[0]))
    turned = bool(photo.find_faces(roi(doc[::-1, ::-1], *PORTRAIT_ROI)[0]))
    # A face both ways means one is a false hit (print, a cartoonish portrait): let the number decide.
    return here if here != turned else None


def number_roi(doc: np.ndarray):
    return roi(doc, *NUMBER_ROI)


def read_number_candidates(doc: np.ndarray, expected: str | None, max_variants: int = 4) -> list[str]:
    """ID-number reads from successive preprocessings; stops early once the expected number is seen."""
    crop, _ = number_roi(doc)
    reads = []
    for i, img in enumerate(itertools.chain(text_variants(crop), _line_variants(doc))):
        if i >= max_variants + (2 if max_variants > 1 else 0):
            break
        text = ocr.ocr_text(img, psm=7, whitelist="0123456789X", timeout=5)
        reads.append(id_chars(text))
        if expected and expected in reads[-1] or i + 1 >= max_variants and _settled(reads):
            break
    return reads


def _settled(reads: list[str]) -> bool:
    return any(gb11643_valid(w) for w in number_windows(reads)) or _agreed(reads) is not None


def _line_variants(doc: np.ndarray):
    """The number line found by its ink in a wider band: rescues crops cut by an imprecise outline."""
    crop, _ = roi(doc, *WIDE_NUMBER_ROI)
    flat = flatten(crop)
    ink = namematch.ink_mask(flat)
    line = namematch.glyph_line(ink)
    if line is None or line[1] - line[0] < 10:
        return
    pad_y = (line[1] - line[0]) // 2
    band = flat[max(0, line[0] - pad_y):line[1] + pad_y]
    x0, x1 = ink_columns(band)
    band = band[:, x0:x1]
    yield pad(band)
    _, otsu = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield pad(otsu)


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


def number_results(found: tuple, expected: str | None, today=None) -> list[CheckResult]:
    """Both number checks from a numberline.find_number hit (boxes in the searched image's pixels).

    find_number only returns an exact read of the expected number or a GB 11643-valid read, so a loose
    search cannot turn a near-miss into a pass: a near-miss reads as itself or not at all.
    """
    expected = (expected or "").upper() or None
    value, box, _ = found
    return [_valid(value, gb11643_valid(value, today), box, 0.85), _match(value, expected, box, 0.85)]


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
    result = match_name_in_roi(crop, box, expected)
    if result.status != UNSURE or not cjk_only(expected):
        return result
    # A loose outline shifts the name out of its usual band: look a little lower and higher. Only a
    # pass counts there; a shifted band may hold the 性别 line, which must not be read as another name.
    for dy in (0.07, -0.06, 0.13):
        x0, y0, x1, y1 = NAME_ROI
        crop, box = roi(doc, x0, max(0.0, y0 + dy), x1, min(1.0, y1 + dy))
        shifted = match_name_in_roi(crop, box, expected)
        if shifted.status == PASS:
            return shifted
    return result


# The grey search for the name on a flattened card: the region around the name field (fractions of the card)
# and the em sizes tried (fractions of the card width; the name is printed about 4 mm high on 85.6 mm).
NAME_GREY_ROI = (0.10, 0.03, 0.66, 0.30)
NAME_GREY_EM = (0.03, 0.065)
# ID cards print their label 姓名 smaller than the name: its end before the name is looked for at these
# shares of the name's size.
LABEL_TAIL = "名"
LABEL_SCALES = (1.0, 0.8, 0.65)


def check_name_grey(doc: np.ndarray, expected: str | None) -> CheckResult | None:
    """A pass where the whole expected name, rendered and blurred like the card, is found in the name field
    and verified character by character (namematch.verify_strip: nothing but the end of the label before
    it, nothing after it); else None. For a clear name Tesseract misreads (吕 as 旦) and whose ink cells
    do not split cleanly."""
    expected = cjk_only(expected)
    if not 2 <= len(expected or "") <= 4:
        return None
    crop, box = roi(doc, *NAME_GREY_ROI)
    dark = namematch.darkness(crop)
    w = doc.shape[1]
    for _, x, y, em in namematch.locate_name(dark, expected, (w * NAME_GREY_EM[0], w * NAME_GREY_EM[1])):
        verdict, detail = namematch.verify_strip(dark, expected, x, y, em, "", LABEL_TAIL, LABEL_SCALES)
        if verdict == "same":
            found = [box[0] + int(x), box[1] + int(y), int(em * len(expected)), int(em)]
            return CheckResult("name_match", PASS, 0.8, expected, f"姓名与名单一致（整行比对：{detail}）", found)
    return None


# Where the name line lies in the number line's frame (line lengths from its centre, y down): 0.75-0.9
# lengths above it, starting 0.7-0.85 lengths left of its centre, depending on the number's typeface.
NAME_FROM_NUMBER = (-1.0, -1.2, -0.05, -0.5)
NUMBER_LENGTH = 700      # the region is scaled so that the name is about 40 px high


def check_name_from_number(image: np.ndarray, rect, expected: str | None) -> CheckResult | None:
    """A name pass found relative to the number line (for cards whose outline was not found), else None.

    Each text line of the region is tried; only a pass is taken, since the region also holds the 性别 line.
    """
    if not cjk_only(expected):
        return None
    fx0, fy0, fx1, fy1 = NAME_FROM_NUMBER
    region = numberline.region_from_line(image, rect, fx0, fy0, fx1, fy1)
    s = NUMBER_LENGTH / max(rect[1][0], 1)
    region = cv2.resize(region, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    for top, bottom in _name_windows(namematch.text_rows(region, min_height=20)[:6], region.shape[0]):
        box = numberline.region_box(rect, fx0, fy0 + top / NUMBER_LENGTH, fx1, fy0 + bottom / NUMBER_LENGTH)
        result = match_name_in_roi(region[top:bottom], box, expected)
        if result.status == PASS:
            return result
    return None


NAME_HEIGHT = 40         # the name's ink height in the region scaled to NUMBER_LENGTH


def _name_windows(rows, height: int):
    """Crops to try for each text row, padded. A row much taller than a name line is the name merged with
    the card's tilted edge or the desk above it: windows of one line's height from its bottom up follow."""
    for top, bottom in rows:
        pad = max(10, (bottom - top) * 2 // 3)
        yield max(0, top - pad), min(height, bottom + pad)
        if bottom - top > 1.75 * NAME_HEIGHT:
            for end in range(bottom, top + NAME_HEIGHT, -NAME_HEIGHT * 3 // 8)[:4]:
                yield max(0, end - NAME_HEIGHT * 11 // 8), min(height, end + 12)


def match_name_in_roi(crop: np.ndarray, box, expected: str | None, psm: int = 7) -> CheckResult:
    """Pass on an exact read or when every character cell verifies; fail only on visible evidence."""
    expected = cjk_only(expected)
    read = cjk_only(ocr.ocr_text(pad(gray(crop)), lang="chi_sim", psm=psm, timeout=5))
    if not expected:
        return CheckResult("name_match", UNSURE, 0.0, read or None, "名单中无姓名，无法比对", box)
    if read == expected or read in ("姓名" + expected, "名" + expected):
        # The printed label 姓名 slips into the crop when the outline is loose.
        return CheckResult("name_match", PASS, 0.93, expected, "姓名与名单一致", box)
    span = name_span(crop)
    if span is None:
        return CheckResult("name_match", UNSURE, 0.2, read or None, "未找到姓名文字，请人工核对", box)
    band, x0, x1 = span
    verdict, detail = namematch.verify_name_span(band, x0, x1, expected, read)
    return name_result(verdict, detail, expected, read, box)


def name_span(crop: np.ndarray):
    """(ink band of the name line, first column, last column) or None."""
    ink = namematch.ink_mask(crop)
    line = namematch.main_line(ink)
    if line is None or line[1] - line[0] < 8:
        return None
    if line[0] <= 1 or line[1] >= ink.shape[0] - 1:
        return None                   # the name is cut by the crop (loose outline): no evidence either way
    band = ink[line[0]:line[1]]
    h = band.shape[0]
    runs = namematch.column_runs(band, max(2, int(0.6 * h)))
    if not runs:
        return None
    x0, x1 = max(runs, key=lambda r: r[1] - r[0])
    return band, x0, x1


def name_result(verdict: str, detail: str, expected: str, read: str, box) -> CheckResult:
    if verdict == "same":
        return CheckResult("name_match", PASS, 0.85, expected, "姓名与名单一致（逐字比对）", box)
    if verdict == "differs":
        value = read or None
        return CheckResult("name_match", FAIL, 0.75, value,
                           f"姓名与名单 {expected} 不一致（识别为 {read or '?'}；{detail}）", box)
    return CheckResult("name_match", UNSURE, 0.3, read or None, f"未能可靠比对姓名，请人工核对（{detail}）", box)
