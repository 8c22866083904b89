"""`photo_present`: a portrait in the photo box (top right of the form), found by a learned face detector."""
from __future__ import annotations

import functools

import cv2
import numpy as np

from verifier.result import FAIL, PASS, CheckResult

PHOTO_REGION = (0.5, 0.0, 1.0, 0.5)   # the form's top right quarter: photo boxes move between form versions
# The region is searched at this size, with the detector's image pyramid upsampled once: the HOG window is
# 80 px, so faces from about 40 px of this view up are found (a 25 mm photo box on an A4 page is ~170 px),
# and a shaken or defocused face keeps enough of its edges to score above the boundary.
SEARCH_SIDE = 700
# dlib's detection score: 0 is the boundary it was trained to. Drawn and photographic portraits in the photo box
# score 0.2-2.5, blurred or grey; seals, emblems and print, when they register at all, stay below it.
MIN_SCORE = 0.0


@functools.cache
def _detector():
    import dlib

    return dlib.get_frontal_face_detector()


def warm_up() -> None:
    _detector()


def find_faces(image: np.ndarray, side: int = SEARCH_SIDE) -> list[tuple[list[int], float]]:
    """Upright frontal faces as ([x, y, w, h] in image pixels, detector score), best first."""
    s = side / max(image.shape[:2])
    small = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    rects, scores, _ = _detector().run(np.ascontiguousarray(small[..., ::-1]), 1, MIN_SCORE)
    found = [([int(r.left() / s), int(r.top() / s), int(r.width() / s), int(r.height() / s)], float(sc))
             for r, sc in zip(rects, scores)]
    return sorted(found, key=lambda f: -f[1])


def region(doc: np.ndarray) -> tuple[np.ndarray, list[int]]:
    h, w = doc.shape[:2]
    fx0, fy0, fx1, fy1 = PHOTO_REGION
    x0, y0, x1, y1 = int(fx0 * w), int(fy0 * h), int(fx1 * w), int(fy1 * h)
    return doc[y0:y1, x0:x1], [x0, y0, x1 - x0, y1 - y0]


def check_photo(doc: np.ndarray) -> CheckResult:
    crop, (rx, ry, rw, rh) = region(doc)
    faces = find_faces(crop)
    if faces:
        (x, y, w, h), score = faces[0]
        return CheckResult("photo_present", PASS, min(0.97, 0.7 + score / 5), True, "照片框内检测到人像照片",
                           [rx + x, ry + y, w, h])
    return CheckResult("photo_present", FAIL, 0.8, False, "照片框内未检测到人像照片（空白或非人像）", [rx, ry, rw, rh])
