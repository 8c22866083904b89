"""Thin, failure-proof wrapper around pytesseract: small ROIs, one thread, hard timeouts."""
from __future__ import annotations

import hashlib
import os

# Must be set before Tesseract starts: OpenMP threads fight each other on a 2-core box and slow every call.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
import pytesseract  # noqa: E402

DEFAULT_TIMEOUT = 10
DIGITS = "0123456789"


_MEMO: dict = {}
_MEMO_SIZE = 32


def ocr_text(image: np.ndarray, lang: str = "eng", psm: int = 7, whitelist: str | None = None,
             timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Text in an ROI, or None if Tesseract failed or timed out (callers turn None into 'unsure')."""
    # Orientation probes and the checks read the same ROI; remembering a few results saves a process start.
    key = (hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16).digest(), image.shape,
           lang, psm, whitelist)
    if key in _MEMO:
        return _MEMO[key]
    config = _config(psm, whitelist)
    try:
        text = pytesseract.image_to_string(image, lang=lang, config=config, timeout=timeout)
    except Exception:  # TesseractError, RuntimeError on timeout, OSError if the binary is missing
        text = None
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = text
    return text


def ocr_words(image: np.ndarray, lang: str = "eng", psm: int = 7, whitelist: str | None = None,
              timeout: float = DEFAULT_TIMEOUT) -> list[tuple[str, float, tuple[int, int, int, int]]] | None:
    """Words with confidence (0-1) and box (x, y, w, h) in ROI pixels, or None on failure."""
    config = _config(psm, whitelist)
    try:
        data = pytesseract.image_to_data(image, lang=lang, config=config, timeout=timeout,
                                         output_type=pytesseract.Output.DICT)
    except Exception:
        return None
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if text and conf >= 0:
            box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
            words.append((text, conf / 100.0, box))
    return words


def osd_rotation(image: np.ndarray, timeout: float = DEFAULT_TIMEOUT) -> int | None:
    """Clockwise rotation Tesseract's OSD thinks the page needs, or None."""
    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", timeout=timeout,
                                       output_type=pytesseract.Output.DICT)
        return int(osd.get("rotate", 0))
    except Exception:
        return None


def _config(psm: int, whitelist: str | None) -> str:
    config = f"--psm {psm} --oem 1"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    return config
