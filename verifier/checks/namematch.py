"""Verify a KNOWN name in a text-line image, character cell by character cell, against rendered glyphs.

Tesseract's chi_sim reads rarer characters (磊, 斌, 燕 …) wrongly even on clean print, so reading blind and
comparing strings flags sound documents. Here the expected name is checked: each character cell must look
more like the expected character than like any common name character (and Tesseract's own reading).
A fail needs a cell that clearly looks like another character, or clearly more or fewer characters.
"""
from __future__ import annotations

import re

import cv2
import numpy as np

from verifier.checks import glyphs
from verifier.checks.common import gray, runs

# Frequent surnames and given-name characters: the alternatives a cell is compared against.
COMMON = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
          "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
          "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红文斌玉珍辉鹏飞宇浩然子涵欣怡轩思远俊晓东春梅"
          "海燕丹凤佳琪婷雪松立新庆永亮振德秀小云峰金林波宁琳凯健鑫慧颖晨阳光荣彬博一天成瑞瑶倩雨琦嘉诚欢乐婉莹"
          "晶蕾蓉萍玲珊璐洁淑惠爱玮炜昊睿泽航旭毅坤鸿翔龙虎豪杨柳菲菊琴茜艺紫蕊楠锋钢铭鹤震霖霆耀嵩岩山川河江海")
SAME_MIN = 0.66          # a cell this similar to the expected glyph, and no alternative better, is that glyph
DIFF_MARGIN = 0.09       # an alternative this much better than the expected glyph is evidence of a different one
DIFF_MAX = 0.64


