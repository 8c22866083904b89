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
from verifier.checks.common import CJK, flatten, gray, runs

# Frequent surnames and given-name characters: the alternatives a cell is compared against.
COMMON = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
          "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
          "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红文斌玉珍辉鹏飞宇浩然子涵欣怡轩思远俊晓东春梅"
          "海燕丹凤佳琪婷雪松立新庆永亮振德秀小云峰金林波宁琳凯健鑫慧颖晨阳光荣彬博一天成瑞瑶倩雨琦嘉诚欢乐婉莹"
          "晶蕾蓉萍玲珊璐洁淑惠爱玮炜昊睿泽航旭毅坤鸿翔龙虎豪杨柳菲菊琴茜艺紫蕊楠锋钢铭鹤震霖霆耀嵩岩山川河江海")
SAME_MIN = 0.66          # a cell this similar to the expected glyph, and no alternative better, is that glyph
DIFF_MARGIN = 0.09       # an alternative this much better than the expected glyph is evidence of a different one
DIFF_MAX = 0.64
CLEAR_ALT = 0.75         # a rival this similar is a clear other character even when no cell of the line verifies


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
        # A different character is evidence only on a legible line: another cell of it verifies, or the
        # character it looks like instead is clear. On a blurred line every cell compares poorly, and one
        # rival that happens to fit better is noise, not another name.
        legible = "same" in verdicts or any(r[3] >= CLEAR_ALT for r, v in zip(rows, verdicts) if v == "differs")
        return ("differs" if legible else "unclear"), rows
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


# ---- grey-level verification of the whole name, for blurred or shaken photos ------------------------------
# A binary mask of a defocused or shaken 20 px line merges strokes, so cell features no longer tell 磊 from 晶.
# Grey ink keeps what the blur left: the rendered name, blurred the same way, is compared with the page, and
# each character has to beat every other common name character rendered and blurred alike in its place.

SURNAMES = COMMON[:COMMON.index("伟")]
COMPOUND_SURNAMES = ("欧阳", "司徒", "上官", "诸葛", "东方", "皇甫", "令狐", "夏侯", "慕容", "尉迟", "长孙", "公孙")
# Given-name characters besides COMMON that a printed name may hold instead of the roster's.
STRIP_EXTRA = ("帆帅康莉露娇媛妍薇瑜璇琦婕妮娅媚姗婧雯霏馨蓓琼瑾璟钰铃怡悦恒愉婉茹蓉芬芸芝莲荷莎萱菁蓝"
               "梓桐楷彤棋森栋柏权彦韬韵靖竹笑翠青歌诗舒语谦贤达迪逸通进运锦铮阔雄雅雁霄骏鹰麟"
               "安宏宝宗定宜宪家容富寒尚岚崇巍希常庭廷彪征德心忠思恩惠意慈才承拓捷敬斐"
               "旺昆昌昭晖晗景智朗朝木本来松枫柯树栩根格桦桢楚正毓民汉沛泉泓法洪洲淼清"
               "源溪滨漫潇澜瀚灿炎烨烽焕煜照熙爽珂珏珑琛琨瑟璋生甜皓益盛真瞻砚硕祥福禄秋"
               "稳章童端策筱箐米素纯纬维绍继绮缘罡美群羽耀聪育胜臻致舟良艾芊芮花芷苑若茂茗"
               "菡萌萧蓬蔚薪虹蛟西言誉贝贞财越跃辰迎钊钦铁银锐镇长闻阁隆雨震顺颂飘香骁")
STRIP_ALTS = "".join(dict.fromkeys(COMMON + STRIP_EXTRA))
# Blur kernels tried on the rendered strip, in page pixels: defocus (Gaussian sigma) and shake (line length,
# angle in degrees).
DEFOCUS = (0.6, 1.2, 2.0, 3.0, 4.5)
SHAKE = tuple((length, angle) for length in (5, 9, 14) for angle in (0, 45, 90, 135))
LOCATE_EM = 9            # the page is searched scaled so that the name's em is this many pixels
LOCATE_MIN = 0.75        # a place the lightly blurred strip matches worse than this is not worth verifying
                         # (the bold sans strip matches a serif diploma line only about 0.8)
