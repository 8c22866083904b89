"""`seal_present`: a round red seal (ring + inner mark); red titles, pen lines and text are not seals."""
from __future__ import annotations

import cv2
import numpy as np

from verifier.result import FAIL, PASS, UNSURE, CheckResult

WORK_WIDTH = 620
MAX_FILL = 0.42           # seals cover 0.2-0.35 of their disc; red photo backdrops around a head 0.45+


def red_mask(bgr: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red_hue = (h <= 10) | (h >= 160)
    # Red ink over white paper is strongly saturated; skin and wood are less so.
    return (red_hue & (s >= 80) & (v >= 70)).astype(np.uint8) * 255


def is_colour(bgr: np.ndarray) -> bool:
    """False for greyscale scans, where red ink cannot be told from black."""
    sat = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)[..., 1]
    return float(np.percentile(sat, 99.5)) > 40


def ring_score(mask: np.ndarray, cx: float, cy: float, r: float) -> tuple[float, float]:
    """(share of angles with ink on the outer ring, ink density in the centre)."""
    angles = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    hits = 0
    for a in angles:
        ok = False
        for k in (0.84, 0.88, 0.92, 0.96, 1.0):
            x, y = int(cx + k * r * np.cos(a)), int(cy + k * r * np.sin(a))
            if 0 <= y < mask.shape[0] and 0 <= x < mask.shape[1] and mask[y, x]:
                ok = True
                break
        hits += ok
    c = mask[max(0, int(cy - r * 0.3)):int(cy + r * 0.3), max(0, int(cx - r * 0.3)):int(cx + r * 0.3)]
    return hits / len(angles), float((c > 0).mean()) if c.size else 0.0


def disc_fill(patch: np.ndarray) -> float:
    """Share of the inscribed ellipse covered by red ink; a seal (ring, text, star) covers about a quarter."""
    h, w = patch.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    inside = ((xx - w / 2) / max(w / 2, 1)) ** 2 + ((yy - h / 2) / max(h / 2, 1)) ** 2 <= 1
    return float((patch[inside] > 0).mean()) if inside.any() else 0.0


def white_balance(bgr: np.ndarray) -> np.ndarray:
    """Scale channels so the paper (brightest quarter) is neutral: warm lamp light turns grey ink reddish."""
    g = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    paper = bgr[g >= np.percentile(g, 75)].reshape(-1, 3).astype(np.float32)
    if len(paper) < 50:
        return bgr
    white = np.median(paper, axis=0)
    gain = white.mean() / np.maximum(white, 1)
    return np.clip(bgr.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def check_seal(doc: np.ndarray) -> CheckResult:
    scale = WORK_WIDTH / doc.shape[1]
    small = white_balance(cv2.resize(doc, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    if not is_colour(small):
        return _grey_result(small, scale, "图片为黑白/灰度，无法确认红色印章，请上传彩色原件")
    mask = red_mask(small)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed)
    best = None
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if not (0.08 * WORK_WIDTH <= max(w, h) <= 0.45 * WORK_WIDTH) or not 0.75 <= w / max(h, 1) <= 1.33:
            continue
        if disc_fill(mask[y:y + h, x:x + w]) > MAX_FILL:
            continue                  # a solid red patch (photo backdrop, emblem), not a hollow seal
        cx, cy, r = x + w / 2, y + h / 2, (w + h) / 4
        ring, centre = ring_score(mask, cx, cy, r)
        score = ring * 0.8 + min(centre, 0.25)
        if best is None or score > best[0]:
            best = (score, ring, centre, [x, y, w, h])
    if best and best[1] >= 0.7 and best[2] >= 0.04:
        box = [int(v / scale) for v in best[3]]
        return CheckResult("seal_present", PASS, min(0.97, 0.5 + best[1] / 2), round(best[1], 2), "检测到红色圆形印章", box)
    if best and best[1] >= 0.5:
        box = [int(v / scale) for v in best[3]]
        return CheckResult("seal_present", UNSURE, 0.4, round(best[1], 2), "疑似印章但不完整，请人工核对", box)
    return _grey_result(small, scale, None)


def _grey_result(small: np.ndarray, scale: float, reason: str | None) -> CheckResult:
    """A round ring in grey/black suggests a photocopied seal: 'unsure', never 'pass'."""
    g = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 1.5)
    circles = cv2.HoughCircles(g, cv2.HOUGH_GRADIENT, dp=1.5, minDist=60, param1=120, param2=60,
                               minRadius=int(0.05 * WORK_WIDTH), maxRadius=int(0.2 * WORK_WIDTH))
    ink = (g < 160).astype(np.uint8)
    rings = [c for c in (circles[0] if circles is not None else []) if ring_score(ink, *c)[0] >= 0.75]
    if rings:
        cx, cy, r = rings[0]
        box = [int((cx - r) / scale), int((cy - r) / scale), int(2 * r / scale), int(2 * r / scale)]
        return CheckResult("seal_present", UNSURE, 0.5, None, reason or "印章非红色，疑似复印件，请上传原件", box)
    if reason:
        return CheckResult("seal_present", UNSURE, 0.3, None, reason, None)
    return CheckResult("seal_present", FAIL, 0.85, None, "未检测到红色圆形印章（基层工会盖章）", None)
