"""Helpers shared by the checks: grey conversion, text normalisation, and the second readers' readings."""
from __future__ import annotations

import re

import cv2
import numpy as np

from verifier import dddd, ocr

CJK = re.compile(r"[\u4e00-\u9fff]")
# Line crops are read at these heights (px). The detector's boxes hold the glyphs with 15-40 % margin, so the
# glyphs come out 40-57 px high at the first, which Tesseract reads best, and smaller at the next two, where
# the relief edges of raised digits close up into strokes.
CROP_HEIGHTS = (67, 47, 33)
# Tesseract's models, asked in this order: English, then the Latin-script model (a larger network trained on the
# text of every Latin-script language), whose misreadings of raised digits fall on other glyphs. On two
# independent synthetic card sets (65 cards read right by the learned reader) either model alone confirmed 58
# numbers, the two together 62.
SECOND_MODELS = ("eng", "Latin")


def gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def cjk_only(text: str | None) -> str:
    return "".join(CJK.findall(text or ""))


def id_chars(text: str | None) -> str:
    """Keep what can be part of an ID number; readers give X as x or ×."""
    text = (text or "").upper().replace("×", "X")
    return re.sub(r"[^0-9X]", "", text)


def pad(g: np.ndarray) -> np.ndarray:
    # Tesseract misses glyphs touching the border; a margin is cheap insurance.
    return cv2.copyMakeBorder(g, 12, 12, 12, 12, cv2.BORDER_REPLICATE)


def second_reads(crop: np.ndarray, whitelist: str):
    """Readings of a line crop the learned reader read, by readers independent of it, cheapest first: ddddocr's
    recogniser (another network, trained on other text; one pass, ~0.01 s); then Tesseract on the crop grey as it
    is, inverted (light print on a dark card), Otsu-binarised; then, for raised digits whose face is the card's
    colour or a foil lit unevenly, how far each pixel's colour is from the local background (face and shadow
    both stand out from it, whatever the card's gradient) and how much lighter it is, at three sizes; each
    model of SECOND_MODELS that is installed reads them all in turn."""
    yield dddd.read(crop)
    made: list[np.ndarray] = []     # the views are made as the first model asks for them, then reused
    for i, lang in enumerate(m for m in SECOND_MODELS if ocr.installed(m)):
        for view in _views(crop) if i == 0 else made:
            if i == 0:
                made.append(view)
            yield ocr.ocr_text(view, lang=lang, psm=7, whitelist=whitelist, timeout=5) or ""


def _views(crop: np.ndarray):
    for height in CROP_HEIGHTS:
        s = height / max(crop.shape[0], 1)
        img = cv2.resize(crop, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
        g = gray(img)
        views = [g, 255 - g, _otsu(g)] if height == CROP_HEIGHTS[0] else []
        for view in views + _relief_views(img, height):
            yield pad(view)


def _otsu(g: np.ndarray) -> np.ndarray:
    return cv2.threshold(cv2.GaussianBlur(g, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def _relief_views(img: np.ndarray, height: int) -> list[np.ndarray]:
    """Dark-on-light views of what differs from the local background: colour distance, and lightness above it."""
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    # The background is the median over about two crop heights: wider than a stroke, narrower than a lighting
    # gradient.
    bg = cv2.medianBlur(img, min(int(height * 1.5) | 1, 255)).astype(np.float32)
    c = img.astype(np.float32)
    distance = np.sqrt(((c - bg) ** 2).sum(axis=2))
    lighter = np.clip(c.mean(axis=2) - bg.mean(axis=2), 0, None)
    return [255 - cv2.normalize(v, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8) for v in (distance, lighter)]


def confirmed(value: str, crop: np.ndarray, whitelist: str, clean) -> bool:
    """A second reader, reading the same crop on its own, finds the same value in one of its readings."""
    return any(value in clean(text) for text in second_reads(crop, whitelist))
