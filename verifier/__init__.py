"""学补 document verifier: checks on uploaded document images with learned text and face models (contract §5).

The pipeline (OpenCV, numpy, OCR and face models) loads on first use (PEP 562), so the pure helpers such as
`verifier.checksums` can be imported by the back office's domain without pulling any of it in.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

# Plain tables: the back office reads them without loading the pipeline.
from verifier.kinds import KIND_CHECKS, KINDS, expected_keys

# Bump whenever a check's logic or thresholds change: the backoffice keys stored results on it.
CHECKS_VERSION = "2026.12.5"

__all__ = ["CHECKS_VERSION", "KINDS", "KIND_CHECKS", "evidence_crop", "expected_keys", "verify_bytes", "verify_path"]
_FROM_PIPELINE = ("verify_bytes",)


def __getattr__(name: str):
    if name in _FROM_PIPELINE:
        from verifier import pipeline
        value = getattr(pipeline, name)
        globals()[name] = value  # later lookups skip this hook (and monkeypatching sees a plain attribute)
        return value
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")


def verify_path(path: str | Path, kind: str, expected: dict | None = None, today: dt.date | None = None) -> dict:
    """Verify a file on disk; a missing or unreadable file gives a failing `readable`, not an exception."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        data = b""
    from verifier.pipeline import verify_bytes
    return verify_bytes(data, kind, expected, path=str(path), today=today)


def evidence_crop(data: bytes, box: list[int] | None, margin: int = 16, max_side: int = 1200) -> bytes:
    """PNG bytes of the box region (uploaded-image pixels) of the upload, or the whole image if box is None."""
    import cv2

    from verifier.io import encode_png, load_image

    image = load_image(data)
    if box:
        x, y, w, h = (int(v) for v in box)
        h_img, w_img = image.shape[:2]
        x0, y0 = max(0, x - margin), max(0, y - margin)
        x1, y1 = min(w_img, x + w + margin), min(h_img, y + h + margin)
        if x1 > x0 and y1 > y0:
            image = image[y0:y1, x0:x1]
    scale = min(1.0, max_side / max(image.shape[:2]))
    if scale < 1.0:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return encode_png(image)
