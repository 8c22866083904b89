"""Bank card: read the 16-19 digit card number and verify it with the Luhn check."""
from __future__ import annotations

import itertools
import re
from collections import Counter

import cv2
import numpy as np

from verifier import ocr
from verifier.checks import emboss, numberline
from verifier.checks.common import gray, roi
from verifier.checksums import luhn_valid
from verifier.result import FAIL, PASS, UNSURE, CheckResult

NUMBER_ROI = (0.03, 0.50, 0.99, 0.80)
EMBOSS_DIGIT_SHARE = 0.28       # digit height / NUMBER_ROI height on a flattened card
TRUSTED_VARIANTS = 4            # _variants: polarities and top-hats, then colour distance, flattened,
PLAIN_VARIANTS = 9              # colour again and two hue axes (two of these read alike pass), then relief
DEEP_ORIENTATION_VIEWS = 4      # _variants after the first that deep_orientation_score reads
RELIEF_CONTEST_DIGITS = 3       # see _relief_contested
POLARITY_TWINS = {2: 0}         # _variants index -> the index it repeats in the other polarity


def _variants(crop: np.ndarray):
    """Embossed digits can be lighter or darker than the card; try both polarities and a top-hat. Each
    view with its digits dark has dotted zeros cleared (see undotted)."""
    g = gray(crop)
    g = cv2.resize(g, None, fx=1.2, fy=1.2, interpolation=cv2.INTER_CUBIC)
    digit = EMBOSS_DIGIT_SHARE * g.shape[0]
    clahe = cv2.createCLAHE(clipLimit=2.5, tileGridSize=(2, 8)).apply(g)
    light_digits = float(np.percentile(g, 95)) - float(np.median(g)) > float(np.median(g)) - float(np.percentile(g, 5))
    yield undotted(255 - clahe if light_digits else clahe, digit)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25))
    hat = cv2.morphologyEx(g, cv2.MORPH_TOPHAT if light_digits else cv2.MORPH_BLACKHAT, kernel)
    _, binar = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    yield undotted(binar, digit)
    yield clahe if light_digits else 255 - clahe
    yield undotted(255 - hat, digit)
    # (TRUSTED_VARIANTS end here.) Colour and brightness relative to the card around the digits: white
    # foil on a pale card differs in hue more than in brightness, and a strong gradient or shadow across
    # the card (a grey scan of a two-tone card) defeats the global thresholds above.
    big = cv2.resize(crop, None, fx=1.2, fy=1.2, interpolation=cv2.INTER_CUBIC)
    yield undotted(_colour_distance(big, digit), digit)
    yield undotted(_flattened(g, digit), digit)
    # The colour distance again at another size and background scale: a second, differently wrong look.
    yield undotted(_colour_distance(cv2.resize(crop, None, fx=0.9, fy=0.9, interpolation=cv2.INTER_AREA),
                                    1.5 * digit * 0.75), 0.75 * digit)
    # Foil with a dark drop shadow on a tinted card: the distance above mixes the foil's hue with the
    # shadow's darkness, and both colour views misread the same digit alike; the foil's hue alone, along
    # CIELAB's red-green and yellow-blue axes, keeps the shadow out.
    lab = cv2.cvtColor(big if big.ndim == 3 else cv2.cvtColor(big, cv2.COLOR_GRAY2BGR), cv2.COLOR_BGR2LAB)
    for axis in (1, 2):
        yield undotted(_hue_axis(lab[..., axis], digit), digit)
    # Raised digits without foil are the card's colour, seen only by their lit and shadowed edges
    # (PLAIN_VARIANTS come before these; a relief read must be confirmed by a second read).
    yield from _relief_variants(g, digit)


def _colour_distance(crop: np.ndarray, digit: float) -> np.ndarray:
    """Dark where the colour (CIELAB) departs from the card's local colour: digits and their edges."""
    if crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    lab = cv2.cvtColor(crop, cv2.COLOR_BGR2LAB).astype(np.float32)
    d = np.linalg.norm(lab - cv2.GaussianBlur(lab, (0, 0), digit), axis=2)
    return np.clip(255 - 255 * d / (np.percentile(d, 99) + 1e-6), 0, 255).astype(np.uint8)


