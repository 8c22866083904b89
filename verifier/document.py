"""Per-kind document geometry: locate, flatten to a canonical size, and settle 0 vs 180 degrees."""
from __future__ import annotations

import cv2
import numpy as np

from verifier import geometry, textdir
from verifier.result import DocImage

CARD = (856, 540)          # 85.6 x 54 mm at 10 px/mm
A4 = (1240, 1754)          # 150 dpi
# Free-layout pages (diplomas, records, receipts) are flattened at their own proportions, this long: their names
# are printed small, and chi_sim and the grey name search need the detail a 300 dpi scan or a close photo has
# (at 1600 px a 4 mm name is 20 px high and 蕾 blurs into 菁).
GENERIC_LONG_SIDE = 2600
NO_OUTLINE = "未找到文件边缘，按整幅图片处理"     # the note on a view that is the whole image

SIZES = {"id_card_front": CARD, "id_card_back": CARD, "bank_card": CARD, "application_form": A4}


def locate(image: np.ndarray, kind: str) -> DocImage:
    """Find the document and warp it flat; falls back to the whole image when no outline is found."""
    size = SIZES.get(kind)
    aspect = size[0] / size[1] if size else None
    quad = geometry.find_quad(image, aspect)
    notes = []
    if quad is None:
        quad = geometry.full_quad(image)
        notes.append(NO_OUTLINE)
        if size == A4:
            # The page is somewhere in the photo: squeezing the whole photo into A4 proportions would stretch
            # the seal into an ellipse and the face out of shape. Keep the photo's proportions, page-wise up.
            size = tuple(sorted(_own_size(quad)))
    if size is None:
        size = _own_size(quad)
    doc, to_original = geometry.warp(image, quad, size)
    return DocImage(original=image, doc=doc, to_original=to_original, notes=notes)


def _own_size(quad: np.ndarray) -> tuple[int, int]:
    w = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    h = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    s = GENERIC_LONG_SIDE / max(w, h, 1)
    return max(int(w * s), 1), max(int(h * s), 1)


def flipped(doc: DocImage) -> DocImage:
    img, m = geometry.rotate180(doc.doc, doc.to_original)
    return DocImage(original=doc.original, doc=img, to_original=m, notes=doc.notes)


def quarter_turned(doc: DocImage) -> DocImage:
    """The view turned 90 degrees clockwise (text running down becomes text running across, or upside down)."""
    img, m = geometry.rotate90(doc.doc, doc.to_original)
    return DocImage(original=doc.original, doc=img, to_original=m, notes=doc.notes)


def upright_lines(doc: DocImage) -> DocImage:
    """Turn a view whose text lines run down the image; 0 vs 180 is left to the content checks."""
    return quarter_turned(doc) if textdir.is_sideways(doc.doc) else doc


def levelled(doc: DocImage, min_angle: float = 1.5) -> DocImage:
    """The view turned so its text lines run level (a page photographed askew with no outline found)."""
    angle = geometry.skew_angle(doc.doc)
    if abs(angle) < min_angle:
        return doc
    img, m = geometry.rotate(doc.doc, doc.to_original, angle)
    return DocImage(original=doc.original, doc=img, to_original=m, notes=doc.notes)


def orient(doc: DocImage, score, good: float, floor: float = 0, deeper=None) -> DocImage:
    """Keep the view (as is, or turned 180 degrees) that score() rates higher; try as-is first.

    The turned view must also reach floor: a stray digit read upside down is no reason to turn a page.
    When neither view does, deeper() (a slower score on the same scale) decides, if given, on the same terms.
    """
    s0 = score(doc.doc)
    if s0 >= good:
        return doc
    other = flipped(doc)
    s1 = score(other.doc)
    if max(s0, s1) < floor and deeper is not None:
        s0, s1 = deeper(doc.doc), deeper(other.doc)
    return other if s1 > s0 and s1 >= floor else doc


def text_blocks(doc: DocImage, max_blocks: int = 2, min_lines: int = 2):
    """Views of the text, each turned so that one family of parallel text lines runs level and cropped to
    those lines; the family with most line length first. For a page whose outline was not found on a busy
    desk (keyboard, tablecloth, other papers): the whole photo is then levelled by the desk, and Tesseract
    reads the desk's pattern as text. 0 vs 180 degrees is left to the caller."""
    blobs, size = textdir.line_blobs(doc.doc)
    families: list[list[tuple]] = []
    for blob in sorted(blobs, key=lambda b: -b[1][0]):
        for fam in families:
            if abs((blob[2] - fam[0][2] + 90) % 180 - 90) <= 3:
                fam.append(blob)
                break
        else:
            families.append([blob])
    families = [f for f in families if len(f) >= min_lines]
    families.sort(key=lambda f: -sum(b[1][0] for b in f))
    for fam in families[:max_blocks]:
        angle = _weighted_median([b[2] for b in fam], [b[1][0] for b in fam])
        img, to_original, m = geometry.rotate(doc.doc, doc.to_original, angle, with_matrix=True)
        pts = np.concatenate([cv2.boxPoints(b) for b in fam])
        pts = pts @ m[:, :2].T + m[:, 2]
        # Wide margins along the lines: a ruled or shaded row may have given only part of its line a blob.
        span = pts.max(0) - pts.min(0)
        margin = np.array([2.5 * size + 0.15 * span[0], 2.5 * size])
        x0, y0 = np.maximum(pts.min(0) - margin, 0).astype(int)
        x1, y1 = (pts.max(0) + margin).astype(int)
        x1, y1 = min(x1, img.shape[1]), min(y1, img.shape[0])
        if x1 - x0 < 4 * size or y1 - y0 < 2 * size:
            continue
        shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], np.float64)
        yield DocImage(original=doc.original, doc=np.ascontiguousarray(img[y0:y1, x0:x1]),
                       to_original=to_original @ shift, notes=doc.notes)


def _weighted_median(values: list[float], weights: list[float]) -> float:
    order = np.argsort(values)
    cum = np.cumsum(np.asarray(weights, float)[order])
    return float(np.asarray(values)[order][int(np.searchsorted(cum, cum[-1] / 2))])
