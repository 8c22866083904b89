"""Tesseract, a second reader of numbers (asked after verifier/dddd.py): in-process tesserocr when installed,
else pytesseract; hard timeouts."""
from __future__ import annotations

import functools
import glob
import hashlib
import os
import threading

# Must be set before Tesseract starts: OpenMP threads fight each other on a 2-core box and slow every call.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image  # noqa: E402

try:  # one process start plus a chi_sim model load costs ~0.3 s per call with pytesseract
    import tesserocr
except ImportError:  # pragma: no cover - depends on the deployment
    tesserocr = None

DEFAULT_TIMEOUT = 10
DIGITS = "0123456789"
TESSDATA_GLOBS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata")

_MEMO: dict = {}
_MEMO_SIZE = 64
_LOCK = threading.Lock()          # a TessBaseAPI is not thread-safe; the web app may verify in threads
_APIS: dict = {}


def _tessdata() -> str | None:
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    for pattern in TESSDATA_GLOBS:
        for path in sorted(glob.glob(pattern), reverse=True):
            if os.path.exists(os.path.join(path, "eng.traineddata")):
                return path
    return None


def _api(lang: str, psm: int):
    """A cached in-process API for (lang, psm), or None when tesserocr cannot be used."""
    key = (lang, psm)
    if key not in _APIS:
        api = None
        if tesserocr is not None and os.environ.get("VERIFIER_OCR") != "subprocess":
            try:
                api = tesserocr.PyTessBaseAPI(path=_tessdata() or "", lang=lang, psm=psm,
                                              oem=tesserocr.OEM.LSTM_ONLY)
            except Exception:  # missing language data, wrong path: fall back to the binary
                api = None
        _APIS[key] = api
    return _APIS[key]


@functools.cache      # asked before every second reading; the models do not come and go while a worker runs
def installed(lang: str) -> bool:
    """Tesseract's model for lang is on disk (a Debian package each: tesseract-ocr-eng, -script-latn, ...)."""
    path = _tessdata()
    return path is not None and os.path.exists(os.path.join(path, f"{lang}.traineddata"))


def warm_up() -> None:
    """Load the models once; call in a worker parent before forking so each job starts warm."""
    from verifier import dddd, reader
    from verifier.checks import photo
    from verifier.checks.common import SECOND_MODELS

    reader.warm_up()        # first: its sessions set how this thread treats denormal floats (reader.session)
    dddd.warm_up()
    photo.warm_up()
    for lang in SECOND_MODELS:
        if installed(lang):
            _api(lang, 7)


def _pil(image: np.ndarray) -> Image.Image:
    if image.ndim == 2:
        return Image.fromarray(np.ascontiguousarray(image))
    return Image.fromarray(np.ascontiguousarray(image[..., ::-1]))


def _recognise(api, image: np.ndarray, whitelist: str | None, timeout: float) -> bool:
    api.SetVariable("tessedit_char_whitelist", whitelist or "")
    api.SetImage(_pil(image))
    return bool(api.Recognize(timeout=int(timeout * 1000)))


def ocr_text(image: np.ndarray, lang: str = "eng", psm: int = 7, whitelist: str | None = None,
             timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Text in an ROI, or None if Tesseract failed or timed out (callers turn None into 'unsure')."""
    # Orientation probes and the checks read the same ROI; remembering a few results saves the work.
    key = (hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16).digest(), image.shape,
           lang, psm, whitelist)
    if key in _MEMO:
        return _MEMO[key]
    text = _text(image, lang, psm, whitelist, timeout)
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = text
    return text


def _text(image, lang, psm, whitelist, timeout) -> str | None:
    api = _api(lang, psm)
    if api is not None:
        with _LOCK:
            try:
                return api.GetUTF8Text() if _recognise(api, image, whitelist, timeout) else None
            except Exception:
                return None
    try:
        return pytesseract.image_to_string(image, lang=lang, config=_config(psm, whitelist), timeout=timeout)
    except Exception:  # TesseractError, RuntimeError on timeout, OSError if the binary is missing
        return None


def _config(psm: int, whitelist: str | None) -> str:
    config = f"--psm {psm} --oem 1"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    return config
