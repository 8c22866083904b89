"""Bank card: read the 16-19 digit card number and verify it with the Luhn check."""
from __future__ import annotations

import re
from collections import Counter

import cv2
import numpy as np

from verifier import ocr
from verifier.checks import numberline
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


# The number line found anywhere in the photo: the fallback when the outline missed the card, cut it, or
# took in the desk, so the number is not in NUMBER_ROI of either half turn. Digit groups are found as
# blobs and chained along their common axis (any angle), each chain is straightened and read both ways up.
SEARCH_LONG_SIDE = 800
GROUP_HEIGHT = (6, 60)          # px at the search size
GROUP_ASPECT = (1.0, 12.0)      # one group: 1-4 digits, or the 13 of a 6+13 split
LINE_ASPECT = (8.0, 34.0)       # a whole 16-19 digit line with its group gaps
MAX_LINES = 6
LINE_READ_HEIGHT = 60


def line_candidates(image: np.ndarray) -> list[tuple[tuple, bool]]:
    """(rotated rect in image pixels, light digits) of chains of digit-group blobs, likeliest first."""
    g = gray(image)
    scale = min(1.0, SEARCH_LONG_SIDE / max(g.shape[:2]))
    small = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else g
    found = []
    for light in (True, False):       # embossed digits: silver or white foil, or dark on a light card
        op = cv2.MORPH_TOPHAT if light else cv2.MORPH_BLACKHAT
        for size in (13, 25):
            hat = cv2.morphologyEx(small, op, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
            _, ink = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            ink &= ((hat > 25) * 255).astype(np.uint8)
            for k in (5, 9):
                mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
                found += [(rect, light, score) for rect, score in _chains(_group_blobs(mask))]
    # A chain that stopped short of a group lies inside a longer one; reading it would give a truncated
    # number, which passes Luhn one time in ten. Keep the longest of each set of overlapping chains.
    kept = []
    for rect, light, score in sorted(found, key=lambda t: -t[0][1][0]):
        if not any(_inside(rect, k[0]) for k in kept):
            kept.append((rect, light, score))
    kept.sort(key=lambda t: t[2])
    return [((tuple(c / scale for c in rect[0]), tuple(v / scale for v in rect[1]), rect[2]), light)
            for rect, light, _ in kept[:MAX_LINES]]


def _inside(rect, other) -> bool:
    """rect's centre lies on other's line, within its length."""
    (cx, cy), _, _ = rect
    (ox, oy), (length, h), angle = other
    a = np.deg2rad(angle)
    d = np.array([cx - ox, cy - oy])
    across, along = d @ np.array([-np.sin(a), np.cos(a)]), d @ np.array([np.cos(a), np.sin(a)])
    return abs(across) < 0.6 * h and abs(along) < length / 2


def _group_blobs(mask: np.ndarray) -> list[tuple]:
    """((cx, cy), (long, short), angle of the long side) of blobs shaped like a group of digits."""
    out = []
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in contours:
        if len(c) < 5:
            continue
        (cx, cy), (w, h), angle = cv2.minAreaRect(c)
        long, short = max(w, h), min(w, h)
        if not GROUP_HEIGHT[0] <= short <= GROUP_HEIGHT[1] or not GROUP_ASPECT[0] <= long / short <= GROUP_ASPECT[1]:
            continue
        if cv2.contourArea(c) < 0.4 * long * short:
            continue
        out.append(((cx, cy), (long, short), angle + 90 if w < h else angle))
    return out


def _chains(blobs: list[tuple]) -> list[tuple[tuple, float]]:
    """Rotated rects (long side along the line) of runs of blobs of one height lying on one axis, with a
    score (lower is likelier): a full number is 2-6 groups and about 12-24 times as long as high."""
    out = []
    for (cx, cy), (_, h), angle in blobs:
        a = np.deg2rad(angle)
        along, across = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
        members = []
        for (ox, oy), (ol, oh), oa in blobs:
            d = np.array([ox - cx, oy - cy])
            turn = abs((oa - angle + 90) % 180 - 90)
            if 0.7 * h <= oh <= 1.4 * h and turn < 10 and abs(d @ across) < 0.4 * h:
                members.append((float(d @ along), ol, (ox, oy), (ol, oh), oa))
        members.sort()
        run = [members[0]]
        for m in members[1:]:
            gap = (m[0] - m[1] / 2) - (run[-1][0] + run[-1][1] / 2)
            if gap > 1.8 * h:
                if any(r[0] == 0 for r in run):
                    break
                run = [m]
            else:
                run.append(m)
        if not any(r[0] == 0 for r in run):
            continue
        pts = np.concatenate([cv2.boxPoints((c, (l, hh), aa)) for _, _, c, (l, hh), aa in run])
        (rx, ry), (w, hh), ra = cv2.minAreaRect(pts.astype(np.float32))
        long, short = max(w, hh), min(w, hh)
        if short < 1 or not LINE_ASPECT[0] <= long / short <= LINE_ASPECT[1]:
            continue
        rect = ((rx, ry), (long, short), ra + 90 if w < hh else ra)
        out.append((rect, abs(long / short - 17) / 17 + (0 if 2 <= len(run) <= 6 else 0.5)))
    return out


def _line_views(image: np.ndarray, rect, light: bool):
    """The straightened line with its digits dark, upright and turned half round; first with a short reach
    past the chain's ends, then a long one. A lone last digit (the 1 of 6222 0292 5959 2201 1) is too
    narrow to count as a group blob, and a chain can stop a group short (glare); but the long reach also
    takes in the card edge and the desk, which Tesseract now and then reads as one more digit."""
    for pad_along in (1.6, 4.0):
        line = numberline.straighten(image, rect, height=LINE_READ_HEIGHT, pad_along=pad_along)
        if light:
            line = 255 - line
        yield line
        yield np.ascontiguousarray(line[::-1, ::-1])


def _view_variants(view: np.ndarray):
    yield view
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(1, 8)).apply(view)
    _, otsu = cv2.threshold(cv2.GaussianBlur(clahe, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield otsu
    yield cv2.resize(view, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)


def whole_lines(text: str | None) -> list[str]:
    """Well-formed numbers that are all the digits on their line: '6259 6591 0009 1233 5 59' holds the
    Luhn-valid 62596591000912335, but the line says otherwise."""
    out = []
    for line in (text or "").splitlines():
        digits = re.sub(r"\D", "", line)
        out += [d for d, ok in candidates(line) if ok and d == digits]
    return out


def search_number(image: np.ndarray) -> tuple[str, bool, list[int]] | None:
    """(digits, Luhn valid, axis-aligned box in image pixels) of a card-number line found anywhere, or None.

    Only a well-formed number that is a whole line and that two of three preprocessings of the same view
    read identically is returned: one misread digit must neither pass a bad card nor fail a good one.
    """
    agreed_bad = None
    for rect, light in line_candidates(image):
        for view in _line_views(image, rect, light):
            reads = []
            for img in _view_variants(view):
                reads.append(set(whole_lines(ocr.ocr_text(img, psm=7, whitelist="0123456789 ", timeout=3))))
                if not reads[0]:
                    break                    # not a card number this way up
                votes = Counter(d for r in reads for d in r)
                agreed = [d for d, n in votes.items() if n >= 2]
                if agreed:
                    break
            votes = Counter(d for r in reads for d in r)
            agreed = [d for d, n in votes.most_common() if n >= 2]
            good = [d for d in agreed if luhn_valid(d)]
            if good:
                return good[0], True, numberline.line_box(rect)
            if agreed and agreed_bad is None:
                agreed_bad = (agreed[0], False, numberline.line_box(rect))
    return agreed_bad


def number_anywhere(image: np.ndarray) -> CheckResult | None:
    """card_number_valid from search_number (box in image pixels), or None when no line reads well."""
    found = search_number(image)
    if found is None:
        return None
    value, ok, box = found
    if ok:
        return CheckResult("card_number_valid", PASS, 0.85, value, "银行卡号校验通过（Luhn）", box)
    return CheckResult("card_number_valid", FAIL, 0.75, value, f"银行卡号 {value} 未通过 Luhn 校验，请核对", box)
