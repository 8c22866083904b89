"""`name_match` on free-layout documents (diploma, registration record, status report, receipt)."""
from __future__ import annotations

import itertools
import re

import cv2
import numpy as np

from verifier import ocr, textdir
from verifier.checks import namematch
from verifier.checks.common import CJK, flatten, gray, ink_columns, remove_rules, runs
from verifier.result import FAIL, PASS, UNSURE, CheckResult

# Labels after which the holder's name is printed on these documents.
NAME_LABELS = ("姓名", "学生", "交款人", "缴款人", "付款人", "考生", "持证人", "申请人")
OCR_WIDTH = 1400


def page_lines(doc: np.ndarray, timeout: float = 20) -> tuple[list, float, float] | None:
    """Tesseract's text lines of the page (boxes in the scaled page), the scale applied and the mean word
    confidence, or None."""
    scale = min(1.0, OCR_WIDTH / doc.shape[1])
    found = ocr.ocr_lines_conf(_processed(doc, scale), lang="chi_sim", psm=6, timeout=timeout)
    return None if found is None else (found[0], scale, found[1])


def cjk_count(text: str | None) -> int:
    return len(CJK.findall(text or ""))


def lines_text(lines) -> str:
    return "\n".join(t for t, _ in lines[0]) if lines else ""


def check_name_on_page(doc: np.ndarray, lines, expected: str | None) -> CheckResult:
    """Pass on an exact read or a verified labelled name; fail only on visible evidence; else unsure."""
    if lines is None:
        return CheckResult("name_match", UNSURE, 0.0, None, "文字识别失败，请人工核对姓名", None)
    expected = "".join(CJK.findall(expected or ""))
    if not expected:
        return CheckResult("name_match", UNSURE, 0.0, None, "名单中无姓名，无法比对", None)
    rows, scale = lines[0], lines[1]
    for text, box in rows:
        if namematch.clean_hit(text, expected):
            return CheckResult("name_match", PASS, 0.9, expected, "文件中姓名与名单一致", _page_box(box, scale))
    # A label word also turns up in other print (a 申请人材料复印件核对无误 stamp on the desk, a 学生 in a
    # heading), so a line that does not verify is no reason to stop: the holder's line may come later.
    # Only a pass ends the search; otherwise the first fail (visible evidence) or the first unsure stands.
    fallback = None
    page = _processed(doc, scale)
    for text, box in itertools.chain(rows, _own_lines(page, rows)):
        if namematch.clean_hit(text, expected):
            return CheckResult("name_match", PASS, 0.9, expected, "文件中姓名与名单一致", _page_box(box, scale))
        flat = re.sub(r"\s+", "", text)
        label = find_label_text(flat)
        if label:
            result = _verify_labelled(doc, box, scale, label, flat, expected, page)
            if result is not None and result.status == FAIL and _someone_elses(flat, label):
                result = None              # 校（院）长姓名 蓝天: another person's name, no evidence either way
            if result is not None and result.status == PASS:
                return result
            if result is not None and (fallback is None or fallback.status == UNSURE and result.status == FAIL):
                fallback = result
    # A blurred or shaken photo: no line reads and the ink mask merges strokes. Look for the rendered name
    # itself in grey; it only ever passes, a fail still needs the visible evidence above.
    found = _strip_search(doc, rows, scale, expected)
    if found is not None:
        return found
    return fallback or CheckResult("name_match", UNSURE, 0.3, None, "未在文件中找到名单姓名，请人工核对", None)


# The last characters of the name labels: the one label character that may stand right before a name.
LABEL_TAILS = "".join(dict.fromkeys(lb[-1] for lb in NAME_LABELS))
# The em size of a holder's name on these documents, as a share of the page width, and the slack around it.
NAME_EM = (0.010, 0.030)


