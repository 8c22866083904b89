"""Document geometry: find a page or card outline, flatten it to a canonical size, turn it over."""
from __future__ import annotations

import numpy as np

from verifier import geometry
from verifier.result import DocImage

CARD = (856, 540)          # 85.6 x 54 mm at 10 px/mm
A4 = (1240, 1754)          # 150 dpi
# A page whose outline is not found keeps the photo's proportions, flattened this long: what a 300 dpi scan or
# a close photo of A4 holds.
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