STRIP_MIN = 0.8          # the blurred expected strip must correlate this well with the page
CELL_MIN = 0.8           # each character's window must correlate this well with its blurred glyph,
CELL_SPREAD = 0.08       # ... not much worse than the strip as a whole (one unlike character hides in a strip),
CELL_MARGIN = 0.03       # ... and this much better than with any other name character in its place
DETAIL = 0.15            # rivals are compared on detail finer than this share of the em (see _detail)
SURNAME_MARGIN = 0.01    # (the surname only has to be the likeliest surname: see _rivals)
LABEL_MIN = 0.7          # the label's last character before the name: its window correlates this well,
LABEL_MARGIN = 0.06      # ... and this much better than any name character in its place (see _label_before)
BLANK_MAX = 0.3          # ink next to the name, as a share of the name's own ink per character: a gap or a stop


def darkness(image: np.ndarray) -> np.ndarray:
    """Ink darkness 0..1 of a grey page or crop, light evened out (a shadow is not ink)."""
    return 1 - flatten(gray(image)).astype(np.float32) / 255


def _kernels() -> list:
    """Defocus sigmas and normalised shake lines, the blurs a phone photo of a page gets."""
    out: list = list(DEFOCUS)
    for length, angle in SHAKE:
        k = np.zeros((length | 1, length | 1), np.float32)
        c = (length | 1) // 2
        dx, dy = np.cos(np.radians(angle)) * c, np.sin(np.radians(angle)) * c
        cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
        out.append(k / k.sum())
    return out


KERNELS = _kernels()


