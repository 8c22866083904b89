"""Find an 18-character ID-number line anywhere in an image: the fallback when the card outline is wrong.

A card on a light keyboard or lying on other papers gives an outline that misses the card or includes the
paper, so the number is not where the card layout puts it. Here text-line blobs of the right shape are found
by morphology, each is straightened by its own angle and read with a digit whitelist. Only a read that passes
GB 11643 or equals the expected number is ever returned: a stray line of digits is no evidence.
"""
from __future__ import annotations

import cv2
import numpy as np

from verifier import ocr
from verifier.checks import namematch
from verifier.checks.common import gray, id_chars
from verifier.checksums import gb11643_valid

WORK_LONG_SIDE = 1400
ASPECT = (9.0, 30.0)        # long / short side of the ink blob of an 18-character line
LINE_HEIGHT = (7, 90)       # px at the working size
MAX_CANDIDATES = 6
PAD = 0.45                  # margin around a straightened line, in line heights
READ_HEIGHT = 44            # a straightened line is scaled to this height before OCR


def line_candidates(image: np.ndarray, aspect: tuple[float, float] = ASPECT) -> list[tuple[tuple, float]]:
    """Rotated rects ((cx, cy), (w, h), angle) of number-shaped blobs (original pixels), likeliest first."""
    g = gray(image)
    scale = min(1.0, WORK_LONG_SIDE / max(g.shape[:2]))
    small = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else g
    found = []
    for size in (15, 27):
        ink = _ink(small, size)
        for kernel in ((9, 9), (15, 15), (25, 5)):
            mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, kernel))
            found += _shaped(mask, scale, aspect)
    kept = _distinct(sorted(found, key=lambda t: t[1]))
    # The number line stands alone on the card; lines of a printed paper under it come in stacks.
    ranked = sorted(kept, key=lambda t: t[1] + 0.5 * _stacked(t[0], kept))
    return ranked[:MAX_CANDIDATES]


def _stacked(rect, others) -> int:
    """How many other candidate lines lie just above or below rect, overlapping it along the line."""
    (cx, cy), (w, h), angle = rect
    a = np.deg2rad(angle)
    along, across = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    n = 0
    for (ox, oy), (ow, _), _ in (o[0] for o in others):
        d = np.array([ox - cx, oy - cy])
        if 0.5 * h < abs(d @ across) < 2.2 * h and abs(d @ along) < (w + ow) / 2:
            n += 1
    return n


