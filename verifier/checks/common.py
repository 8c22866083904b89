"""Helpers shared by the checks: ROI cropping by fractions, OCR preprocessing variants, text cleanup."""
from __future__ import annotations

import re

import cv2
import numpy as np

CJK = re.compile(r"[\u4e00-\u9fff]")


def roi(image: np.ndarray, fx0: float, fy0: float, fx1: float, fy1: float) -> tuple[np.ndarray, list[int]]:
    """Crop by fractions of width/height; returns the crop and its [x, y, w, h] box."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = int(fx0 * w), int(fy0 * h), int(fx1 * w), int(fy1 * h)
    return image[y0:y1, x0:x1], [x0, y0, x1 - x0, y1 - y0]


def gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def text_variants(image: np.ndarray, dark_text: bool = True):
    """Lazily yield preprocessed versions of a text ROI, cheapest and most often right first."""
    g = gray(image)
    if not dark_text:
        g = 255 - g
    yield pad(g)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 8)).apply(g)
    _, otsu = cv2.threshold(cv2.GaussianBlur(clahe, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield pad(otsu)
    big = cv2.resize(g, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    yield pad(big)
    adaptive = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 12)
    yield pad(adaptive)


def pad(g: np.ndarray) -> np.ndarray:
    # Tesseract misses glyphs touching the border; a white margin is cheap insurance.
    return cv2.copyMakeBorder(g, 12, 12, 12, 12, cv2.BORDER_REPLICATE)


def cjk_only(text: str | None) -> str:
    return "".join(CJK.findall(text or ""))


def id_chars(text: str | None) -> str:
    """Keep what can be part of an ID number; Tesseract often reads X as x or ×."""
    text = (text or "").upper().replace("×", "X")
    return re.sub(r"[^0-9X]", "", text)


def text_lines(image: np.ndarray, min_height: int = 8) -> list[tuple[int, int]]:
    """(top, bottom) row ranges of text lines, from the dark-pixel row profile."""
    g = gray(image)
    _, ink = cv2.threshold(g, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    profile = ink.mean(axis=1)
    on = profile > max(0.02, float(np.percentile(profile, 50)) * 1.5)
    return [(a, b) for a, b in runs(on) if b - a >= min_height]


def lowest_line(image: np.ndarray, box: list[int], min_height: int = 8) -> tuple[np.ndarray, list[int]]:
    """Crop image (whose box is `box` in document pixels) to its lowest text line, with a margin."""
    lines = text_lines(image, min_height)
    if not lines:
        return image, box
    top, bottom = lines[-1]
    pad = max(4, (bottom - top) // 3)
    y0, y1 = max(0, top - pad), min(image.shape[0], bottom + pad)
    return image[y0:y1], [box[0], box[1] + y0, box[2], y1 - y0]


def flatten(g: np.ndarray, stroke: int = 31) -> np.ndarray:
    """Divide out uneven light and paper tint: Tesseract drops whole lines on a lighting gradient."""
    g = gray(g)
    small = cv2.resize(g, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    k = max(3, stroke // 4) | 1
    bg = cv2.medianBlur(cv2.dilate(small, np.ones((k, k), np.uint8)), k)
    bg = cv2.resize(bg, (g.shape[1], g.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(g.astype(np.float32) / np.maximum(bg, 1) * 245, 0, 255).astype(np.uint8)


def ink_columns(g: np.ndarray, margin: int = 12) -> tuple[int, int]:
    """First and last columns holding dark ink (with a margin), for trimming a line crop."""
    dark = (g < min(160, int(np.median(g)) - 40)).sum(axis=0) > 0
    xs = np.nonzero(dark)[0]
    if len(xs) == 0:
        return 0, g.shape[1]
    return max(0, int(xs[0]) - margin), min(g.shape[1], int(xs[-1]) + margin)


def remove_rules(g: np.ndarray, line: bool = False) -> np.ndarray:
    """Paint table rules and box lines white: Tesseract reads a line touching a rule as garbage.

    line: g is one text line with a margin. Its glyph strokes are as long as the page kernels, so there a
    vertical rule must cross the whole crop and a horizontal one be longer than a glyph is wide (国 would
    otherwise lose its sides and read as 玉)."""
    # Rules are thin and light after blur and resampling: a loose threshold, the long kernels do the picking.
    ink = (g < min(215, int(np.median(g)) - 20)).astype(np.uint8) * 255
    h, w = g.shape[:2]
    h_len, v_len = max(25, w // 12), max(25, h // 12)
    if line:
        h_len, v_len = max(h_len, int(1.5 * h)), max(5, int(0.9 * h))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, h_len), np.uint8))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((v_len, 1), np.uint8))
    rules = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
    out = g.copy()
    out[rules > 0] = int(np.percentile(g, 90))
    return out


def runs(mask) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-D mask, end exclusive: the text rows of an ink profile."""
    out, start = [], None
    for i, v in enumerate(list(mask) + [False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i))
            start = None
    return out