def _blur(strip: np.ndarray, kernel) -> np.ndarray:
    """The strip on a margin wide enough for the kernel, blurred by it (a sigma or a shake line)."""
    pad = int(3 * kernel) + 1 if np.isscalar(kernel) else kernel.shape[0] // 2 + 1
    padded = cv2.copyMakeBorder(strip, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    if np.isscalar(kernel):
        return cv2.GaussianBlur(padded, (0, 0), kernel)
    return cv2.filter2D(padded, -1, kernel, borderType=cv2.BORDER_CONSTANT)


def strip_styles() -> list[tuple[int, bool]]:
    """(face, heavy) of the strips tried: every installed face, as drawn and thickened."""
    return [(face, heavy) for face in glyphs.strip_faces() for heavy in (False, True)]


def locate_name(dark: np.ndarray, expected: str, em_range: tuple[float, float], keep: int = 3) -> list[tuple]:
    """Likely places of the expected name on a page: (score, x, y, em), best first (at most keep, none that
    match worse than LOCATE_MIN). The page is scaled so that each em size tried becomes LOCATE_EM (never
    enlarged) and searched for the lightly blurred strip in the bold sans face (blurred, the face matters
    little here; _fit picks it)."""
    found = []
    em = em_range[0]
    while em <= em_range[1]:
        f = min(1.0, LOCATE_EM / em)
        small = cv2.resize(dark, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        size = max(8, round(em * f))
        template = _blur(glyphs.render_strip(expected, size, 1)[0], 0.8)
        if small.shape[0] > template.shape[0] and small.shape[1] > template.shape[1]:
            res = cv2.matchTemplate(small, template, cv2.TM_CCOEFF_NORMED)
            for _ in range(3):
                _, score, _, (x, y) = cv2.minMaxLoc(res)
                found.append((score, (x + 1) / f, (y + 1) / f, em))   # +1: the margin of the blurred strip
                res[max(0, y - 4):y + 5, max(0, x - 8):x + 9] = -1
        em *= 1.15
    found.sort(reverse=True)
    distinct: list[tuple] = []
    for cand in (c for c in found if c[0] >= LOCATE_MIN):
        if all(abs(cand[1] - d[1]) > d[3] or abs(cand[2] - d[2]) > d[3] / 2 for d in distinct):
            distinct.append(cand)
    return distinct[:keep]


def _placed(dark: np.ndarray, text: str, size: int, style, kernel, x: float, y: float):
    """(score, region origin, offset) of the best placement of the blurred strip near (x, y), or None."""
    template = _blur(glyphs.render_strip(text, size, *style)[0], kernel)
    m = size // 3
    x0, y0 = max(0, int(x) - m - template.shape[1] // 8), max(0, int(y) - m)
    region = dark[y0:y0 + template.shape[0] + 2 * m, x0:x0 + template.shape[1] + 2 * m + size // 2]
    if region.shape[0] < template.shape[0] or region.shape[1] < template.shape[1]:
        return None
    _, score, _, at = cv2.minMaxLoc(cv2.matchTemplate(region, template, cv2.TM_CCOEFF_NORMED))
    return score, (x0, y0), at


def _fit(dark: np.ndarray, expected: str, x: float, y: float, em: float):
    """The em size, style and blur under which the expected strip best matches the page near (x, y), found
    one after the other (size and style under a middle blur, then the blur, then the style again):
    (score, size, style, kernel, region origin, offset of the blurred strip in the region), or None."""
    def best_of(options):
        scored = [(p, opt) for opt in options for p in [_placed(dark, expected, *opt, x, y)] if p is not None]
        return max(scored, key=lambda s: s[0][0], default=None)

    sizes = sorted({max(8, round(em * s)) for s in (0.9, 0.96, 1.02, 1.08, 1.15)})
    first = best_of([(size, style, DEFOCUS[1]) for size in sizes for style in strip_styles()])
    if first is None:
        return None
    _, (size, style, _) = first
    _, (_, _, kernel) = best_of([(size, style, k) for k in KERNELS])
    (score, origin, at), (size, style, kernel) = best_of([(size, s, kernel) for s in strip_styles()])
    return score, size, style, kernel, origin, at


def _window_score(region: np.ndarray, template: np.ndarray, x0: int, x1: int) -> float:
    """Correlation of columns x0..x1 of a template placed at (1, 1) in the region with the same columns of
    the region, allowing a 1 px shift either way."""
    part = template[:, x0:x1]
    if part.std() < 1e-4:
        return 0.0
    return float(cv2.matchTemplate(region[:, x0:x1 + 2], part, cv2.TM_CCOEFF_NORMED).max())


def is_surname(expected: str, i: int) -> bool:
    """Whether the i-th character of the roster name is (part of) its surname."""
    return i < (2 if expected[:2] in COMPOUND_SURNAMES else 1)


def _detail(image: np.ndarray, size: int) -> np.ndarray:
    """The image less its local mean over a fifth of an em: what tells one blurred character from another
    (磊 from 嘉) rather than where ink is at all, which every rival shares."""
    return image - cv2.GaussianBlur(image, (0, 0), DETAIL * size)


def _rivals(expected: str, i: int, read: str) -> str:
    """Characters the i-th printed one could be instead: other surnames for the surname (a look-alike surname
    with the very same given name is no real case, and 董 and 雷 blur alike), name characters and
    Tesseract's reading for the given name."""
    pool = SURNAMES if is_surname(expected, i) else STRIP_ALTS + "".join(CJK.findall(read))
    return "".join(c for c in dict.fromkeys(pool) if c != expected[i])


def verify_strip(dark: np.ndarray, expected: str, x: float, y: float, em: float,
                 read: str = "", label_tails: str = "", label_scales: tuple[float, ...] = (1.0,)
                 ) -> tuple[str, str]:
    """('same' | 'unclear', detail) for the name found near (x, y) of a darkness page: the whole blurred strip
    and each character correlate well, each character better than any other name character in its place,
    and no other character stands right before or after it (王伟 is not 王伟明, nor 王伟 of 张王伟) but
    for the end of a label (label_tails: the last characters of the labels a name follows)."""
    fit = _fit(dark, expected, x, y, em)
    if fit is None or fit[0] < STRIP_MIN:
        return "unclear", f"整行相似度 {0 if fit is None else fit[0]:.2f}"
    score, size, style, kernel, (rx, ry), (ax, ay) = fit
    strip, edges = glyphs.render_strip(expected, size, *style)
    placed = _blur(strip, kernel)
    pad = (placed.shape[1] - strip.shape[1]) // 2
    top, left = ry + ay - 1, rx + ax - 1          # the region holds the strip plus a 1 px shift all round
    h, w = placed.shape[0] + 2, placed.shape[1] + 2
    if top < 0 or left < 0 or top + h > dark.shape[0] or left + w > dark.shape[1]:
        return "unclear", "姓名靠近图像边缘"
    region = dark[top:top + h, left:left + w]
    fine = _detail(dark[max(0, top - size):top + h + size, max(0, left - size):left + w + size], size)
    fine = fine[top - max(0, top - size):, left - max(0, left - size):][:h, :w]
    cells = []
    for i, ch in enumerate(expected):
        a, b = edges[i] + pad - pad // 2, edges[i + 1] + pad + pad // 2
        s_exp = _window_score(region, placed, a, b)
        if s_exp < CELL_MIN or s_exp < score - CELL_SPREAD:
            return "unclear", f"整行 {score:.2f}；{ch}≈{s_exp:.2f}"
        s_exp = _window_score(fine, _detail(placed, size), a, b)
        s_alt, alt = max((_window_score(fine, _detail(_blur(glyphs.render_strip(
            expected[:i] + c + expected[i + 1:], size, *style)[0], kernel), size), a, b), c)
            for c in _rivals(expected, i, read))
        cells.append(f"{ch}≈{s_exp:.2f}/{alt}≈{s_alt:.2f}")
        if s_exp - s_alt < (SURNAME_MARGIN if is_surname(expected, i) else CELL_MARGIN):
            return "unclear", f"整行 {score:.2f}；" + "；".join(cells)
    detail = f"整行 {score:.2f}；" + "；".join(cells)
    x0, y0 = left + 1 + pad, top + 1 + pad
    before, after = _clear_sides(dark, x0, y0, strip, edges)
    if not after or not before and not _label_before(dark, x0, y0, size, style, kernel, label_tails, label_scales):
        return "unclear", detail + "；姓名前后有其他字"
    return "same", detail


def _label_before(dark: np.ndarray, x: int, y: int, size: int, style, kernel, tails: str,
                  label_scales: tuple[float, ...] = (1.0,)) -> bool:
    """The ink right before the name at (x, y) is the end of its label (学生 邱瑶, 交款人 武斌飞): within
    1.6 em left of it, the last character of a label matches better than any name character would, at
    one of label_scales of the name's size (an ID card prints its labels smaller than the name; the name
    characters it is compared with are drawn at that size too)."""
    blur_pad = (_blur(glyphs.render_char(tails[0], size, *style), kernel).shape[0] - size) // 2 + 1 if tails else 0
    x0, y0 = x - int(1.6 * size) - blur_pad, y - blur_pad
    if not tails or x0 < 0 or y0 < 0 or y + size + blur_pad > dark.shape[0]:
        return False
    raw = dark[y0:y + size + blur_pad, x0:x + blur_pad]
    region = _detail(raw, size)

    def score(image: np.ndarray, template: np.ndarray) -> float:
        return float(cv2.matchTemplate(image, template, cv2.TM_CCOEFF_NORMED).max())

    for scale in label_scales:
        at = max(8, round(size * scale))

        def blurred(c: str) -> np.ndarray:
            return _blur(glyphs.render_char(c, at, *style), kernel)

        tail, ch = max((score(region, _detail(blurred(c), at)), c) for c in tails)
        rival = max(score(region, _detail(blurred(c), at)) for c in STRIP_ALTS if c not in tails)
        # The label is printed beside the name and blurred alike, yet the kernel fitted to the name leaves
        # it less alike than a name cell (a shake fitted as defocus): a lower floor, a wider lead over every
        # name character instead.
        if score(raw, blurred(ch)) >= LABEL_MIN and tail - rival >= LABEL_MARGIN:
            return True
    return False


def _clear_sides(dark: np.ndarray, x: int, y: int, strip: np.ndarray, edges) -> tuple[bool, bool]:
    """Whether there is no character-sized ink in the character cell right before, and right after, the
    name at (x, y) on the page (a colon, a comma or a gap is fine). A quarter-em margin keeps the name's own
    blur out. A side cut off by the page edge is not clear: a character could be beyond."""
    size = strip.shape[0]
    rows = dark[y:y + size]
    gap = size // 4
    if x - gap - size < 0 or x + edges[-1] + gap + size > rows.shape[1]:
        return x - gap - size >= 0, False
    base = float(np.median(rows))
    per_char = float(np.clip(rows[:, x:x + edges[-1]] - base, 0, None).sum()) / len(edges[1:])
    before = rows[:, x - gap - size:x - gap]
    after = rows[:, x + edges[-1] + gap:x + edges[-1] + gap + size]
    ink = [float(np.clip(side - base, 0, None).sum()) for side in (before, after)]
    return per_char > 0 and ink[0] <= BLANK_MAX * per_char, per_char > 0 and ink[1] <= BLANK_MAX * per_char
