"""Find the document in a photo or scan, warp it flat to a canonical size, and map boxes back."""
from __future__ import annotations

import cv2
import numpy as np

SEARCH_LONG_SIDE = 640          # contour search runs on a small copy: fast and ignores text detail
MIN_AREA_FRACTION = 0.12
MIN_SHAPED_FRACTION = 0.03      # a card of known shape, outlined crisply all round, may be small
CLEAN_BEYOND = 14               # px at SEARCH_LONG_SIDE: a complete outline's outside still differs this far out
SOFT_EDGE_STEP = 0.9            # an outline with colour contrast this complete may have soft edges...
SOFT_CANNY = (10, 30)           # ...found with these Canny thresholds
CROPPED_TO_CARD = 0.04          # a photo this close to a card's proportions is the card (3:2 photos are 5.4 % off)


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(1), np.diff(pts, axis=1).ravel()
    return np.array([pts[s.argmin()], pts[d.argmin()], pts[s.argmax()], pts[d.argmax()]], np.float32)


def find_quad(image: np.ndarray, aspect: float | None) -> np.ndarray | None:
    """Corners (original pixels) of the best-supported document quad, or None."""
    scale = SEARCH_LONG_SIDE / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    area_img = small.shape[0] * small.shape[1]
    cropped = _cropped_to_card(aspect, image.shape)
    floor = MIN_SHAPED_FRACTION if _card_shaped(aspect) and not cropped else MIN_AREA_FRACTION
    edges, soft = _edge_map(small), None
    smooth = cv2.blur(small, (7, 7)).astype(np.float32)
    clean, rough = [], []
    for mask in _candidate_masks(small):
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            # Hull area: an outline with a gap in it is still the outline of the document.
            area = cv2.contourArea(cv2.convexHull(c))
            if area < floor * area_img or area > 0.985 * area_img:
                continue
            quad = _as_quad(c)
            if quad is None or not _aspect_ok(quad, aspect):
                continue
            centred = _plausible(quad, small.shape, area / area_img)
            if centred is None:
                continue
            centred = centred and area >= MIN_AREA_FRACTION * area_img
            # A real outline has image edges along all four sides; a blob merged with background clutter
            # may be large but its hull cuts across flat regions. On a textured desk edges are everywhere,
            # so a true outline must also separate two different colours.
            support = crisp = edge_support(edges, quad)
            step, on_border = side_contrast(smooth, quad)
            if step >= SOFT_EDGE_STEP and support < 0.6:
                # Colour differs across every side all along, but a side's edge is soft (a shaken photo, a
                # lit page on a lit desk): look for it with Canny's thresholds lowered. (Not crisp: on a busy
                # desk the lowered thresholds find edges everywhere.)
                soft = soft if soft is not None else _edge_map(small, SOFT_CANNY)
                support = edge_support(soft, quad)
            if support < 0.6 or step < 0.45:
                continue
            fraction = cv2.contourArea(quad) / area_img
            if not centred and not (aspect is not None and on_border == 0 and crisp >= 0.9 and step >= 0.9):
                continue      # small or off-centre: only an outline of the known shape, crisp all round
            if on_border == 0 and crisp >= 0.9 and step >= 0.8 \
                    and side_contrast(smooth, quad, beyond=CLEAN_BEYOND)[0] >= 0.8:
                # Among complete outlines, one whose sides do not all separate paper from desk was bridged
                # into the desk's grain or clutter beside the page: its extra size must not buy it the win.
                # And what lies outside must differ further out too: a region of a form's table, whose
                # ruled lines run just outside it, is not an outline (a scanned page, its own edges at the
                # frame, has no complete outline of its own to beat it).
                clean.append((fraction * step ** 2, quad))
            rough.append((fraction * support ** 3 * step ** 2, quad))
    # A complete, crisp outline beats a bigger one that leans on the frame or on clutter. In a photo
    # cropped to the card, the frame is the card's outline: nothing that leans on it is better.
    pool = clean or ([] if cropped else rough)
    return None if not pool else max(pool, key=lambda t: t[0])[1] / scale