def _strip_search(doc: np.ndarray, rows, scale: float, expected: str, tries: int = 3) -> CheckResult | None:
    """A pass where the whole rendered name, blurred like the page, is found and verified on it: upright,
    turned over (a page taken the wrong way up), and, when the page's text lines run at a slant (a page
    photographed askew and not straightened), with the lines levelled; otherwise None."""
    upright = namematch.darkness(doc)
    found = _strip_search_level(upright, rows, scale, expected, tries)
    angle = None if found is not None else _text_angle(doc)      # the slant only when the level search fails
    if angle is None:
        return found
    turn = cv2.getRotationMatrix2D((doc.shape[1] / 2, doc.shape[0] / 2), angle, 1.0)
    page = cv2.warpAffine(upright, turn, upright.shape[::-1], flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    found = _strip_search_level(page, [], scale, expected, tries)
    if found is not None:
        found.box = _unturned_box(found.box, turn)
    return found


def _strip_search_level(dark: np.ndarray, rows, scale: float, expected: str, tries: int) -> CheckResult | None:
    """_strip_search on a darkness page whose lines run level, upright or turned over. rows: Tesseract's
    lines of this page (none when it was levelled: their boxes no longer fit)."""
    h, w = dark.shape[:2]
    for turned, page in enumerate((dark, cv2.rotate(dark, cv2.ROTATE_180))):
        for _, x, y, em in namematch.locate_name(page, expected, (w * NAME_EM[0], w * NAME_EM[1]), keep=tries):
            # Tesseract's reading of the rows there adds the characters it saw to the rivals.
            read = "" if turned else "".join(t for t, (_, ty, _, th) in rows
                                             if ty <= (y + em) * scale and ty + th >= y * scale)
            verdict, detail = namematch.verify_strip(page, expected, x, y, em, read, LABEL_TAILS)
            if verdict == "same":
                box = [int(x), int(y), int(em * len(expected)), int(em)]
                if turned:
                    box = [w - box[0] - box[2], h - box[1] - box[3], box[2], box[3]]
                return CheckResult("name_match", PASS, 0.8, expected, f"文件中姓名与名单一致（整行比对：{detail}）",
                                   box)
    return None


# Text lines slanted less than this are matched as they are; more, and the page is levelled first.
LEVEL_MIN_DEG = 1.5


def _text_angle(doc: np.ndarray) -> float | None:
    """The slant of the page's text lines in degrees (cv2 sense: levelling turns the page by it), when at
    least three lines agree it is LEVEL_MIN_DEG or more; else None. The median of the lines found keeps
    a table rule or a stray long blob from deciding it."""
    lines, _ = textdir.line_blobs(doc)
    angles = [a for _, _, a in lines if abs(a) <= 20]
    if len(angles) < 3:
        return None
    angle = float(np.median(angles))
    return angle if abs(angle) >= LEVEL_MIN_DEG else None


def _unturned_box(box: list[int], turn: np.ndarray) -> list[int]:
    """A box found on the levelled page as the bounding box of its corners on the page as given."""
    x, y, bw, bh = box
    corners = np.array([[x, y], [x + bw, y], [x, y + bh], [x + bw, y + bh]], np.float32).reshape(-1, 1, 2)
    back = cv2.transform(corners, cv2.invertAffineTransform(turn)).reshape(-1, 2)
    x0, y0 = np.floor(back.min(axis=0)).astype(int)
    x1, y1 = np.ceil(back.max(axis=0)).astype(int)
    return [int(x0), int(y0), int(x1 - x0), int(y1 - y0)]


def _someone_elses(flat: str, label: str) -> bool:
    """The label names another person's field (校长姓名, 家长姓名, 负责人姓名): a Chinese character other
    than the end of a holder's label (学生姓名, 申请人姓名) stands right before it."""
    at = flat.find(label)
    before = flat[at - 1:at] if at > 0 else ""
    return bool(CJK.fullmatch(before)) and before not in "生人"


def find_label_text(flat: str) -> str | None:
    """The name label on a line read; a misread label still ends in its last character and a colon."""
    exact = next((lb for lb in NAME_LABELS if lb in flat), None)
    if exact:
        return exact
    # A three-character label with one character misread (交坎人): the glyphs of the printed label are
    # compared with the label before anything after it is trusted, so a loose text match costs nothing.
    for lb in (lb for lb in NAME_LABELS if len(lb) == 3):
        if any(sum(a == b for a, b in zip(flat[i:i + 3], lb)) >= 2 for i in range(len(flat) - 2)):
            return lb
    return next((lb for lb in NAME_LABELS if re.search(re.escape(lb[-1]) + "[:：;；]", flat)), None)


def _processed(doc: np.ndarray, scale: float) -> np.ndarray:
    """The page as page_lines reads it: scaled, light evened out, table rules painted white."""
    return remove_rules(flatten(cv2.resize(gray(doc), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)))


def _own_lines(g: np.ndarray, rows, limit: int = 24):
    """Lines read one by one, lazily: first those the page read missed (chi_sim page segmentation drops
    some), then those it read as part of a taller block (a table row read together with its rules or the
    next row comes out as garbage)."""
    covered = [(y, y + h) for _, (x, y, w, h) in rows]
    # Rows by ink against the local background, short gaps bridged: a short line (姓名：许雪) is faint in a
    # page-wide profile and would be cut in half.
    found = _page_rows(g)[:limit]
    missed = [r for r in found if not any(a <= (r[0] + r[1]) / 2 <= b for a, b in covered)]
    merged = [r for r in found if r not in missed]
    for top, bottom in missed + merged:
        pad = (bottom - top) // 3          # Tesseract reads nothing from a crop cut tight to the ink
        top, bottom = max(0, top - pad), min(g.shape[0], bottom + pad)
        x0, x1 = ink_columns(g[top:bottom])
        yield read_line(g[top:bottom, x0:x1]), (x0, top, x1 - x0, bottom - top)


def _page_rows(g: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) of the text rows of a page, from glyph-sized ink only: a photo or seal beside a table
    would otherwise join all the rows it spans into one. Falls back to the plain ink profile."""
    mask = textdir.ink(g)
    s = mask.shape[0] / g.shape[0]
    profile = mask.mean(axis=1)
    rows = [(int(a / s), int(b / s)) for a, b in runs(profile > max(0.004, profile.max() * 0.05))
            if (b - a) / s >= 8]
    return rows or namematch.text_rows(g, min_height=max(8, g.shape[0] // 150))


def _page_box(box, scale: float) -> list[int]:
    return [int(v / scale) for v in box]


def _verify_labelled(doc, box, scale, label: str, flat: str, expected: str,
                     page: np.ndarray | None = None) -> CheckResult | None:
    """Check the characters printed after the label on this line, cell by cell. page: the processed page
    (see _processed), tried last: shading of a label cell or uneven light spoils the ink of the raw crop."""
    result = _verify_labelled_raw(doc, box, scale, label, expected)
    if result is not None and result.status == PASS or page is None:
        return result
    x, y, w, h = box
    pad = h // 3
    crop = page[max(0, y - pad):y + h + pad, max(0, x - pad):x + w + pad]
    if crop.size == 0:
        return result
    row_box = _page_box([max(0, x - pad), max(0, y - pad), crop.shape[1], crop.shape[0]], scale)
    again = _verify_row(crop, row_box, label, expected)
    if again is not None and (again.status == PASS or result is None or result.status == UNSURE
                              and again.status == FAIL):
        result = again
    return result


def _verify_labelled_raw(doc, box, scale, label: str, expected: str) -> CheckResult | None:
    x, y, w, h = _page_box(box, scale)
    pad = h // 3
    crop = doc[max(0, y - pad):y + h + pad, max(0, x - pad):x + w + pad]
    if crop.size == 0:
        return None
    row_box = [max(0, x - pad), max(0, y - pad), crop.shape[1], crop.shape[0]]
    first = _verify_row(crop, row_box, label, expected)
    if first is not None and first.status == PASS:
        return first
    # A ruled row has its rules in the crop: they can be the line with the most ink, or be read as a
    # character (an underline merged into the glyphs of a fill-in field looks like another character, so a
    # fail is tried again too). Removing them also thins some strokes, so it is the second try only.
    second = _verify_row(remove_rules(gray(crop), line=True), row_box, label, expected)
    if second is not None and (second.status == PASS or first is None or first.status == UNSURE
                               and second.status == FAIL):
        return second
    return first


def _verify_row(crop: np.ndarray, row_box: list[int], label: str, expected: str) -> CheckResult | None:
    line_read = "".join(CJK.findall(read_line(crop)))
    if namematch.clean_hit(line_read, expected):
        return CheckResult("name_match", PASS, 0.9, expected, "文件中姓名与名单一致", row_box)
    ink = namematch.ink_mask(crop)
    line = namematch.main_line(ink)
    if line is None:
        return None
    band = ink[line[0]:line[1]]
    start = namematch.find_label(band, label)
    span = None if start is None else _name_span(band, start)
    if span is None:
        return None
    after = re.split(r"[:：;；]", line_read, maxsplit=1)[-1] if label not in line_read else line_read.split(label, 1)[1]
    read = "".join(CJK.findall(after))[:len(expected) + 1]
    verdict, detail = namematch.verify_name_span(band, span[0], span[1], expected, read)
    if verdict == "unclear" and namematch.verify_name_prefix(band, span[0], expected):
        # The name runs into the next field (孙磊，性别 …): its own cells verify and a boundary follows.
        verdict = "same"
    value = read or None
    if verdict == "same":
        return CheckResult("name_match", PASS, 0.85, expected, "文件中姓名与名单一致（逐字比对）", row_box)
    if verdict == "differs":
        return CheckResult("name_match", FAIL, 0.75, value,
                           f"文件中姓名与名单 {expected} 不一致（识别为 {read or '?'}；{detail}）", row_box)
    return CheckResult("name_match", UNSURE, 0.3, value, f"未能可靠比对姓名，请人工核对（{detail}）", row_box)


def namematch_pad(crop: np.ndarray, height: int = 56, shrink: bool = False) -> np.ndarray:
    """A line crop ready for chi_sim: small print scaled up (it reads nothing from 20 px characters), on a
    white margin (replicated edge rows smear any ink they touch into stripes). With shrink, a taller crop
    is also scaled down to height."""
    g = gray(crop)
    if 0 < g.shape[0] < height - 8 or shrink and g.shape[0] > height + 8:
        s = height / g.shape[0]
        g = cv2.resize(g, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC if s > 1 else cv2.INTER_AREA)
    return cv2.copyMakeBorder(g, 20, 20, 40, 40, cv2.BORDER_CONSTANT, value=255)


# (crop height, page segmentation mode) tried in turn. chi_sim in single-line mode returns nothing at all for
# some clean lines at 40-80 px (姓名：徐宇平 reads at 32 px and again at 100 px); raw-line mode (13) reads
# those at 80 px. The later tries only run when the earlier ones read fewer than two characters.
LINE_READS = ((56, 7), (80, 7), (32, 7), (80, 13))


def read_line(crop: np.ndarray) -> str:
    """chi_sim's reading of a line crop; it now and then returns nothing for a clean line at one scale."""
    text = ""
    for height, psm in LINE_READS:
        text = ocr.ocr_text(namematch_pad(crop, height, shrink=height < 48), lang="chi_sim", psm=psm,
                            timeout=5) or ""
        if cjk_count(text) >= 2:
            break
    return text


def _name_span(band: np.ndarray, start: int) -> tuple[int, int] | None:
    """Columns of the name: the first word-sized ink group right of start, skipping a colon."""
    h = band.shape[0]
    fine = [r for r in namematch.column_runs(band, 2) if r[0] >= start]
    while fine and namematch.is_colon(band[:, fine[0][0]:fine[0][1]]):
        fine.pop(0)                       # '：' or ':' between label and name
    if not fine:
        return None
    x0, x1 = fine[0]
    for a, b in fine[1:]:
        if a - x1 >= 0.6 * h or namematch.is_stop(band[:, a:b]):
            break                         # a gap, or the comma of 学生邹洋，性别男 set tight
        x1 = b
    return x0, x1