def _ink(g: np.ndarray, size: int) -> np.ndarray:
    """Dark strokes thinner than size: black-hat removes paper, card tint and desk texture."""
    hat = cv2.morphologyEx(g, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    _, ink = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink &= ((hat > 25) * 255).astype(np.uint8)
    return ink


def _shaped(mask: np.ndarray, scale: float, aspect: tuple[float, float]) -> list[tuple]:
    out = []
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in contours:
        if len(c) < 5:
            continue
        (cx, cy), (w, h), angle = cv2.minAreaRect(c)
        long, short = max(w, h), min(w, h)
        if short < LINE_HEIGHT[0] or short > LINE_HEIGHT[1] or not aspect[0] <= long / short <= aspect[1]:
            continue
        fill = cv2.contourArea(c) / max(long * short, 1)
        if fill < 0.45:
            continue
        if w < h:
            angle += 90
        rect = ((cx / scale, cy / scale), (long / scale, short / scale), angle)
        out.append((rect, abs(long / short - 17) / 17 - 0.3 * fill))
    return out


def _distinct(found: list[tuple]) -> list[tuple]:
    kept = []
    for rect, score in found:
        (cx, cy), (_, h), _ = rect
        if all(np.hypot(cx - k[0][0][0], cy - k[0][0][1]) > 0.5 * h for k in kept):
            kept.append((rect, score))
    return kept


def straighten(image: np.ndarray, rect, height: int = READ_HEIGHT, pad: float = PAD,
               pad_along: float | None = None, colour: bool = False) -> np.ndarray:
    """The rect's pixels turned level (long side horizontal), with a margin (in line heights; pad_along at
    the ends, default pad), scaled to height; grey unless colour (foil digits may differ only in hue)."""
    (cx, cy), (w, h), angle = rect
    w_out = w + 2 * (pad if pad_along is None else pad_along) * h
    pad = pad * h
    h_out = h + 2 * pad
    rot = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    rot[0, 2] += w_out / 2 - cx
    rot[1, 2] += h_out / 2 - cy
    line = cv2.warpAffine(image if colour else gray(image), rot, (int(w_out), int(h_out)), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)
    s = height / max(h_out, 1)
    return cv2.resize(line, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)


def find_number(image: np.ndarray, expected: str | None, today=None) -> tuple[str, list[int], tuple] | None:
    """(number, axis-aligned box in image pixels, rotated rect) of a line reading as expected or as a
    GB 11643-valid number, or None. Both 0 and 180 degrees are read: the card may lie either way up; the
    rect's angle turns the line upright (it includes the half turn when the line was read upside down)."""
    return search(image, expected, today)[0]


def search(image: np.ndarray, expected: str | None, today=None) -> tuple[tuple | None, tuple | None]:
    """(find_number's answer, upright rect of the first line that reads as 17-18 ID characters or None).

    The second is only a landmark (the name is found relative to it), never a number to report."""
    valid, landmark = None, None
    for rect, _ in line_candidates(image):
        line = straighten(image, rect)
        for turn, view in ((0, line), (180, line[::-1, ::-1])):
            read = id_chars(ocr.ocr_text(np.ascontiguousarray(view), psm=7, whitelist="0123456789X", timeout=3))
            windows = [read[i:i + 18] for i in range(max(0, len(read) - 17))]
            upright = _trimmed((rect[0], rect[1], rect[2] + turn), view) if len(read) >= 17 else None
            if expected and expected in windows:
                return (expected, line_box(rect), upright), upright
            ok = [w for w in windows if gb11643_valid(w, today)]
            if ok and valid is None:
                valid = (ok[0], line_box(rect), upright)
            if upright is not None and landmark is None and 17 <= len(read) <= 19:
                landmark = upright
    return valid, (valid[2] if valid else landmark)


def _trimmed(rect, view: np.ndarray) -> tuple:
    """rect shrunk to the widest group of glyphs on its (straightened, upright) line: the blob may have
    taken in the 公民身份号码 label, which would misplace everything measured from the line."""
    (cx, cy), (w, h), angle = rect
    ink = namematch.ink_mask(view)
    runs = namematch.column_runs(ink, max(3, int(0.45 * view.shape[0])))
    if not runs:
        return rect
    x0, x1 = max(runs, key=lambda r: r[1] - r[0])
    s = view.shape[0] / (h + 2 * PAD * h)
    length = (x1 - x0) / s
    if length < 0.5 * w:
        return rect
    u = (x0 + x1) / 2 / s - (w + 2 * PAD * h) / 2     # along the upright line, from its centre
    a = np.deg2rad(angle)
    return (cx + np.cos(a) * u, cy + np.sin(a) * u), (length, h), angle


def region_from_line(image: np.ndarray, rect, fx0: float, fy0: float, fx1: float, fy1: float) -> np.ndarray:
    """The image turned so the line is level and upright, cropped to a region given in line lengths from
    the line's centre (x right, y down): the card layout in the line's own frame."""
    (cx, cy), (length, _), angle = rect
    w, h = int((fx1 - fx0) * length), int((fy1 - fy0) * length)
    rot = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    rot[0, 2] -= cx + fx0 * length
    rot[1, 2] -= cy + fy0 * length
    return cv2.warpAffine(image, rot, (max(w, 1), max(h, 1)), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)


def region_box(rect, fx0: float, fy0: float, fx1: float, fy1: float) -> list[int]:
    """Axis-aligned [x, y, w, h] (image pixels) of a region_from_line region."""
    (cx, cy), (length, _), angle = rect
    a = np.deg2rad(angle)
    c, s = np.cos(a), np.sin(a)
    pts = []
    for fx, fy in ((fx0, fy0), (fx1, fy0), (fx1, fy1), (fx0, fy1)):
        u, v = fx * length, fy * length        # OpenCV's angle turns the image anticlockwise to level the line
        pts.append((cx + c * u - s * v, cy + s * u + c * v))
    pts = np.array(pts)
    x0, y0 = np.maximum(pts.min(0), 0)
    x1, y1 = pts.max(0)
    return [int(x0), int(y0), int(max(1, x1 - x0)), int(max(1, y1 - y0))]


def line_box(rect) -> list[int]:
    pts = cv2.boxPoints(rect)
    x0, y0 = pts.min(0)
    x1, y1 = pts.max(0)
    return [int(max(0, x0)), int(max(0, y0)), int(x1 - max(0, x0)), int(y1 - max(0, y0))]
