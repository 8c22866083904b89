"""Compare a character cell of the image with rendered candidate characters (verify a known name, not read it)."""
from __future__ import annotations

import functools
import glob

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

CELL = 48                      # the glyph is scaled into a 48 x 48 cell, then described by gradient directions
GRID = 8
RENDER_SIZE = 64
FONT_GLOBS = ("/usr/share/fonts/opentype/noto/Noto*CJK-Regular.ttc", "/usr/share/fonts/opentype/noto/Noto*CJK-Bold.ttc",
              "/usr/share/fonts/truetype/wqy/*.tt?", "/usr/share/fonts/truetype/arphic/*.tt?")


@functools.lru_cache(maxsize=1)
def _fonts() -> tuple:
    fonts = []
    for pattern in FONT_GLOBS:
        for path in sorted(glob.glob(pattern)):
            try:
                # index 2 of the Noto CJK collections is the simplified Chinese face
                fonts.append(ImageFont.truetype(path, RENDER_SIZE, index=2 if "Noto" in path else 0))
            except OSError:
                continue
    return tuple(fonts)


def normalise(ink: np.ndarray) -> np.ndarray | None:
    """Ink mask (bool/0-1) -> zero-mean unit-norm CELL x CELL vector of its bounding box, aspect kept."""
    ys, xs = np.nonzero(ink)
    if len(xs) < 4:
        return None
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    h, w = crop.shape
    s = (CELL - 4) / max(h, w)
    nh, nw = max(1, round(h * s)), max(1, round(w * s))
    small = cv2.resize(crop, (nw, nh), interpolation=cv2.INTER_AREA)
    cell = np.zeros((CELL, CELL), np.float32)
    y0, x0 = (CELL - nh) // 2, (CELL - nw) // 2
    cell[y0:y0 + nh, x0:x0 + nw] = small
    return _direction_features(cell)


def _direction_features(cell: np.ndarray) -> np.ndarray | None:
    """8-direction gradient features on an 8 x 8 grid: stroke directions survive a change of typeface."""
    cell = cv2.GaussianBlur(cell, (0, 0), 1.0)
    gx = cv2.Sobel(cell, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(cell, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.sqrt(gx * gx + gy * gy)
    ang = (np.arctan2(gy, gx) % (2 * np.pi)) / (2 * np.pi) * 8
    lo = np.floor(ang).astype(int) % 8
    frac = ang - np.floor(ang)
    planes = np.zeros((8, CELL, CELL), np.float32)
    rows, cols = np.indices((CELL, CELL))
    planes[lo, rows, cols] += mag * (1 - frac)
    planes[(lo + 1) % 8, rows, cols] += mag * frac
    step = CELL // GRID
    feats = [cv2.resize(cv2.GaussianBlur(p, (0, 0), step / 2), (GRID, GRID), interpolation=cv2.INTER_AREA)
             for p in planes]
    v = np.sqrt(np.maximum(np.stack(feats).ravel(), 0))
    v -= v.mean()
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else None


@functools.lru_cache(maxsize=4096)
def templates(ch: str) -> tuple:
    out = []
    for f in _fonts():
        img = Image.new("L", (RENDER_SIZE * 2, RENDER_SIZE * 2), 0)
        ImageDraw.Draw(img).text((RENDER_SIZE // 2, RENDER_SIZE // 3), ch, fill=255, font=f)
        t = normalise(np.asarray(img) > 127)
        if t is not None:
            out.append(t)
    return tuple(out)


def similarity(cell: np.ndarray | None, ch: str) -> float:
    """Best normalised cross-correlation of a normalised cell with ch in any installed CJK face."""
    if cell is None:
        return 0.0
    return max((float((cell * t).sum()) for t in templates(ch)), default=0.0)


# Faces for whole-name strips in grey: regular and bold of a sans and a serif (bold is not a blurred regular:
# its counters fill in differently), as the fonts installed offer them.
STRIP_FACES = tuple(f"/usr/share/fonts/opentype/noto/Noto{family}CJK-{weight}.ttc"
                    for family in ("Sans", "Serif") for weight in ("Regular", "Bold"))


@functools.lru_cache(maxsize=64)
def _strip_font(face: int, size: int):
    path = STRIP_FACES[face]
    try:
        return ImageFont.truetype(path, size, index=2)
    except OSError:
        return None


def strip_faces() -> list[int]:
    """Indexes of the strip faces installed here."""
    return [i for i in range(len(STRIP_FACES)) if _strip_font(i, 20) is not None]


@functools.lru_cache(maxsize=16384)
def render_char(ch: str, size: int, face: int, heavy: bool = False) -> np.ndarray:
    """One character at em size `size`: ink darkness 0..1 (float32) of its em box, size x advance. heavy:
    strokes thickened by a pixel or two, as print heavier than the bold face comes out."""
    font = _strip_font(face, size)
    advance = max(1, round(font.getlength(ch)))
    img = Image.new("L", (advance + size, 2 * size), 0)
    ImageDraw.Draw(img).text((size // 2, size // 2), ch, fill=255, font=font)
    top = size // 2 + round(font.getmetrics()[0] - 0.88 * size)   # em box top from the ascent
    box = np.asarray(img, np.float32)[top:top + size, size // 2:size // 2 + advance] / 255
    if heavy:
        box = cv2.dilate(box, np.ones((2, 2) if size < 40 else (3, 3), np.uint8))
    return box


def render_strip(text: str, size: int, face: int, heavy: bool = False) -> tuple[np.ndarray, tuple[int, ...]]:
    """text set in one line at em size `size` (CJK has no kerning: the em boxes side by side), and the x of
    each character's advance edge (len(text) + 1 values). The em box, not the ink, fixes the rows so that
    strips differing in one character line up with each other."""
    boxes = [render_char(ch, size, face, heavy) for ch in text]
    edges = [0]
    for box in boxes:
        edges.append(edges[-1] + box.shape[1])
    return np.hstack(boxes), tuple(edges)