def colour_edges(small: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Canny on each colour channel: a blue card on a brown desk can have the same grey level."""
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    if blur.ndim == 2:
        return cv2.Canny(blur, lo, hi)
    return np.maximum.reduce([cv2.Canny(blur[..., i], lo, hi) for i in range(3)])


def _edge_map(small: np.ndarray, canny: tuple[int, int] = (20, 60)) -> np.ndarray:
    edges = colour_edges(small, *canny)
    # Tolerant: contours of closed edge bands sit a few pixels inside or outside the true edge.
    return cv2.dilate(edges, np.ones((21, 21), np.uint8))


def edge_support(edges: np.ndarray, quad: np.ndarray) -> float:
    """Share of points along the quad's sides that lie on an edge (each side counts equally)."""
    h, w = edges.shape
    shares = []
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        t = np.linspace(0.05, 0.95, 40)[:, None]
        pts = (p * (1 - t) + q * t).astype(int)
        inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        # A side on the image border (scan, or paper cut off) gives no edge; count it as neutral.
        if inside.mean() < 0.5 or _on_border(pts, w, h):
            shares.append(0.75)
            continue
        pts = pts[inside]
        shares.append(float((edges[pts[:, 1], pts[:, 0]] > 0).mean()))
    return float(np.mean(shares)) if min(shares) > 0.3 else 0.0


def side_contrast(smooth: np.ndarray, quad: np.ndarray, offset: float = 6, step: float = 18,
                  beyond: float | None = None) -> tuple[float, int]:
    """(mean over sides of the share of points whose colour inside and outside differ by > step,
    number of sides on the image border). beyond: the colour further out, this far, must differ from the
    inside too (a desk does; a ruled line just outside a region of the page does not)."""
    h, w = smooth.shape[:2]
    centre = quad.mean(0)
    shares, on_border = [], 0
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        t = np.linspace(0.1, 0.9, 30)[:, None]
        pts = p * (1 - t) + q * t
        d = q - p
        n = np.array([d[1], -d[0]]) / max(float(np.linalg.norm(d)), 1e-6)
        if np.dot(n, (p + q) / 2 - centre) < 0:
            n = -n
        inner = np.round(pts - offset * n).astype(int)
        outers = [np.round(pts + o * n).astype(int) for o in (offset, beyond) if o is not None]
        ok = _inside_image(inner, w, h)
        for outer in outers:
            ok &= _inside_image(outer, w, h)
        if ok.mean() < 0.5:
            shares.append(0.75)       # side on or beyond the image border (scan, cut-off paper): neutral
            on_border += 1
            continue
        a = smooth[inner[ok, 1], inner[ok, 0]].reshape(ok.sum(), -1)
        differ = np.ones(int(ok.sum()), bool)
        for outer in outers:
            b = smooth[outer[ok, 1], outer[ok, 0]].reshape(ok.sum(), -1)
            differ &= np.linalg.norm(a - b, axis=1) > step
        shares.append(float(differ.mean()))
    return (float(np.mean(shares)) if min(shares) > 0.25 else 0.0), on_border


def _inside_image(pts: np.ndarray, w: int, h: int) -> np.ndarray:
    return (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)


def _on_border(pts: np.ndarray, w: int, h: int, tol: int = 4) -> bool:
    return bool((pts[:, 0] < tol).all() or (pts[:, 0] > w - 1 - tol).all()
                or (pts[:, 1] < tol).all() or (pts[:, 1] > h - 1 - tol).all())


def _candidate_masks(small: np.ndarray):
    """Binary masks whose outer contours may be the document (bright paper, or strong edges)."""
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    edges = colour_edges(small, 30, 90)
    yield cv2.morphologyEx(edges, cv2.MORPH_CLOSE, kernel, iterations=2)
    # Weak or dashed outlines (light card on light desk, glare) need wider bridging.
    yield cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8), iterations=3)
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield cv2.morphologyEx(otsu, cv2.MORPH_CLOSE, kernel, iterations=3)
    # Paper is low-saturation; many desks are not. Helps when paper and desk have similar brightness.
    sat = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)[:, :, 1]
    _, low_sat = cv2.threshold(cv2.GaussianBlur(sat, (7, 7), 0), 0, 255,
                               cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    yield cv2.morphologyEx(low_sat, cv2.MORPH_OPEN, kernel, iterations=2)
    # Busy desks break every edge-based mask; the document is usually in the middle of the photo, so
    # pixels coloured like the middle (its stock) outline it even when edges are everywhere.
    lab = cv2.cvtColor(cv2.blur(small, (9, 9)), cv2.COLOR_BGR2LAB).astype(np.float32)
    h, w = lab.shape[:2]
    centre = np.median(lab[int(0.4 * h):int(0.6 * h), int(0.4 * w):int(0.6 * w)].reshape(-1, 3), axis=0)
    dist = np.linalg.norm(lab - centre, axis=2)
    for limit in (14, 26):
        near = cv2.morphologyEx((dist < limit).astype(np.uint8), cv2.MORPH_OPEN, kernel, iterations=2)
        yield _centre_component(near)


def _centre_component(mask: np.ndarray) -> np.ndarray:
    """Only the blob covering most of the image centre (the colour mask is seeded there)."""
    n, labels = cv2.connectedComponents(mask)
    h, w = mask.shape
    patch = labels[int(0.45 * h):int(0.55 * h), int(0.45 * w):int(0.55 * w)].ravel()
    patch = patch[patch > 0]
    if n < 2 or len(patch) == 0:
        return np.zeros_like(mask)
    return (labels == np.bincount(patch).argmax()).astype(np.uint8) * 255


def _as_quad(contour: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    poly = cv2.approxPolyDP(hull, 0.012 * peri, True).reshape(-1, 2).astype(np.float64)
    if len(poly) == 4:
        return order_corners(poly)
    if len(poly) < 4:
        return None
    # Rounded card corners or a clipped page corner add short edges: keep the four longest sides
    # and intersect them, which puts the corners where the straight edges meet.
    n = len(poly)
    lengths = [np.linalg.norm(poly[(i + 1) % n] - poly[i]) for i in range(n)]
    longest = sorted(sorted(range(n), key=lambda i: -lengths[i])[:4])
    if sum(lengths[i] for i in longest) < 0.7 * peri:
        return None
    corners = []
    for k in range(4):
        i, j = longest[k], longest[(k + 1) % 4]
        pt = _intersect(poly[i], poly[(i + 1) % n], poly[j], poly[(j + 1) % n])
        if pt is None:
            return None
        corners.append(pt)
    quad = np.array(corners, np.float32)
    if not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return None
    return order_corners(quad)


def _plausible(quad: np.ndarray, shape, fraction: float) -> bool | None:
    """None unless the corners are near the frame and no side collapsed; then whether the quad is large or
    covers the middle of the photo (people centre what they photograph; a portrait or logo off to one side
    is not the document, but an outline of the expected shape crisp all round is: see find_quad)."""
    h, w = shape[:2]
    if (quad[:, 0] < -0.1 * w).any() or (quad[:, 0] > 1.1 * w).any() or (quad[:, 1] < -0.1 * h).any() \
            or (quad[:, 1] > 1.1 * h).any():
        return None
    sides = [np.linalg.norm(quad[(i + 1) % 4] - quad[i]) for i in range(4)]
    if min(sides) < 0.2 * max(sides):
        return None
    return fraction >= 0.35 or cv2.pointPolygonTest(quad.reshape(-1, 1, 2), (w / 2, h / 2), False) >= 0


def _card_shaped(aspect: float | None) -> bool:
    """Whether a small outline (under MIN_AREA_FRACTION of the photo) of this shape may be the document.
    A card is small beside what surrounds it (a card copied onto an A4 scan fills 7 % of it). A page is
    never small in its own photo, and a pasted 1-inch portrait (25 x 35 mm) has a page's proportions: on a
    scan the page fills edge to edge, the portrait is the only crisp outline there is."""
    return aspect is not None and max(aspect, 1 / aspect) > 1.5


def _cropped_to_card(aspect: float | None, shape) -> bool:
    """Whether the photo itself has a card's shape: it was cropped to the card (a scanning app's output).
    Its small crisp outlines are then the UnionPay logo or the chip, and its frame is the card's edge."""
    if not _card_shaped(aspect):
        return False
    h, w = shape[:2]
    photo, card = max(w, h) / max(min(w, h), 1), max(aspect, 1 / aspect)
    return abs(photo - card) / card <= CROPPED_TO_CARD


def _intersect(p1, p2, p3, p4):
    d1, d2 = p2 - p1, p4 - p3
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-6:
        return None
    t = ((p3[0] - p1[0]) * d2[1] - (p3[1] - p1[1]) * d2[0]) / den
    return p1 + t * d1


def _aspect_ok(quad: np.ndarray, aspect: float | None) -> bool:
    if aspect is None:
        return True
    w = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    h = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    ratio = max(w, h) / max(min(w, h), 1)
    target = max(aspect, 1 / aspect)
    # Phone perspective stretches a card by up to ~20 %; a form's inner table (about 1.2:1) must still not
    # be taken for the A4 page (1.41:1), so pages get a tighter band.
    return abs(ratio - target) / target < (0.17 if target > 1.5 else 0.12)


def warp(image: np.ndarray, quad: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Warp quad to size (w, h), rolling corners so the quad's long side lands on the target's long side.

    Returns the warped image and the homography from warped pixels back to original pixels.
    """
    w, h = size
    # Opposite sides averaged: under strong perspective the near side of a page standing upright can be
    # as long as its (far) top edge.
    across = np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])
    down = np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])
    if (across >= down) != (w >= h):
        quad = np.roll(quad, 1, axis=0)   # document lies on its side; 90 vs 270 is settled later
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    out = cv2.warpPerspective(image, m, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
    return out, np.linalg.inv(m)


def full_quad(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)


def rotate180(doc: np.ndarray, to_original: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h, w = doc.shape[:2]
    flip = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], np.float64)
    return cv2.rotate(doc, cv2.ROTATE_180), to_original @ flip


def box_to_original(box, to_original: np.ndarray | None, shape: tuple[int, int]) -> list[int] | None:
    """Map an [x, y, w, h] box in document pixels to the bounding box in uploaded-image pixels."""
    if box is None:
        return None
    x, y, w, h = box
    if to_original is None:
        return [int(x), int(y), int(w), int(h)]
    pts = np.array([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]], np.float64)
    mapped = cv2.perspectiveTransform(pts, to_original)[0]
    x0, y0 = np.clip(mapped.min(0), 0, None)
    x1 = min(mapped[:, 0].max(), shape[1])
    y1 = min(mapped[:, 1].max(), shape[0])
    return [int(x0), int(y0), int(max(x1 - x0, 1)), int(max(y1 - y0, 1))]
