"""`card_number_valid`: the bank card number, read by the learned reader and confirmed by a second reader."""
from __future__ import annotations

import itertools
import math
import re

import numpy as np

from verifier.checks.common import confirmed
from verifier.checksums import luhn_valid
from verifier.reader import Line, line_height, quad_box
from verifier.result import FAIL, PASS, UNSURE, CheckResult

DIGITS = "0123456789"
# Card numbers run 13-19 digits (UnionPay 16-19, Visa and Mastercard 16, Amex 15, old Visa 13).
MIN_DIGITS, MAX_DIGITS = 13, 19
# A shorter run may be the long group of a 6-13 number whose first group was not read: it can pass, but never
# fails a card on its own.
WHOLE_DIGITS = 16
# Groups printed apart may be detected as separate boxes: boxes on one row (centres less than this share of a
# line height apart across it) are joined in reading order.
SAME_ROW = 0.5
# Neighbouring group boxes may touch; a box reaching this share of a line height into the next one overlaps it.
OVERLAP = 0.3
# The second readers are asked to confirm a number group by group: the most common grouping's four digits at a time. A
# longer run (6-13, 19 unbroken) is confirmed in pieces of about as many, so that one misread digit anywhere in
# thirteen does not leave the whole number unconfirmed.
PIECE = 4


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def card_numbers(text: str) -> list[str]:
    """Digit runs of card length, their groups joined across single spaces (4-4-4-4, 6-13, 4-4-4-4-3)."""
    runs = (digits_only(r) for r in re.findall(r"\d[\d ]*\d", text or ""))
    return [r for r in runs if MIN_DIGITS <= len(r) <= MAX_DIGITS]


def candidates(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """(number, the lines it was read from), surest first. Lines of nothing but digit groups that stand on
    one row are one number, joined in reading order: a group read alone is no card number."""
    groups = [ln for ln in lines if is_digits(ln)]
    found = [(n, [ln]) for ln in lines if ln not in groups for n in card_numbers(ln.text)]
    for row in _rows(groups):
        joined = "".join(digits_only(ln.text) for ln in row)
        if MIN_DIGITS <= len(joined) <= MAX_DIGITS and _apart(row):
            found.append((joined, row))
    return sorted(found, key=lambda f: -min(ln.score for ln in f[1]))


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by row (in the lines' own reading direction, whatever the card's turn), in reading order."""
    rows: list[list[Line]] = []
    for line in lines:
        for row in rows:
            if _same_row(row[0], line):
                row.append(line)
                break
        else:
            rows.append([line])
    return [sorted(row, key=lambda ln: float(ln.quad.mean(axis=0) @ row[0].direction)) for row in rows]


def _apart(row: list[Line]) -> bool:
    """Each box of the row ends before the next begins: overlapping boxes read the same digits twice."""
    d = row[0].direction
    spans = [(float((ln.quad @ d).min()), float((ln.quad @ d).max())) for ln in row]
    slack = OVERLAP * min(line_height(ln.quad) for ln in row)
    return all(a_end <= b_start + slack for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def is_digits(line: Line) -> bool:
    """A line of nothing but digit groups (a card number, or part of one printed apart)."""
    return bool(re.fullmatch(r"[\d ]+", line.text))


def on_row(line: Line, quad: np.ndarray) -> bool:
    """quad stands on line's row: its centre is less than SAME_ROW line heights off the line, across it."""
    along = line.direction
    offset = quad.mean(axis=0) - line.quad.mean(axis=0)
    return abs(float(offset[0] * along[1] - offset[1] * along[0])) < SAME_ROW * max(line_height(line.quad), 1)


def _same_row(a: Line, b: Line) -> bool:
    return float(a.direction @ b.direction) > 0.9 and on_row(a, b.quad)


def _second_agrees(number: str, row: list[Line]) -> bool:
    """A second reader reads the same digits from the same crops: the whole line, or else every group of it apart
    (a short group of raised digits reads where the whole line does not)."""
    if len(row) == 1 and confirmed(number, row[0].crop, DIGITS, digits_only):
        return True
    return all(confirmed(group, crop, DIGITS, digits_only) for ln in row for group, crop in _groups(ln))


def _groups(line: Line):
    """(digits, crop) for each digit group of the line, a long group (the 13 of 6-13) cut into pieces of at most
    PIECE digits: card digits are monospaced, so a digit's place in the read text is its place along the crop
    (half a digit of margin each side)."""
    n, width = len(line.text), line.crop.shape[1]
    for m in re.finditer(r"\d+", line.text):
        k = math.ceil(len(m.group()) / PIECE)
        cuts = [m.start() + round(i * len(m.group()) / k) for i in range(k + 1)]
        for a, b in itertools.pairwise(cuts):
            x0, x1 = int(max(0, (a - 0.5) / n * width)), int(min(width, (b + 0.5) / n * width))
            yield line.text[a:b], line.crop[:, x0:x1]


def check_card_number(lines: list[Line], typed: str | None = None) -> CheckResult:
    """The number the applicant typed, read on the card, is settled by Luhn: the applicant is the second reader.
    Otherwise pass: a Luhn-valid number both readers agree on; fail: a number both agree on that fails Luhn, or a
    valid one that is not the typed card. Anything the readers do not agree on is unsure: one misread digit can
    land on a Luhn-valid number (but hardly on the typed one)."""
    found = candidates(lines)
    typed = digits_only(typed) or None
    if not found:
        return CheckResult("card_number_valid", UNSURE, 0.2, None, "未能识别银行卡号，请人工核对", None)
    same = [row for number, row in found if number == typed]
    if same:    # read as the applicant typed it: two readings agree
        if luhn_valid(typed):
            return CheckResult("card_number_valid", PASS, 0.95, typed, "银行卡号与申请填写的一致，Luhn 校验通过",
                               _box(same[0]))
        return CheckResult("card_number_valid", FAIL, 0.9, typed, "银行卡号 Luhn 校验失败，可能填写或拍摄有误",
                           _box(same[0]))
    agreed = []
    for number, row in found:
        if _second_agrees(number, row):
            agreed.append((number, row))
            if luhn_valid(number):
                break
    if not agreed:
        number, row = found[0]
        return CheckResult("card_number_valid", UNSURE, 0.4, number,
                           f"两次识别不一致（识别为 {number}），请人工核对银行卡号", _box(row))
    number, row = agreed[-1] if luhn_valid(agreed[-1][0]) else agreed[0]
    if not luhn_valid(number) and len(number) < WHOLE_DIGITS:
        return CheckResult("card_number_valid", UNSURE, 0.4, number, f"只识别到部分卡号（{number}），请人工核对",
                           _box(row))
    if luhn_valid(number) and typed and number != typed:
        return CheckResult("card_number_valid", FAIL, 0.85, number,
                           f"卡面卡号与申请填写的卡号（尾号 {typed[-4:]}）不一致，请核对", _box(row))
    if luhn_valid(number):
        return CheckResult("card_number_valid", PASS, 0.93, number, f"银行卡号 Luhn 校验通过（{len(number)} 位）",
                           _box(row))
    return CheckResult("card_number_valid", FAIL, 0.85, number, "银行卡号 Luhn 校验失败，可能填写或拍摄有误",
                       _box(row))


def _box(row: list[Line]) -> list[int]:
    return quad_box(np.concatenate([ln.quad for ln in row]))
