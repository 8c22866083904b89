"""`photo_present`: a frontal face in the photo box (top right of the form), not just any picture."""
from __future__ import annotations

import functools

import cv2
import numpy as np

from verifier.checks.common import gray, roi
from verifier.result import FAIL, PASS, CheckResult

PHOTO_REGION = (0.55, 0.08, 1.0, 0.45)   # generous: photo boxes move between form versions
# Second look when no face is found there: a scan cropped to the table puts the box at the very top, and a
# page that fills only part of the view (its outline not found) makes the face small.
WIDE_REGION = (0.5, 0.0, 1.0, 0.5)
FACE_CENTRE = 60          # px: the face centre is compared at one size (small faces pack their features)
MAX_EDGES = 0.15          # Canny share at that size: faces 0.02-0.12, printed text and patterns more
SKIN_SHARE = 0.4          # share of the face centre in the skin colour box before eyes are looked for locally


@functools.lru_cache(maxsize=None)
def _cascade(name: str) -> cv2.CascadeClassifier:
    return cv2.CascadeClassifier(cv2.data.haarcascades + name)


def find_faces(region: np.ndarray, side: int = 420, min_face: float = 0.15) -> list[tuple[int, int, int, int]]:
    """Faces in region (x, y, w, h, region pixels); the region is shrunk to side px so a photo face is
    ~80-160 px; faces smaller than min_face of the shorter side are not looked for."""
    g = gray(region)
    scale = min(1.0, side / max(g.shape[:2]))
    raw = g_small_raw(g, scale)
    colour = g_small_raw(region, scale) if region.ndim == 3 else None
    min_side = max(20, int(min(raw.shape[:2]) * min_face))
    # Global equalisation first; local (CLAHE) when a shadow or tinted light lies across the photo.
    for small in (cv2.equalizeHist(raw), cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(raw)):
        for name in ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml"):
            faces = _cascade(name).detectMultiScale(small, 1.1, 5, minSize=(min_side, min_side))
            faces = [f for f in faces if _face_like(raw, f) and has_eyes(raw, f, local=_skin(colour, f))]
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
    # Edge density at a fixed size: on a small face the eyes, nose and mouth fill more of a few pixels.
    edges = cv2.Canny(cv2.resize(centre, (FACE_CENTRE, FACE_CENTRE), interpolation=cv2.INTER_LINEAR), 60, 150)
    return 40 <= float(np.median(centre)) <= 235 and float((edges > 0).mean()) < MAX_EDGES


def _skin(colour: np.ndarray | None, face) -> bool:
    """Most of the face centre is skin-coloured (the usual YCrCb box): grey print, paper and red seals are not."""
    if colour is None:
        return False
    x, y, w, h = face
    centre = colour[y + h // 4:y + 3 * h // 4, x + w // 4:x + 3 * w // 4]
    if centre.size == 0:
        return False
    ycc = cv2.cvtColor(centre, cv2.COLOR_BGR2YCrCb)
    cr, cb = ycc[..., 1], ycc[..., 2]
    return float(((cr >= 135) & (cr <= 173) & (cb >= 77) & (cb <= 127)).mean()) >= SKIN_SHARE


def has_eyes(g: np.ndarray, face, local: bool = False) -> bool:
    """A pair of eyes where a face has them: a round seal or a logo passes the face cascade and the
    smoothness test now and then, and the eye cascade fires on its ring lettering, but not as a level pair.
    local: also look on a locally equalised view, where the small soft eyes of a blurred photo stand out;
    only for a skin-coloured face, since it also makes eyes of the noise in a blank table cell."""
    x, y, w, h = (int(v) for v in face)
    top = g[max(0, y):y + int(0.62 * h), max(0, x):x + w]
    if top.size == 0:
        return False
    s = 120 / max(w, 1)
    top = cv2.resize(top, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    views = [cv2.equalizeHist(top)]
    if local:
        views.append(cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(top))
    for view in views:
        for name in ("haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml"):
            eyes = _cascade(name).detectMultiScale(view, 1.1, 3, minSize=(12, 12), maxSize=(60, 60))
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


def faces_in_box(doc: np.ndarray) -> tuple[list, list[int]]:
    """Faces found in the photo box region (doc pixels relative to the region) and that region's box."""
    region, box = roi(doc, *PHOTO_REGION)
    faces = find_faces(region)
    if not faces:
        region, box = roi(doc, *WIDE_REGION)
        faces = find_faces(region, side=560, min_face=0.08)
    return faces, box


def check_photo(doc: np.ndarray) -> CheckResult:
    faces, (rx, ry, rw, rh) = faces_in_box(doc)
    if faces:
        x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
        return CheckResult("photo_present", PASS, 0.9, True, "照片框内检测到人像照片", [rx + x, ry + y, w, h])
    box = [rx, ry, rw, rh]
    return CheckResult("photo_present", FAIL, 0.8, False, "照片框内未检测到人像照片（空白或非人像）", box)
