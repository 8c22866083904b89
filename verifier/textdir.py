"""Which way the text lines run (across or down the image): settles 0/180 vs 90/270 without an outline."""
from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 1000


def ink(image: np.ndarray) -> np.ndarray:
    """Small-scale dark print as a 0/1 mask; big blobs (photos, seals, table rules) removed."""
    g = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    s = WORK_SIDE / max(g.shape[:2])
    g = cv2.resize(g, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    # Black-hat keeps strokes thinner than the kernel whatever the local background (cards, shadows).
    hat = cv2.morphologyEx(g, cv2.MORPH_BLACKHAT, np.ones((15, 15), np.uint8))
    _, mask = cv2.threshold(hat, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask &= (hat > 25).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    keep = (area >= 6) & (np.maximum(w, h) <= 60) & (np.maximum(w, h) >= 3)
    keep[0] = False
    return keep[labels].astype(np.uint8)


def char_size(mask: np.ndarray) -> float:
    """Rough glyph size: CJK glyphs fall apart into radicals, so take an upper percentile of blob sizes."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    sizes = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    return float(np.percentile(sizes, 80)) if len(sizes) >= 8 else 0.0


def line_strength(mask: np.ndarray, size: float, vertical: bool) -> float:
    """Total length of long, thin blobs left after smearing the glyphs along one direction."""
    k = max(3, int(0.6 * size))
    kernel = np.ones((k, 1) if vertical else (1, k), np.uint8)
    smeared = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    contours, _ = cv2.findContours(smeared, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    total = 0.0
    for c in contours:
        _, _, w, h = cv2.boundingRect(c)
        along, across = (h, w) if vertical else (w, h)
        if along >= 3 * across and along >= 2.5 * size:
            total += along
    return total


def is_sideways(image: np.ndarray) -> bool | None:
    """True when the text runs down the image (turned 90/270), False when across, None when unclear."""
    mask = ink(image)
    size = char_size(mask)
    if size < 4:
        return None
    across = line_strength(mask, size, vertical=False)
    down = line_strength(mask, size, vertical=True)
    if max(across, down) < 6 * size:
        return None
    if down > 1.6 * across:
        return True
    if across > 1.6 * down:
        return False
    return None


def line_blobs(image: np.ndarray) -> tuple[list[tuple], float]:
    """Text lines at any angle as ((cx, cy), (length, height), angle) in image pixels, and the glyph size
    (image pixels). Glyphs are smeared along both axes; a line tilted by up to ~15 degrees still joins up,
    while the widely spaced letters of a keyboard or the squares of a tablecloth do not."""
    mask = ink(image)
    size = char_size(mask)
    s = WORK_SIDE / max(image.shape[:2])
    out = []
    if size < 4:
        return out, size / s
    k = max(3, int(0.8 * size))
    for kernel in (np.ones((1, k), np.uint8), np.ones((k, 1), np.uint8)):
        contours, _ = cv2.findContours(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel), cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            if len(c) < 5:
                continue
            (cx, cy), (w, h), angle = cv2.minAreaRect(c)
            long, short = max(w, h), min(w, h)
            if long < 4 * size or long < 5 * short:
                continue
            angle = (angle + (90 if w < h else 0) + 90) % 180 - 90      # of the long side, in [-90, 90)
            out.append(((cx / s, cy / s), (long / s, short / s), angle))
    return out, size / s
