"""Helpers shared by the checks: grey conversion, text normalisation, and Tesseract's second reading."""
from __future__ import annotations

import re

import cv2
import numpy as np

from verifier import ocr

CJK = re.compile(r"[\u4e00-\u9fff]")
# Tesseract reads a line best with capitals about this many pixels high.
SECOND_READ_HEIGHT = 40


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
    """Tesseract's readings of a line crop the learned reader read, cheapest first: grey as it is, inverted
    (light digits on a dark card), and Otsu-binarised (foil and glare)."""
    g = gray(crop)
    s = SECOND_READ_HEIGHT / max(g.shape[0] * 0.6, 1)     # the line box holds the glyphs with ~40 % margin
    g = cv2.resize(g, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    _, otsu = cv2.threshold(cv2.GaussianBlur(g, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    for view in (g, 255 - g, otsu, 255 - otsu):
        yield ocr.ocr_text(pad(view), psm=7, whitelist=whitelist, timeout=5) or ""


def confirmed(value: str, crop: np.ndarray, whitelist: str, clean) -> bool:
    """Tesseract, reading the same crop on its own, finds the same value in one of its readings."""
    return any(value in clean(text) for text in second_reads(crop, whitelist))