def _hue_axis(channel: np.ndarray, digit: float) -> np.ndarray:
    """A colour axis minus its smooth background across the card (a gradient, the logo), in units of its
    spread, with its sparse tail, the digits, dark."""
    f = channel.astype(np.float32)
    d = f - cv2.GaussianBlur(f, (0, 0), 1.5 * digit)
    if float(((d - d.mean()) ** 3).mean()) > 0:
        d = -d
    return np.clip(200 + 60 * d / (float(d.std()) + 1e-6), 0, 255).astype(np.uint8)


def _flattened(g: np.ndarray, digit: float) -> np.ndarray:
    """Printed digits dark on an even light ground: local deviation from the card, in local contrast
    units; digits are the sparse tail, which settles their polarity."""
    d = emboss.deviation(g, digit)
    c = d - d.mean()
    if float((c ** 3).mean()) > 0:
        d = -d
    return np.clip(200 + 60 * d, 0, 255).astype(np.uint8)


def _relief_variants(g: np.ndarray, digit: float):
    """Height maps of embossed digits (see emboss): at 3/4 scale, lightly regularised (also binarised)
    and more smoothly, then at full scale. RELIEF_SOURCES says which count as one source when voting."""
    small = cv2.resize(g, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    sharp, smooth = (undotted(v, 0.75 * digit) for v in emboss.relief_views(small, 0.75 * digit, (0.01, 0.05)))
    yield sharp
    yield cv2.threshold(sharp, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    yield smooth
    yield from (undotted(v, digit) for v in emboss.relief_views(g, digit, (0.01,)))


def undotted(img: np.ndarray, digit: float) -> np.ndarray:
    """Dark digits on light with the dot inside a zero's counter removed: embossing faces (DejaVu Sans
    Mono) dot their zeros, and Tesseract reads a dotted zero as 9 or 8 about as often as 0. A dot is a
    small dark blob alone in a small enclosed hole, or a faint smudge there too light to threshold (a
    blurred foil dot); the counters of 6, 8 and 9 hold no ink. (Light digits on dark, the card mostly ink,
    are left alone: there the counters are what lies inside the holes.)"""
    t, ink = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if cv2.countNonZero(ink) > ink.size / 2:
        return img
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return img
    out = img
    for i, (_, _, child, parent) in enumerate(hierarchy[0]):
        if parent < 0 or hierarchy[0][parent][3] >= 0:
            continue                 # not a hole of an ink blob
        _, _, w, h = cv2.boundingRect(contours[i])
        if max(w, h) >= digit or cv2.contourArea(contours[i]) >= 0.5 * digit * digit:
            continue                 # not a digit's counter
        dotted = child >= 0
        if dotted and any(max(cv2.boundingRect(contours[c])[2:]) >= 0.3 * digit
                          for c in _children(hierarchy[0], child)):
            continue                 # a glyph inside (outlined digits: the face between two outlines)
        out = _cleared(out, contours[i], t, dotted, digit)
    return out


def _children(hierarchy: np.ndarray, first: int):
    """The contour first and its siblings: the contours inside one hole."""
    while first >= 0:
        yield first
        first = hierarchy[first][0]


def _cleared(img: np.ndarray, hole, t: float, dotted: bool, digit: float) -> np.ndarray:
    """img with a dotted zero's counter painted over in its own light colour. Painting only the dot's
    thresholded outline leaves its blurred rim, and a faint ring or speck inside the zero reads as 6 or 8;
    the counter up to a pixel from the zero's stroke holds nothing else (the stroke itself stays). A
    counter with no thresholded dot (a height map renders a foil dot as a faint slash) is painted only
    when it is a zero's: tall (over half a digit; the loops of 6, 8 and 9 are under that, and the face
    between the two outlines of an outlined digit, whole digit high, over it) and narrow,
    with a tenth or more of its middle darker than halfway from its light colour to the threshold (the
    rim of any counter is shaded by the stroke's blur, so only the middle counts)."""
    x, y, w, h = cv2.boundingRect(hole)
    x0, y0 = max(0, x - 2), max(0, y - 2)        # the counter's own box: holes are many, images large
    box = img[y0:y + h + 2, x0:x + w + 2]
    counter = cv2.drawContours(np.zeros(box.shape, np.uint8), [hole - (x0, y0)], -1, 255, thickness=cv2.FILLED)
    inner = cv2.erode(counter, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    if cv2.countNonZero(inner) < 4:
        return img
    light = float(np.percentile(box[counter > 0], 90))
    if not dotted:
        middle = cv2.ellipse(np.zeros(box.shape, np.uint8), (x - x0 + w // 2, y - y0 + h // 2),
                             (max(1, w // 5), max(1, h // 5)), 0, 0, 360, 255, thickness=cv2.FILLED) & inner
        if not 0.5 * digit <= h <= 0.75 * digit or w > 0.6 * h or cv2.countNonZero(middle) < 4 \
                or float(np.mean(box[middle > 0] <= (light + t) / 2)) < 0.1:
            return img
    img = img.copy()
    img[y0:y0 + box.shape[0], x0:x0 + box.shape[1]][inner > 0] = light
    return img


# A height map and its binarisation misread alike, so they are one vote; the other two are one each.
RELIEF_SOURCES = ((0, 1), (2,), (3,))


def _relief_votes(relief: list) -> tuple[Counter, set]:
    """(votes by source, well-formed numbers) of relief reads (lists of (digits, formed) or sets of
    whole-line numbers), in _relief_variants order."""
    votes, formed = Counter(), set()
    for source in RELIEF_SOURCES:
        found = [c for i in source if i < len(relief) for c in relief[i]]
        pairs = [c if isinstance(c, tuple) else (c, True) for c in found]
        votes.update({d for d, _ in pairs if 16 <= len(d) <= 19})
        formed |= {d for d, ok in pairs if ok}
    return votes, formed


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
    if len(run) == 2 and len(run[0]) == 6 and 10 <= len(run[1]) <= 13:
        return True           # 6-digit issuer prefix, then the account: 6+10 .. 6+13
    return len(run) >= 4 and all(len(g) == 4 for g in run[:-1]) and 1 <= len(run[-1]) <= 4


def read_card_candidates(doc: np.ndarray, max_variants: int = PLAIN_VARIANTS + 4,
                         relief_quorum: int = 2) -> list[list[tuple]]:
    """Candidates per preprocessing; stops once a number passes (see _passing)."""
    crop, _ = roi(doc, *NUMBER_ROI)
    reads = []
    for i, img in enumerate(_variants(crop)):
        if i >= max_variants:
            break
        reads.append(candidates(_read_band(img)))
        if _passing(reads, relief_quorum):
            break
        printed = _printed(reads) if len(reads) == PLAIN_VARIANTS else set()
        if printed and not _may_lack_digit(printed):
            break                    # the digits read as print: the relief maps are not for this card
    return reads


def _votes(reads: list) -> Counter:
    """Votes count sources, not candidates: one noisy read must not outvote a clean one. The two
    polarities of the CLAHE view are one source: Tesseract binarises both alike and repeats its misread."""
    sources: dict[int, set] = {}
    for i, r in enumerate(reads):
        sources.setdefault(POLARITY_TWINS.get(i, i), set()).update(d for d, _ in r if 16 <= len(d) <= 19)
    return Counter(d for s in sources.values() for d in s)


def _formed(reads: list) -> set[str]:
    """The well-formed numbers among reads (lists of candidates)."""
    return {d for r in reads for d, ok in r if ok}


def _printed(reads: list) -> set[str]:
    """Well-formed numbers two plain preprocessings read alike: the digits are legible as print."""
    plain = _votes(reads[:PLAIN_VARIANTS])
    return {d for r in reads[:PLAIN_VARIANTS] for d, ok in r if ok and plain[d] >= 2}


def _may_lack_digit(printed: set[str]) -> bool:
    """An agreed printed number fails Luhn and has room for one more digit: see _digit_dropped."""
    return any(len(p) < 19 and not luhn_valid(p) for p in printed)


def _digit_dropped(printed: set[str], relief: set[str]) -> set[str]:
    """The relief numbers that are a printed (agreed, Luhn-failing) number with one digit put back.

    Raised digits under blur can read as print with a narrow digit lost at a group gap (621695 0568...
    read 621695 568...): the relief maps then read it whole. Only that repair may overrule the plain
    agreement; a relief read that changes a printed digit is no better than noise."""
    return {r for r in relief for p in printed if not luhn_valid(p) and _one_digit_more(r, p)}


def _one_digit_more(longer: str, shorter: str) -> bool:
    """longer is shorter with one digit put in somewhere."""
    return len(longer) == len(shorter) + 1 and any(longer[:i] + longer[i + 1:] == shorter
                                                   for i in range(len(longer)))


def _passing(reads: list, relief_quorum: int = 2) -> list[str]:
    """Luhn-valid numbers read alike by two plain preprocessings and well formed in one of them. A single
    read never passes: one misread digit of a card that fails Luhn passes it one time in ten; and a run
    of digits that is not grouped like a card number (6220 5277 507 6727 127) is a misread however often
    it repeats.

    Relief height maps count only when the plain reads did not agree on a well-formed number (on printed
    or foiled digits the maps are no better than noise; see _digit_dropped for the one exception), and
    then a number must be well formed and read by two of their sources, or by one and a plain read: their
    misreads repeat across regularisations, and a number a digit short or off still passes Luhn one time
    in ten. (relief_quorum: how many reads that takes; a second look asks for more.)"""
    plain = _votes(reads[:PLAIN_VARIANTS])
    formed_plain = _formed(reads[:PLAIN_VARIANTS])
    good = [d for d in plain if luhn_valid(d) and d in formed_plain and plain[d] >= 2
            and not (plain[d] == 2 and _contested(d, formed_plain))]
    printed = _printed(reads)
    if good or (printed and not _may_lack_digit(printed)):
        return sorted(good)
    votes, formed = _relief_votes(reads[PLAIN_VARIANTS:])
    votes += plain                   # a plain read and a relief read that agree are two reads too
    formed |= formed_plain
    relief = {d for d in formed if luhn_valid(d) and votes[d] >= relief_quorum
              and not (votes[d] < 3 and _relief_contested(d, formed_plain))}
    return sorted(_digit_dropped(printed, relief) if printed else relief)


def _contested(number: str, formed: set[str]) -> bool:
    """Another well-formed whole read is number with one digit changed and fails Luhn. Luhn catches every
    single-digit error, so one of the two misread that digit, and which one nothing tells: on a bad card
    a blurred foil 8 read as 2 by the two colour views (which misread alike) made a number that passes.
    Three agreeing sources outweigh one such read; two do not."""
    return any(len(other) == len(number) and not luhn_valid(other)
               and sum(a != b for a, b in zip(number, other)) == 1 for other in formed)


def _relief_contested(number: str, plain: set[str]) -> bool:
    """A number the relief height maps carry is contested by a Luhn-failing plain whole read up to
    RELIEF_CONTEST_DIGITS digits off it, unless at each of those digits another plain read agrees with the
    maps. The maps misread several digits alike (a bad card's three unfoiled 8s as 6 in two of them,
    bench/exact_crops.py seed 781 #11, where one plain view read the number with two of the 8s); on a sound
    card the plain views misread a digit here and there, each a different one (seed 780 #8)."""
    same = [p for p in plain if len(p) == len(number) and p != number]
    for other in same:
        diff = [i for i, (a, b) in enumerate(zip(number, other)) if a != b]
        if luhn_valid(other) or len(diff) > RELIEF_CONTEST_DIGITS:
            continue
        if not all(any(p[i] == number[i] for p in same if p is not other) for i in diff):
            return True
    return False


def _distance(number: str, others: set[str]) -> int:
    """Digits by which number differs from the other reads of its length, all told."""
    return sum(sum(a != b for a, b in zip(number, o)) for o in others if len(o) == len(number))


def _doubted_digit(value: str, reads: list) -> str | None:
    """Why an agreed Luhn-failing number is not read clearly enough to fail the card (a Chinese detail),
    or None when it is.

    Luhn catches every single wrong digit, so an agreed misread of one digit of a sound card (a blurred
    8 read as 2 twice) fails it. The number is shown as unsure instead when the reads themselves doubt
    it: only the relief height maps agreed on it (their sources misread alike on foil, and the plain
    reads could not agree on anything), or another read has the same digits but one and that one makes
    the number pass Luhn. Either way the number never passes."""
    if not any(value == d for r in reads[:PLAIN_VARIANTS] for d, _ in r):
        return f"银行卡号读作 {value}，未通过 Luhn 校验，但只在浮雕高度图中读出，数字可能误读，请人工核对"
    for other in sorted({d for r in reads for d, _ in r if len(d) == len(value) and d != value and luhn_valid(d)}):
        diff = [i for i, (a, b) in enumerate(zip(value, other)) if a != b]
        if len(diff) == 1:
            i = diff[0]
            return (f"银行卡号读作 {value}，未通过 Luhn 校验，但第 {i + 1} 位也读作 {other[i]}（"
                    f"{value[i]} 或 {other[i]}），请人工核对")
    return None


def cut_short(found: str, unsure: str | None) -> bool:
    """A Luhn-failing line read that is the card layout's unsure card-number-long read stopped one digit
    before its end (the rest alike but for at most one digit): a line read that misses the card's last
    digit fails Luhn whatever the card, so it does not replace the longer read. Neither ever passes."""
    return unsure is not None and 16 <= len(unsure) == len(found) + 1 <= 19 \
        and sum(a != b for a, b in zip(found, unsure)) <= 1


def one_digit_off(passing: str, failing: str | None) -> bool:
    """A Luhn-valid read that is a whole Luhn-failing read of the same card with one digit changed. Luhn
    catches every single-digit error, so one misread digit turns a bad card's number into exactly such a
    read: another view's pass must not overrule the failing read then (which of the two is the misread
    one, nothing tells)."""
    return failing is not None and 16 <= len(failing) == len(passing) <= 19 \
        and sum(a != b for a, b in zip(passing, failing)) == 1


def check_card_number(doc: np.ndarray) -> CheckResult:
    return read_card(doc)[0]


def read_card(doc: np.ndarray, relief_quorum: int = 2) -> tuple[CheckResult, str | None]:
    """(card_number_valid in the card layout, hint). hint: when unsure, a well-formed Luhn-valid number
    read only once, which a second, independent read (search_number) may confirm. relief_quorum: the
    agreeing reads a number carried by the relief height maps needs (see _passing)."""
    _, box = roi(doc, *NUMBER_ROI)
    reads = read_card_candidates(doc, relief_quorum=relief_quorum)
    votes = _votes(reads[:PLAIN_VARIANTS]) + _relief_votes(reads[PLAIN_VARIANTS:])[0]
    formed = _formed(reads)
    good = _passing(reads, relief_quorum)
    if good:
        best = max(good, key=lambda d: (votes[d], d in formed))
        return CheckResult("card_number_valid", PASS, 0.95, best, "银行卡号校验通过（Luhn）", box), None
    bad = [d for d in votes if votes[d] >= 2 and d in formed and not luhn_valid(d)]
    if bad:
        # On a tie the longer number: a block read often drops the last group onto a line of its own.
        value = max(sorted(bad), key=lambda d: (votes[d], len(d)))
        doubt = _doubted_digit(value, reads)
        if doubt is not None:
            return CheckResult("card_number_valid", UNSURE, 0.4, value, doubt, box), None
        return CheckResult("card_number_valid", FAIL, 0.8, value, f"银行卡号 {value} 未通过 Luhn 校验，请核对",
                           box), None
    # The most repeated well-formed read (Luhn-valid first on a tie: it may be confirmed by a line read;
    # then the one closest to the other reads of its length), else the longest digit run. Never a pass by
    # itself.
    seen = [d for r in reads for d, _ in r]
    value = max(sorted(formed), key=lambda d: (votes[d], luhn_valid(d), len(d), -_distance(d, formed))) \
        if formed else max(seen, key=len) if seen else None
    # A number only the relief height maps read is no hint when a plain read contests it: the line search
    # reads the same maps of the same raised digits and misreads them alike (a bad card's three 8s as 6).
    plain = _formed(reads[:PLAIN_VARIANTS])
    hint = value if value in formed and luhn_valid(value) \
        and (value in plain or not _relief_contested(value, plain)) else None
    return CheckResult("card_number_valid", UNSURE, 0.3, value, "未能可靠识别银行卡号，请人工核对", box), hint


def orientation_score(doc: np.ndarray) -> int:
    """How card-number-like the number band reads (used to choose between 0 and 180 degrees)."""
    reads = read_card_candidates(doc, max_variants=1)
    return _band_score(reads[0] if reads else [])


def _band_score(found: list[tuple[str, bool]]) -> int:
    if any(ok and luhn_valid(d) for d, ok in found):
        return 20 + max(len(d) for d, _ in found)
    return max((len(d) + 2 * ok for d, ok in found), default=0)


def deep_orientation_score(doc: np.ndarray) -> int:
    """orientation_score summed over the next DEEP_ORIENTATION_VIEWS views of the number band, for when the
    first reads nothing card-like either way up: raised digits without foil, the card's own colour, are
    seen by the top-hats and the colour distance, and upside down they read as nothing at all."""
    crop, _ = roi(doc, *NUMBER_ROI)
    return sum(_band_score(candidates(_read_band(img)))
               for img in itertools.islice(_variants(crop), 1, 1 + DEEP_ORIENTATION_VIEWS))


def _read_band(img: np.ndarray) -> str | None:
    img = cv2.copyMakeBorder(img, 12, 12, 12, 12, cv2.BORDER_REPLICATE)
    # psm 6 (a block): the band also holds the VALID THRU line, which derails single-line mode.
    return ocr.ocr_text(img, psm=6, whitelist="0123456789 ", timeout=5)


# The number line found anywhere in the photo: the fallback when the outline missed the card, cut it, or
# took in the desk, so the number is not in NUMBER_ROI of either half turn. Digit groups are found as
# blobs and chained along their common axis (any angle), each chain is straightened and read both ways up.
SEARCH_LONG_SIDES = (800, 1400)  # a card small in a large photo has digits too small to blob at 800
GROUP_HEIGHT = (6, 60)          # px at the search size
GROUP_ASPECT = (1.0, 12.0)      # one group: 1-4 digits, or the 13 of a 6+13 split
LINE_ASPECT = (8.0, 34.0)       # a whole 16-19 digit line with its group gaps
MAX_LINES = 6
LINE_READ_HEIGHT = 60


def line_candidates(image: np.ndarray, long_side: int = SEARCH_LONG_SIDES[0]) -> list[tuple[tuple, bool]]:
    """(rotated rect in image pixels, light digits) of chains of digit-group blobs, likeliest first,
    searched on a copy scaled to long_side."""
    g = gray(image)
    scale = min(1.0, long_side / max(g.shape[:2]))
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


def _same_chain(rect, other) -> bool:
    """Same place, length and angle: straightened alike, so reading it again gives nothing new."""
    turn = abs((rect[2] - other[2] + 90) % 180 - 90)
    return _inside(rect, other) and 0.85 < rect[1][0] / other[1][0] < 1.15 and turn < 1.5


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
    """(grey, colour) straightened line, the grey with its digits dark, upright and turned half round;
    first with a short reach past the chain's ends, then a long one. A lone last digit (the 1 of 6222 0292
    5959 2201 1) is too narrow to count as a group blob, and a chain can stop a group short (glare); but the
    long reach also takes in the card edge and the desk, which Tesseract now and then reads as one more
    digit."""
    for pad_along in (1.6, 4.0):
        colour = numberline.straighten(image, rect, height=LINE_READ_HEIGHT, pad_along=pad_along, colour=True)
        line = gray(colour)
        if light:
            line = 255 - line
        yield line, colour
        yield np.ascontiguousarray(line[::-1, ::-1]), np.ascontiguousarray(colour[::-1, ::-1])


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


def _agreed(reads: list[set]) -> bool:
    return any(n >= 2 for n in Counter(d for r in reads for d in r).values())


def _view_reads(view: np.ndarray, colour: np.ndarray, hint: str | None = None) -> dict[str, set]:
    """Whole-line numbers read from a straightened line (grey view and its colour), by preprocessing,
    stopping at agreement (with each other, or with hint: a number the card layout read once)."""
    def read(img):
        return set(whole_lines(ocr.ocr_text(img, psm=7, whitelist="0123456789 ", timeout=3)))

    def agreed(reads):
        return _agreed(list(reads.values()) + ([{hint}] if hint else []))

    digit = view.shape[0] / (1 + 2 * numberline.PAD)
    reads = {}
    for kind, img in zip(("grey", "otsu", "small"), _view_variants(view)):
        reads[kind] = read(img)
        if not reads["grey"] or agreed(reads):
            break                    # no number as printed digits this way up, or two reads agree
    if not agreed(reads):
        # Foil on a pale card differs from it in hue more than in brightness (as in the card layout).
        reads["colour"] = read(_colour_distance(colour, digit))
    if agreed(reads) or reads["grey"]:
        return reads                 # agreed, or printed digits read as a number, only not twice alike
    # Embossed digits without foil: read the relief's height maps. Two of their sources must agree.
    relief = []
    for img in _relief_variants(view, digit):
        relief.append(read(img))
        votes, _ = _relief_votes(relief)
        if any(n >= 2 for n in votes.values()) or hint in votes:
            break
    return reads | _relief_line_reads(reads, _relief_votes(relief)[0], hint)


def _relief_line_reads(plain: dict[str, set], votes: Counter, hint: str | None) -> dict[str, set]:
    """The relief maps' reads of a line as _line_votes kinds. Read by two relief sources: two agreeing
    reads, unless a plain read of the line holds the same number with one digit more: the height maps
    lose a narrow digit alike in all their sources (6216615177494131237 in colour, 621661177494131237 in
    relief, Luhn-valid by chance), so against that plain read they are one read (the converse of
    _digit_dropped, where the relief puts back a digit the print lost)."""
    seen = set().union(*plain.values())
    both = {d for d, n in votes.items() if n >= 2}
    again = {d for d in both if not any(_one_digit_more(p, d) for p in seen)}
    return {"relief": both, "relief again": again, "relief and hint": {hint} & set(votes)}


def _by_votes(votes: Counter) -> list[tuple[str, int]]:
    """Most votes first; ties in digit order, not in the order sets happened to list them (which changes
    with Python's hash seed from one worker process to the next)."""
    return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))


def _line_votes(reads: list[dict[str, set]], hint: str | None) -> Counter:
    """Votes for numbers read from views of one line: one per preprocessing, whichever views it read
    them in, and one more for the hint."""
    kinds: dict[str, set] = {}
    for r in reads:
        for kind, found in r.items():
            kinds[kind] = kinds.get(kind, set()) | found
    votes = Counter(d for found in kinds.values() for d in found)
    if hint in votes:
        votes[hint] += 1
    return votes


def search_number(image: np.ndarray, hint: str | None = None) -> tuple[str, bool, list[int]] | None:
    """(digits, Luhn valid, axis-aligned box in image pixels) of a card-number line found anywhere, or None.

    Only a well-formed number that is a whole line and that two preprocessings of the same line, the
    same way up, read identically is returned: one misread digit must neither pass a bad card nor fail a
    good one. The line is read as a short and a long straightened view (a blurred line often reads whole
    in only one crop); one preprocessing of both views is one read, since its misreads repeat on the same
    pixels. hint, a well-formed number the card layout read once, counts as one such read: two pipelines
    (block and line reads, different crops and preprocessing) rarely make the same misread. The search
    runs again at a larger size only when the first finds no agreed number: digits on a card small in the
    photo do not form group blobs at the first size.
    """
    agreed_bad, tried = None, []
    larger = max(image.shape[:2]) > SEARCH_LONG_SIDES[0]       # else the larger search sees the same pixels
    for long_side in SEARCH_LONG_SIDES if larger else SEARCH_LONG_SIDES[:1]:
        for rect, light in line_candidates(image, long_side):
            if any(_same_chain(rect, t) for t in tried):
                continue             # the same chain found at the smaller size: already read
            tried.append(rect)
            views = list(_line_views(image, rect, light))
            for turn in (0, 1):      # upright, turned half round; each as a short and a long view
                reads = []
                for view, colour in views[turn::2]:
                    reads.append(_view_reads(view, colour, hint))
                    agreed = [d for d, n in _by_votes(_line_votes(reads, hint)) if n >= 2]
                    good = [d for d in agreed if luhn_valid(d)]
                    if good:
                        return good[0], True, numberline.line_box(rect)
                if agreed and agreed_bad is None:
                    agreed_bad = (agreed[0], False, numberline.line_box(rect))
        if agreed_bad is not None:
            break
    return agreed_bad


def number_anywhere(image: np.ndarray, hint: str | None = None) -> CheckResult | None:
    """card_number_valid from search_number (box in image pixels), or None when no line reads well."""
    found = search_number(image, hint)
    if found is None:
        return None
    value, ok, box = found
    if ok:
        return CheckResult("card_number_valid", PASS, 0.85, value, "银行卡号校验通过（Luhn）", box)
    return CheckResult("card_number_valid", FAIL, 0.75, value, f"银行卡号 {value} 未通过 Luhn 校验，请核对", box)
