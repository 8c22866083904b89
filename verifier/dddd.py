"""A second learned reader, independent of PP-OCR: the CTC text recogniser that ships in the ddddocr wheel, a
network of another design trained by other people on other text (captcha images). It runs in a session made
like the PP-OCR reader's (reader.session): one thread per work horse, where ddddocr's own would take every core,
and the image goes in as an array instead of through an encoded file."""
from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path

import cv2
import numpy as np

# The network reads a line scaled to this height, the size it was trained at.
HEIGHT = 64

_LOCK = threading.Lock()


def model_file() -> Path:
    """The recogniser inside the installed ddddocr package: nothing is downloaded at run time."""
    spec = importlib.util.find_spec("ddddocr")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("ddddocr is not installed")
    return Path(spec.submodule_search_locations[0]) / "common_old.onnx"


@functools.cache
def _model():
    from ddddocr.charsets import CHARSET_OLD

    from verifier.reader import session

    path = model_file()
    if not path.is_file():
        raise FileNotFoundError(f"recogniser missing from the ddddocr package: {path}")
    return session(path), CHARSET_OLD


def warm_up() -> None:
    with _LOCK:
        _model()


def read(crop: np.ndarray) -> str:
    """The text of a line crop (BGR or grey), as the network reads it."""
    if not crop.size:
        return ""
    with _LOCK:
        model, charset = _model()
    g = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    width = max(round(g.shape[1] * HEIGHT / max(g.shape[0], 1)), 1)
    g = cv2.resize(g, (width, HEIGHT), interpolation=cv2.INTER_AREA if g.shape[0] > HEIGHT else cv2.INTER_LANCZOS4)
    x = (g.astype(np.float32) / 255)[None, None]
    scores = model.run(None, {model.get_inputs()[0].name: x})[0]     # steps x 1 x characters
    codes = scores.argmax(axis=-1).reshape(-1)
    # CTC: a code repeated in neighbouring steps is one character; code 0 is the blank between characters
    kept = [int(c) for i, c in enumerate(codes) if c and (i == 0 or c != codes[i - 1])]
    return "".join(charset[c] for c in kept if c < len(charset))
