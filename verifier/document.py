"""Per-kind document geometry: locate, flatten to a canonical size, and settle 0 vs 180 degrees."""
from __future__ import annotations

import numpy as np

from verifier import geometry, textdir
from verifier.result import DocImage

CARD = (856, 540)          # 85.6 x 54 mm at 10 px/mm
A4 = (1240, 1754)          # 150 dpi
GENERIC_LONG_SIDE = 1600

SIZES = {"id_card_front": CARD, "id_card_back": CARD, "bank_card": CARD, "application_form": A4}


def locate(image: np.ndarray, kind: str) -> DocImage:
    """Find the document and warp it flat; falls back to the whole image when no outline is found."""
    size = SIZES.get(kind)
    aspect = size[0] / size[1] if size else None
    quad = geometry.find_quad(image, aspect)
    notes = []
    if quad is None:
        quad = geometry.full_quad(image)
        notes.append("未找到文件边缘，按整幅图片处理")
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


def orient(doc: DocImage, score, good: float, floor: float = 0) -> DocImage:
    """Keep the view (as is, or turned 180 degrees) that score() rates higher; try as-is first.

    The turned view must also reach floor: a stray digit read upside down is no reason to turn a page.
    """
    s0 = score(doc.doc)
    if s0 >= good:
        return doc
    other = flipped(doc)
    s1 = score(other.doc)
    return other if s1 > s0 and s1 >= floor else doc
