"""`seal_present`: a round red seal (ring + inner mark); red titles, pen lines and text are not seals."""
from __future__ import annotations

import cv2
import numpy as np

from verifier.result import FAIL, PASS, UNSURE, CheckResult

WORK_WIDTH = 620
SQUARE = 0.9              # squareness: discs, rings and ellipses pi/4 (real seals, pixelated, up to 0.84), square stamps ~1
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


def squareness(component: np.ndarray) -> float:
    """The share of its smallest enclosing rectangle (at any angle) that a blob's convex hull fills: a disc
    or a ring fills pi/4 of it (0.79), a square stamp's frame all of it, whatever the turn."""
    pts = cv2.findNonZero(component.astype(np.uint8))
    if pts is None or len(pts) < 5:
        return 0.0
    (_, _), (rw, rh), _ = cv2.minAreaRect(pts)
    return float(cv2.contourArea(cv2.convexHull(pts)) / max(rw * rh, 1.0))


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
    raw = cv2.resize(doc, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = white_balance(raw)
    if not is_colour(small):
        # A faint seal can be too small a share of the page to lift the saturation percentile; only a
        # complete red seal structure overrides the greyscale verdict.
        found = ink_seal(raw)
        if found is not None:
            return _ink_result(found, scale)
        return _grey_result(small, scale, "图片为黑白/灰度，无法确认红色印章，请上传彩色原件")
    first = _hsv_seal(small, scale)
    if first is not None and first.status == PASS:
        if not _thumbprint(raw, first.box, scale):
            return first
        first = CheckResult("seal_present", UNSURE, 0.4, first.value, "红色圆形印迹纹理似指印，请人工核对印章",
                            first.box)
    # Stamp ink is uneven (pressure falloff, grain, pink to magenta pads, multiplied onto the page), so the
    # saturated-red mask can break the ring into pieces: look again on a paper-relative redness map.
    found = ink_seal(raw)
    if found is not None:
        return _ink_result(found, scale)
    return first or _grey_result(small, scale, None)


def _hsv_seal(small: np.ndarray, scale: float) -> CheckResult | None:
    """The first pass: saturated red components shaped like a hollow disc with ink on their outer ring."""
    mask = red_mask(small)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(closed)
    best = None
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if not (0.08 * WORK_WIDTH <= max(w, h) <= 0.45 * WORK_WIDTH) or not 0.75 <= w / max(h, 1) <= 1.33:
            continue
        if disc_fill(mask[y:y + h, x:x + w]) > MAX_FILL:
            continue                  # a solid red patch (photo backdrop, emblem), not a hollow seal
        if squareness(labels[y:y + h, x:x + w] == i) > SQUARE:
            continue                  # a square name stamp (姓名章), not the union's round seal
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
    return None


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


# ---- second pass: red ink relative to the local paper, circle search, ring + inner mark structure ----------

RED_CHROMA = 0.06     # green/blue absorbed this much more than red, as a share of the local paper brightness
RED_PURITY = 0.3      # ... and that difference is this share of the ink's absorption: grey toner is ~0
MIN_R, MAX_R = 22, 130   # seal radius in WORK_WIDTH pixels (a seal is about a fifth of the page width across)


def paper_absorption(small: np.ndarray) -> np.ndarray:
    """Per-channel share of the local paper brightness that the ink absorbs (0 paper .. 1 black).

    Dividing by a local paper estimate (the brightest pixels around) cancels tinted light, shadows and
    vignetting, so grey toner stays grey and faint stamp ink keeps its hue."""
    f = small.astype(np.float32)
    h, w = f.shape[:2]
    q = cv2.resize(f, (max(w // 4, 1), max(h // 4, 1)), interpolation=cv2.INTER_AREA)
    paper = cv2.GaussianBlur(cv2.dilate(q, np.ones((9, 9), np.uint8)), (0, 0), 3)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(1 - f / np.maximum(paper, 1), 0, 1)


def red_ink(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of red stamp/pen ink, mask of any ink) for a BGR image."""
    a = paper_absorption(small)
    other = np.maximum(a[..., 0], a[..., 1])
    chroma = np.minimum(a[..., 0], a[..., 1]) - a[..., 2]
    red = (chroma >= RED_CHROMA) & (chroma >= RED_PURITY * other)
    return red.astype(np.uint8) * 255, (red | (other >= 0.12)).astype(np.uint8) * 255


def _without_lines(mask: np.ndarray) -> np.ndarray:
    """Drop long straight strokes (red table rules, underlines): a seal ring has none."""
    n = WORK_WIDTH // 10
    lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, n), np.uint8)) | \
        cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((n, 1), np.uint8))
    return mask & ~cv2.dilate(lines, np.ones((3, 3), np.uint8))


BINS = 72                # angular bins for ring coverage (5 degrees)


def _shrink(m: np.ndarray | None) -> float:
    """The most m shrinks a distance: how far to reach in the image to cover a radius in the mapped circle."""
    return float(min(np.linalg.svd(m, compute_uv=False))) if m is not None else 1.0


def _polar(mask: np.ndarray, cx: float, cy: float, reach: float, m: np.ndarray | None):
    """(distance, angle bin) of the mask's pixels within reach of (cx, cy); m maps an ellipse to a circle."""
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    ys, xs = np.nonzero(mask[y0:int(cy + reach) + 1, x0:int(cx + reach) + 1])
    dx, dy = xs + x0 - cx, ys + y0 - cy
    if m is not None:
        dx, dy = m[0, 0] * dx + m[0, 1] * dy, m[1, 0] * dx + m[1, 1] * dy
    return np.hypot(dx, dy), ((np.arctan2(dy, dx) + np.pi) / (2 * np.pi) * BINS).astype(int) % BINS


def seal_profile(red: np.ndarray, ink: np.ndarray, cx: float, cy: float, r: float,
                 m: np.ndarray | None = None) -> dict:
    """Radial structure of red ink around a circle of radius r (or an ellipse that m maps to it): angular
    coverage of the ring, of the bands outside it and of the lettering band inside it; ink density in the
    centre (the star), in the band between star and lettering and in the lettering; the share of all ink
    on the ring that is red."""
    reach = 1.55 * r / _shrink(m)
    d, ang = _polar(red, cx, cy, reach, m)
    d = d / r
    area_scale = abs(np.linalg.det(m)) if m is not None else 1.0     # pixels are sparser where m stretches

    def coverage(lo, hi):
        return len(np.unique(ang[(d >= lo) & (d < hi)])) / BINS

    def density(lo, hi):
        return float(((d >= lo) & (d < hi)).sum() * area_scale / (np.pi * (hi * hi - lo * lo) * r * r))

    di = _polar(ink, cx, cy, reach, m)[0] / r
    on_ring = int(((d >= 0.9) & (d < 1.07)).sum())
    return {"ring": coverage(0.9, 1.07), "outside": coverage(1.22, 1.45), "text": coverage(0.45, 0.85),
            "beyond": coverage(1.12, 1.5), "centre": density(0, 0.3), "gap": density(0.36, 0.55),
            "lettering": density(0.6, 0.85),
            "red_share": on_ring / max(int(((di >= 0.9) & (di < 1.07)).sum()), 1)}


def outer_ring(red: np.ndarray, cx: float, cy: float, r: float, m: np.ndarray | None = None) -> float | None:
    """Radius of the outermost closed red ring near a circle found at radius r (the circle search may lock
    on an inner ring or the lettering), or None."""
    reach = 1.6 * r / _shrink(m)
    d, ang = _polar(red, cx, cy, reach, m)
    for rho in np.arange(1.5 * r, 0.7 * r, -max(1.0, 0.02 * r)):
        sel = np.abs(d - rho) <= max(1.5, 0.035 * rho)
        if len(np.unique(ang[sel])) >= 0.75 * BINS:
            return float(rho)
    return None


def ellipse_map(red: np.ndarray, cx: float, cy: float, r: float):
    """(cx, cy, a, m) for a seal seen at a slant (a page photographed at an angle without its outline found):
    an ellipse fitted to the outermost red ink around the circle found, m mapping it onto a circle of
    radius a. None when the outline is not elliptical enough to fit."""
    x0, y0 = max(0, int(cx - 1.4 * r)), max(0, int(cy - 1.4 * r))
    ys, xs = np.nonzero(red[y0:int(cy + 1.4 * r) + 1, x0:int(cx + 1.4 * r) + 1])
    dx, dy = xs + x0 - cx, ys + y0 - cy
    d = np.hypot(dx, dy)
    keep = (d >= 0.6 * r) & (d <= 1.4 * r)
    if keep.sum() < 30:
        return None
    dx, dy, d = dx[keep], dy[keep], d[keep]
    ang = ((np.arctan2(dy, dx) + np.pi) / (2 * np.pi) * BINS).astype(int) % BINS
    order = np.lexsort((d, ang))
    last = np.r_[ang[order][1:] != ang[order][:-1], True]         # the farthest pixel in each angle bin
    pts = np.stack([dx[order][last] + cx, dy[order][last] + cy], 1).astype(np.float32)
    if len(pts) < 0.75 * BINS:
        return None
    (ex, ey), (w, h), deg = cv2.fitEllipse(pts)
    a = max(w, h) / 2
    if min(w, h) < 0.6 * max(w, h) or not 0.6 * r <= a <= 1.6 * r:
        return None
    t = np.radians(deg)
    rot = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
    return float(ex), float(ey), float(a), np.diag([a / (w / 2), a / (h / 2)]) @ rot


def is_seal(p: dict) -> bool:
    """A closed red ring; nothing red just outside it (a red patch, photo backdrop or the corners of a square
    name stamp would be); lettering inside and a mark in the centre, with a clear band between them (a red
    thumbprint is ridged all over); in ink that is red rather than grey with a colour cast."""
    return p["ring"] >= 0.8 and p["outside"] <= 0.5 and p["beyond"] <= 0.5 and p["text"] >= 0.25 \
        and p["centre"] >= 0.1 and p["gap"] <= 0.3 and p["lettering"] <= 0.5 and p["red_share"] >= 0.4


def ink_seal(raw: np.ndarray):
    """(cx, cy, r, profile) of the best seal-like red circle (or slanted ellipse) in a WORK_WIDTH image."""
    red, ink = red_ink(raw)
    red = _without_lines(red)
    if cv2.countNonZero(red) < 200:
        return None
    circles = cv2.HoughCircles(cv2.GaussianBlur(red, (0, 0), 2), cv2.HOUGH_GRADIENT, dp=1, minDist=30,
                               param1=100, param2=25, minRadius=MIN_R, maxRadius=MAX_R)
    best = None
    for cx, cy, r in (circles[0][:30] if circles is not None else []):
        cx, cy, r = float(cx), float(cy), float(r)
        found = _seal_at(red, ink, cx, cy, r, None)
        if found is None:
            fit = ellipse_map(red, cx, cy, r)
            found = _seal_at(red, ink, fit[0], fit[1], fit[2], fit[3]) if fit is not None else None
        if found is not None and (best is None or found[3]["ring"] > best[3]["ring"]):
            best = found
    return best


def _seal_at(red, ink, cx: float, cy: float, r: float, m):
    r = outer_ring(red, cx, cy, r, m)
    if r is None:
        return None
    p = seal_profile(red, ink, cx, cy, r, m)
    if not is_seal(p):
        return None
    reach = r / _shrink(m)
    return (cx, cy, r, p) if straight_sides(red, cx, cy, reach) < 2 else None


def straight_sides(red: np.ndarray, cx: float, cy: float, r: float) -> int:
    """Straight strokes at least as long as the radius that end near a candidate: a square name stamp's
    frame has four, a round seal's ring and lettering none."""
    x0, y0 = max(0, int(cx - 1.5 * r)), max(0, int(cy - 1.5 * r))
    crop = red[y0:int(cy + 1.5 * r) + 1, x0:int(cx + 1.5 * r) + 1]
    lines = cv2.HoughLinesP(crop, 1, np.pi / 180, threshold=max(10, int(0.6 * r)), minLineLength=r, maxLineGap=3)
    if lines is None:
        return 0
    sides = []                       # distinct directions/offsets: one frame side gives many near-copies
    for x1, y1, x2, y2 in lines[:, 0]:
        if max(np.hypot(x1 + x0 - cx, y1 + y0 - cy), np.hypot(x2 + x0 - cx, y2 + y0 - cy)) > 1.45 * r \
                or np.hypot((x1 + x2) / 2 + x0 - cx, (y1 + y2) / 2 + y0 - cy) > 1.15 * r:
            continue                 # a rule or pen line running past, or a stamp beside it: not its frame
        t = np.arctan2(y2 - y1, x2 - x1) % np.pi
        off = (x1 * np.sin(t) - y1 * np.cos(t))
        if not any(min(abs(t - u), np.pi - abs(t - u)) < 0.2 and abs(off - o) < 0.3 * r for u, o in sides):
            sides.append((t, off))
    return len(sides)


def _thumbprint(raw: np.ndarray, box: list[int], scale: float) -> bool:
    """What the first pass took for a seal is a red thumbprint: ridged ink all across the disc, no clear band
    between the centre and the lettering."""
    x, y, w, h = (v * scale for v in box)
    red, ink = red_ink(raw)
    p = seal_profile(red, ink, x + w / 2, y + h / 2, (w + h) / 4)
    return p["gap"] > 0.45 and p["lettering"] > 0.5


def _ink_result(found, scale: float) -> CheckResult:
    cx, cy, r, p = found
    box = [int((cx - r) / scale), int((cy - r) / scale), int(2 * r / scale), int(2 * r / scale)]
    return CheckResult("seal_present", PASS, min(0.95, 0.45 + p["ring"] / 2), round(p["ring"], 2),
                       "检测到红色圆形印章", box)