def ink_mask(image: np.ndarray) -> np.ndarray:
    """Dark print on a light ground as a boolean mask, tolerant of uneven light and card patterns."""
    g = gray(image).astype(np.float32)
    k = max(15, (min(g.shape[:2]) // 2) | 1)
    background = cv2.dilate(g, np.ones((k // 3 | 1, k // 3 | 1), np.uint8))
    norm = np.clip(g / np.maximum(background, 1) * 255, 0, 255).astype(np.uint8)
    _, ink = cv2.threshold(norm, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Otsu on a nearly blank crop splits paper noise; demand real contrast.
    ink &= (norm < 200).astype(np.uint8)
    return _drop_specks(ink.astype(bool))


def _drop_specks(ink: np.ndarray) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= 4
    return keep[labels]


def main_line(ink: np.ndarray) -> tuple[int, int] | None:
    """(top, bottom) of the row band holding the most ink."""
    profile = ink.mean(axis=1)
    on = profile > max(0.01, profile.max() * 0.08)
    bands = runs(on)
    return max(bands, key=lambda band: float(profile[band[0]:band[1]].sum())) if bands else None


def text_rows(crop: np.ndarray, min_height: int) -> list[tuple[int, int]]:
    """(top, bottom) of text rows; a short gap (the dots under 杰, 点 …) does not end a row."""
    profile = ink_mask(crop).mean(axis=1)
    on = profile > max(0.01, profile.max() * 0.08)
    rows = []
    for y, v in enumerate(list(on) + [False]):
        if v and (not rows or rows[-1][1] is not None and y - rows[-1][1] > min_height // 2):
            rows.append([y, None])
        elif v:
            rows[-1][1] = None
        elif rows and rows[-1][1] is None:
            rows[-1][1] = y
    return [(a, b) for a, b in rows if b is not None and b - a >= min_height]


def glyph_line(ink: np.ndarray) -> tuple[int, int] | None:
    """(top, bottom) of the row band holding the most glyph-sized blobs: a line of digits, not a card edge."""
    profile = ink.mean(axis=1)
    on = profile > max(0.01, profile.max() * 0.08)
    best = None
    for start, end in runs(on):
        h = end - start
        _, _, stats, _ = cv2.connectedComponentsWithStats(ink[start:end].astype(np.uint8), connectivity=8)
        glyphs = int(((stats[1:, cv2.CC_STAT_HEIGHT] >= 0.4 * h) & (stats[1:, cv2.CC_STAT_WIDTH] <= 1.5 * h)).sum())
        if h >= 6 and (best is None or glyphs > best[0]):
            best = (glyphs, start, end)
    return None if best is None or best[0] < 3 else (best[1], best[2])


def column_runs(band: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Ink column runs, joining runs separated by less than min_gap columns."""
    merged = []
    for r in runs(band.any(axis=0)):
        if merged and r[0] - merged[-1][1] < min_gap:
            merged[-1][1] = r[1]
        else:
            merged.append(list(r))
    return [tuple(r) for r in merged]


def split_cells(band: np.ndarray, x0: int, x1: int, n: int) -> list[np.ndarray]:
    """n cells of equal pitch between x0 and x1, each cut moved to the emptiest nearby column."""
    pitch = (x1 - x0) / n
    cols = band[:, x0:x1].sum(axis=0).astype(np.float32)
    cuts = [0]
    for k in range(1, n):
        centre = int(k * pitch)
        lo, hi = max(cuts[-1] + 1, int(centre - pitch * 0.22)), min(len(cols) - 1, int(centre + pitch * 0.22))
        cuts.append(lo + int(np.argmin(cols[lo:hi + 1])) if hi > lo else centre)
    cuts.append(x1 - x0)
    return [band[:, x0 + a:x0 + b] for a, b in zip(cuts, cuts[1:])]


def estimated_count(width: int, height: int) -> float:
    """How many full-width characters an ink span of this size holds (pitch about 1.08 x ink height)."""
    return (width + 0.1 * height) / (1.08 * height)


def judge_cells(cells: list[np.ndarray], expected: str, read: str = "") -> tuple[str, list[tuple]]:
    """('same' | 'differs' | 'unclear', per-cell (expected char, similarity, best alternative, its similarity))."""
    verdicts, rows = [], []
    for i, (cell, ch) in enumerate(zip(cells, expected)):
        feat = glyphs.normalise(cell)
        s_exp = glyphs.similarity(feat, ch)
        alts = set(COMMON) | set(read)
        alts.discard(ch)
        s_alt, alt = max(((glyphs.similarity(feat, a), a) for a in alts), default=(0.0, ""))
        rows.append((ch, round(s_exp, 3), alt, round(s_alt, 3)))
        if s_exp >= SAME_MIN and s_exp >= s_alt - 0.01:
            verdicts.append("same")
        elif s_alt - s_exp >= DIFF_MARGIN and s_exp < DIFF_MAX and s_alt >= SAME_MIN:
            verdicts.append("differs")
        else:
            verdicts.append("unclear")
    if "differs" in verdicts:
        return "differs", rows
    return ("same" if verdicts and all(v == "same" for v in verdicts) else "unclear"), rows


def verify_name_span(band: np.ndarray, x0: int, x1: int, expected: str, read: str = "") -> tuple[str, str]:
    """Verdict ('same' | 'differs' | 'unclear') for an ink band (line height) spanning columns x0..x1."""
    h = band.shape[0]
    n = len(expected)
    count = estimated_count(x1 - x0, h)
    if abs(count - n) >= 0.75 and round(count) == len(read) >= 2:
        # More or fewer characters than the roster name: the ink width and Tesseract's reading agree.
        return "differs", f"姓名字数不符（约 {round(count)} 字，名单 {n} 字）"
    if abs(count - n) >= 0.75:
        return "unclear", f"姓名区域宽度与 {n} 个字不符"
    verdict, rows = judge_cells(split_cells(band, x0, x1, n), expected, read)
    detail = "；".join(f"{c}≈{s:.2f}/{a}≈{sa:.2f}" for c, s, a, sa in rows)
    return verdict, detail


FIELD_LABEL = "性别"      # may follow the name on the same line: 贺娜丽性别女 …


def verify_name_prefix(band: np.ndarray, x0: int, expected: str) -> bool:
    """True when the first len(expected) character cells right of x0 verify as the expected name AND what
    follows is a boundary: a gap, punctuation, the label 性别, or clear paper to the end of the band.
    A longer name (王伟 vs 王伟明) therefore never passes."""
    h = band.shape[0]
    cells = [c for c in char_cells(band) if c[0] >= x0]
    n = len(expected)
    if len(cells) < n or any(b - a > 1.15 * h or b - a < 0.2 * h for a, b in cells[:n]):
        return False
    verdict, _ = judge_cells([band[:, a:b] for a, b in cells[:n]], expected)
    return verdict == "same" and _boundary(band, cells[n - 1:])


def _boundary(band: np.ndarray, cells: list) -> bool:
    """cells[0] is the name's last character; is what follows it not part of the name?"""
    h = band.shape[0]
    last = cells[0]
    if len(cells) == 1:
        return band.shape[1] - last[1] >= 0.3 * h       # not cut off by the crop
    nxt = cells[1]
    if nxt[0] - last[1] >= 0.6 * h:
        return True
    cell = band[:, nxt[0]:nxt[1]]
    rows = np.nonzero(cell.any(axis=1))[0]
    if nxt[1] - nxt[0] < 0.4 * h and (len(rows) == 0 or rows[-1] - rows[0] < 0.5 * h):
        return True                        # a comma, colon or full stop: small ink
    label = cells[1:1 + len(FIELD_LABEL)]
    # Both characters of the label must verify: one cell that looks like 性 could be 恒 or 悦.
    return len(label) == len(FIELD_LABEL) and judge_cells([band[:, a:b] for a, b in label], FIELD_LABEL)[0] == "same"


def is_colon(cell: np.ndarray, dots_only: bool = False) -> bool:
    """A narrow ink column holding little ink, or two dots one above the other (a bold colon has more ink
    than the first test allows; the narrow left part of a character, 亻, is one tall stroke). dots_only:
    the two dots only (the lone left dot of 小 is little ink too)."""
    h, w = cell.shape
    if w >= 0.35 * h:
        return False
    if not dots_only and cell.sum() < 0.05 * h * h:
        return True
    pieces = runs(cell.any(axis=1))
    return len(pieces) == 2 and all(b - a < 0.35 * h for a, b in pieces)


def is_stop(cell: np.ndarray) -> bool:
    """A comma, full stop or colon: narrow ink lying wholly in the lower half, or a colon's two dots."""
    h, w = cell.shape
    rows = np.nonzero(cell.any(axis=1))[0]
    if len(rows) == 0 or w >= 0.35 * h:
        return False
    return bool(rows[0] >= 0.5 * h) or is_colon(cell, dots_only=True)


def char_cells(band: np.ndarray) -> list[tuple[int, int]]:
    """Column spans of single characters: ink runs joined while they still fit one full-width glyph.
    A colon set tight after a character (姓名:蔡佳) stays a cell of its own."""
    h = band.shape[0]
    cells: list[tuple[int, int]] = []
    for a, b in column_runs(band, 2):
        if cells and b - cells[-1][0] <= 1.05 * h and a - cells[-1][1] < 0.3 * h \
                and not is_colon(band[:, a:b], dots_only=True):
            cells[-1] = (cells[-1][0], b)
        else:
            cells.append((a, b))
    return cells


def find_label(band: np.ndarray, label: str, min_similarity: float = 0.6) -> int | None:
    """Right edge of the printed label (e.g. 姓名) on a line band, found by glyph comparison."""
    cells = char_cells(band)
    best = None
    for i in range(len(cells) - len(label) + 1):
        sims = [glyphs.similarity(glyphs.normalise(band[:, a:b]), ch) for (a, b), ch in zip(cells[i:], label)]
        score = min(sims)
        if best is None or score > best[0]:
            best = (score, cells[i + len(label) - 1][1])
    return best[1] if best and best[0] >= min_similarity else None


def clean_hit(text: str, expected: str) -> bool:
    """expected occurs in text (whitespace ignored) not followed by another Chinese character: 王伟 is not 王伟明.
    A wide gap (three or more spaces: the next field of a form row) ends the name like punctuation does."""
    for part in re.split(r"\s{3,}", text):
        flat = "".join(part.split())
        start = flat.find(expected)
        while start >= 0:
            nxt = flat[start + len(expected):start + len(expected) + 1]
            if not ("\u4e00" <= nxt <= "\u9fff"):
                return True
            start = flat.find(expected, start + 1)
    return False
