"""`photo_present`: a frontal face in the photo box (top right of the form), not just any picture."""
from __future__ import annotations

import functools

import cv2
import numpy as np

from verifier.checks.common import gray, roi
from verifier.result import FAIL, PASS, CheckResult

PHOTO_REGION = (0.55, 0.08, 1.0, 0.45)   # generous: photo boxes move between form versions


@functools.lru_cache(maxsize=None)
def _cascade(name: str) -> cv2.CascadeClassifier:
    return cv2.CascadeClassifier(cv2.data.haarcascades + name)


def find_faces(region: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Faces in region (x, y, w, h, region pixels); the region is shrunk so a photo face is ~80-160 px."""
    g = gray(region)
    scale = min(1.0, 420 / max(g.shape[:2]))
    raw = g_small_raw(g, scale)
    min_side = int(min(raw.shape[:2]) * 0.15)
    # Global equalisation first; local (CLAHE) when a shadow or tinted light lies across the photo.
    for small in (cv2.equalizeHist(raw), cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(raw)):
        for name in ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml"):
            faces = _cascade(name).detectMultiScale(small, 1.1, 5, minSize=(min_side, min_side))
            faces = [f for f in faces if _face_like(raw, f) and has_eyes(raw, f)]
            if faces:
                return [tuple(int(v / scale) for v in f) for f in faces]
    return []


def g_small_raw(g: np.ndarray, scale: float) -> np.ndarray:
    return cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _face_like(g: np.ndarray, face) -> bool:
    """Reject cascade hits on printed text or noise: a face centre is mid-tone skin and mostly smooth."""
    x, y, w, h = face
    centre = g[y + h // 4:y + 3 * h // 4, x + w // 4:x + 3 * w // 4]
    if centre.size == 0:
        return False
    edges = cv2.Canny(centre, 60, 150)
    return 40 <= float(np.median(centre)) <= 235 and float((edges > 0).mean()) < 0.21


def has_eyes(g: np.ndarray, face) -> bool:
    """A pair of eyes where a face has them: a round seal or a logo passes the face cascade and the
    smoothness test now and then, and the eye cascade fires on its ring lettering, but not as a level pair."""
    x, y, w, h = (int(v) for v in face)
    top = g[max(0, y):y + int(0.62 * h), max(0, x):x + w]
    if top.size == 0:
        return False
    s = 120 / max(w, 1)
    top = cv2.resize(top, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    top = cv2.equalizeHist(top)
    for name in ("haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml"):
        eyes = _cascade(name).detectMultiScale(top, 1.1, 3, minSize=(12, 12), maxSize=(60, 60))
        if _eye_pair([tuple(e) for e in eyes], 120):
            return True
    return False


def _eye_pair(eyes: list, w: int) -> bool:
    """One eye in each half of the face, level with each other, of similar size, in the upper face."""
    centres = [(x + ew / 2, y + eh / 2, ew) for x, y, ew, eh in eyes if 0.15 * w <= y + eh / 2 <= 0.6 * w]
    for (xa, ya, sa), (xb, yb, sb) in ((a, b) for a in centres for b in centres):
        if xa < 0.5 * w <= xb and 0.25 * w <= xb - xa <= 0.7 * w and abs(ya - yb) <= 0.12 * w \
                and max(sa, sb) <= 1.6 * min(sa, sb):
            return True
    return False


def check_photo(doc: np.ndarray) -> CheckResult:
    region, (rx, ry, rw, rh) = roi(doc, *PHOTO_REGION)
    faces = find_faces(region)
    if faces:
        x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
        return CheckResult("photo_present", PASS, 0.9, True, "照片框内检测到人像照片", [rx + x, ry + y, w, h])
    box = [rx, ry, rw, rh]
    return CheckResult("photo_present", FAIL, 0.8, False, "照片框内未检测到人像照片（空白或非人像）", box)


def has_face(doc: np.ndarray) -> bool:
    return bool(find_faces(roi(doc, *PHOTO_REGION)[0]))
