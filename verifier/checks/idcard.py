"""ID card front: the 18-character number and the holder's name, from the lines the learned reader read."""
from __future__ import annotations

import re

import numpy as np

from verifier.checks.common import cjk_only, confirmed, id_chars
from verifier.checksums import gb11643_valid
from verifier.reader import Line, line_height, line_length, quad_box
from verifier.result import FAIL, PASS, UNSURE, CheckResult

ID_WHITELIST = "0123456789X"
NAME_LABEL = "姓名"
# In heights of the number's line, the name is printed 6-10 above the number, the sex line 5-8, the address,
# which need not be read, 2-5 (both card layouts, phone photos and scans): above 5 is the name band.
NAME_BAND = 5.0
# The name line ends before the photo while the number runs on under it: read with its label it is shorter
# than the number's line (at most 0.67 of it on 204 synthetic cards of three generators and 0.57 on the real
# ones). A copy watermark's lines run across the whole card, as long as the number's or longer.
NAME_LINE_LONGEST = 1.0
# A name read this surely that differs from the roster is a different name, not a misread (the recogniser's
# scores for clean card print sit at 0.95-1.0; blurred or glared print that it misreads falls below).
NAME_SURE = 0.9


def numbers_in(text: str) -> list[str]:
    """Every 18-character window of each run of ID characters: stray digits around the number must not hide it."""
    runs = re.findall(r"[0-9X]{18,}", id_chars(text))
    return [r[i:i + 18] for r in runs for i in range(len(r) - 17)]


def number_line(lines: list[Line]) -> Line | None:
    """The surest line holding an 18-character ID number."""
    found = [ln for ln in lines if numbers_in(ln.text)]
    return max(found, key=lambda ln: ln.score) if found else None


def in_name_band(quad: np.ndarray, number: Line) -> bool:
    """The quad lies where the name and sex lines are printed: more than NAME_BAND number-line heights above
    the number line, across its own reading direction, and is no longer than the number line."""
    return above(quad, number) > NAME_BAND and line_length(quad) <= NAME_LINE_LONGEST * line_length(number.quad)


def above(quad: np.ndarray, number: Line) -> float:
    """How far the quad lies above the number line, across its reading direction, in number-line heights."""
    d = number.direction
    down = np.array([-d[1], d[0]])
    return -float((_centre(quad) - _centre(number.quad)) @ down) / max(line_height(number.quad), 1e-6)


def check_id_number(lines: list[Line], expected: str | None, today=None) -> list[CheckResult]:
    """A number passes only as the roster's number read exactly, or as a GB 11643-valid number both readers
    agree on; what the readers do not agree on is unsure, so a one-digit near miss never passes."""
    expected = (expected or "").upper() or None
    found = [(n, line) for line in sorted(lines, key=lambda ln: -ln.score) for n in numbers_in(line.text)]
    if not found:
        detail = "未能识别证件号码，请人工核对"
        return [CheckResult(name, UNSURE, 0.2, None, detail, None) for name in ("id_number_valid", "id_number_match")]
    exact = [(n, line) for n, line in found if n == expected]
    if exact:
        value, line = exact[0]
        return [_valid(value, gb11643_valid(value, today), quad_box(line.quad), 0.95),
                CheckResult("id_number_match", PASS, 0.95, value, "证件号码与名单一致", quad_box(line.quad))]
    value, line = found[0]
    box = quad_box(line.quad)
    if not confirmed(value, line.crop, ID_WHITELIST, id_chars):
        detail = f"两次识别不一致（识别为 {value}），请人工核对证件号码"
        return [CheckResult("id_number_valid", UNSURE, 0.4, value, detail, box),
                CheckResult("id_number_match", UNSURE, 0.4, value, detail, box)]
    return [_valid(value, gb11643_valid(value, today), box, 0.9), _match(value, expected, box)]


def _valid(value: str, ok: bool, box, conf: float) -> CheckResult:
    detail = "证件号码校验通过（GB 11643 校验码与出生日期有效）" if ok else "证件号码校验失败：校验码或出生日期无效"
    return CheckResult("id_number_valid", PASS if ok else FAIL, conf, value, detail, box)


def _match(value: str, expected: str | None, box) -> CheckResult:
    if not expected:
        return CheckResult("id_number_match", UNSURE, 0.0, value, "名单中无证件号码，无法比对", box)
    diff = f"{sum(a != b for a, b in zip(value, expected))} 位不同" if len(value) == len(expected) else "号码不同"
    return CheckResult("id_number_match", FAIL, 0.9, value,
                       f"证件号码与名单不一致（{diff}）：识别为 {value}，名单为 {expected}", box)


def name_field(lines: list[Line]) -> Line | None:
    """The line holding the name: the text after the label 姓名 on its line, or the line just right of a
    label read on its own."""
    for line in lines:
        flat = "".join(line.text.split())
        if flat.startswith(NAME_LABEL) and cjk_only(flat[len(NAME_LABEL):]):
            return Line(cjk_only(flat[len(NAME_LABEL):]), line.score, line.quad, line.crop)
    labels = [ln for ln in lines if "".join(ln.text.split()) == NAME_LABEL]
    for label in labels:
        beside = [ln for ln in lines if ln is not label and cjk_only(ln.text) and _right_of(ln.quad, label.quad)]
        if beside:
            return min(beside, key=lambda ln: _centre(ln.quad)[0])
    return None


def _centre(quad: np.ndarray) -> np.ndarray:
    return quad.mean(axis=0)


def _right_of(quad: np.ndarray, label: np.ndarray) -> bool:
    """On the label's row (centres less than half a line apart) and after it, in the label's own direction."""
    along = label[1] - label[0]
    along = along / max(np.linalg.norm(along), 1e-6)
    across = np.array([-along[1], along[0]])
    d = _centre(quad) - _centre(label)
    height = np.linalg.norm(label[3] - label[0])
    return float(d @ along) > 0 and abs(float(d @ across)) < 0.6 * height


def check_name(lines: list[Line], expected: str | None) -> CheckResult:
    """Pass when the name is read exactly (the label, or its end where two boxes overlap, may be read with it);
    fail when the name field is read
    surely as another name; otherwise unsure."""
    expected = cjk_only(expected)
    field = name_field(lines)
    if not expected:
        return CheckResult("name_match", UNSURE, 0.0, field.text if field else None, "名单中无姓名，无法比对", None)
    for line in ([field] if field else []) + lines:
        if cjk_only(line.text) in (expected, NAME_LABEL + expected, NAME_LABEL[-1] + expected):
            return CheckResult("name_match", PASS, 0.93, expected, "姓名与名单一致", quad_box(line.quad))
    if field is None:
        return CheckResult("name_match", UNSURE, 0.2, None, "未找到姓名，请人工核对", None)
    read = cjk_only(field.text)
    if field.score >= NAME_SURE:
        return CheckResult("name_match", FAIL, 0.8, read, f"姓名与名单 {expected} 不一致（识别为 {read}）",
                           quad_box(field.quad))
    return CheckResult("name_match", UNSURE, 0.3, read, f"未能可靠识别姓名（识别为 {read}），请人工核对",
                       quad_box(field.quad))
