"""Find a small ID-1 card (85.6 x 54 mm) lying on a page: a card scanned on an A4 flatbed or photographed
on a sheet of paper. The document outline finder takes the page (its aspect is close enough to a card's,
and a card covers only 7 % of an A4 page), so the card is looked for as a region that differs from the
page around it, whatever its colour, and that fills a rectangle of the card's aspect.
"""
from __future__ import annotations

import cv2
import numpy as np

from verifier import geometry

WORK_LONG_SIDE = 900
CARD_ASPECT = 85.6 / 54.0
ASPECT_TOLERANCE = 0.14        # relative; a photo's perspective stretches the card a little
AREA_FRACTION = (0.015, 0.45)  # of the image
MIN_FILL = 0.85                # blob area / its rotated rectangle (rounded corners, a thumb on an edge)
MAX_CARDS = 2


def card_quads(image: np.ndarray) -> list[np.ndarray]:
    """Corner quads (original pixels, clockwise from top left) of card-shaped regions, largest first."""
    h, w = image.shape[:2]
    scale = min(1.0, WORK_LONG_SIDE / max(h, w))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2LAB).astype(np.float32)
    # The page is what most of the border of the image looks like.
    border = np.concatenate([lab[:8].reshape(-1, 3), lab[-8:].reshape(-1, 3), lab[:, :8].reshape(-1, 3),
                             lab[:, -8:].reshape(-1, 3)])
    page = np.median(border, axis=0)
    dist = np.linalg.norm(lab - page, axis=2)
    found = []
    for limit in (12.0, 22.0, 35.0):
        mask = (dist > limit).astype(np.uint8) * 255
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        found += _rects(mask, small.shape[:2])
    kept = []
    for area, rect in sorted(found, key=lambda t: -t[0]):
        if all(np.hypot(rect[0][0] - k[0][0], rect[0][1] - k[0][1]) > 0.2 * max(k[1]) for _, k in kept):
            kept.append((area, rect))
    return [geometry.order_corners(cv2.boxPoints(rect)) / scale for _, rect in kept[:MAX_CARDS]]


def _rects(mask: np.ndarray, shape) -> list[tuple[float, tuple]]:
    area_img = shape[0] * shape[1]
    out = []
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in contours:
        area = cv2.contourArea(c)
        if not AREA_FRACTION[0] * area_img <= area <= AREA_FRACTION[1] * area_img:
            continue
        rect = cv2.minAreaRect(c)
        w, h = rect[1]
        if min(w, h) < 1:
            continue
        if abs(max(w, h) / min(w, h) - CARD_ASPECT) / CARD_ASPECT > ASPECT_TOLERANCE:
            continue
        if area < MIN_FILL * w * h:
            continue
        out.append((area, rect))
    return out



def same_region(quad: np.ndarray, other: np.ndarray) -> bool:
    """The two quads outline about the same region (centres close, areas alike)."""
    a, b = cv2.contourArea(quad.astype(np.float32)), cv2.contourArea(other.astype(np.float32))
    if min(a, b) <= 0:
        return False
    diag = float(np.linalg.norm(quad[2] - quad[0]))
    return float(np.linalg.norm(quad.mean(0) - other.mean(0))) < 0.1 * diag and 0.8 < a / b < 1.25
