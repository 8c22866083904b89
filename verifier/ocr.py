"""Failure-proof Tesseract access: in-process tesserocr when installed, else pytesseract; hard timeouts."""
from __future__ import annotations

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


def warm_up(langs=("eng", "chi_sim")) -> None:
    """Load the models once; call in a worker parent before forking so each job starts warm."""
    for lang in langs:
        for psm in (6, 7):
            _api(lang, psm)


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


def ocr_symbols(image: np.ndarray, lang: str = "chi_sim", psm: int = 7, whitelist: str | None = None,
                timeout: float = DEFAULT_TIMEOUT) -> list[tuple[str, tuple[int, int, int, int]]] | None:
    """Recognised characters with their boxes (x, y, w, h, ROI pixels) in reading order, or None."""
    api = _api(lang, psm)
    if api is not None:
        with _LOCK:
            try:
                if not _recognise(api, image, whitelist, timeout):
                    return None
                return _iter_symbols(api)
            except Exception:
                return None
    try:
        boxes = pytesseract.image_to_boxes(image, lang=lang, config=_config(psm, whitelist), timeout=timeout)
    except Exception:
        return None
    h = image.shape[0]
    out = []
    for line in boxes.splitlines():
        parts = line.split(" ")
        if len(parts) >= 5 and parts[0].strip():
            x0, y0, x1, y1 = (int(v) for v in parts[1:5])
            out.append((parts[0], (x0, h - y1, x1 - x0, y1 - y0)))
    return out


def ocr_lines(image: np.ndarray, lang: str = "chi_sim", psm: int = 6,
              timeout: float = DEFAULT_TIMEOUT) -> list[tuple[str, tuple[int, int, int, int]]] | None:
    """Text lines with their boxes (x, y, w, h) in image pixels, top to bottom, or None."""
    found = ocr_lines_conf(image, lang, psm, timeout)
    return None if found is None else found[0]


def ocr_lines_conf(image: np.ndarray, lang: str = "chi_sim", psm: int = 6, timeout: float = DEFAULT_TIMEOUT):
    """(text lines as ocr_lines gives them, mean word confidence 0-100), or None.

    Upside-down print still comes out as plenty of Chinese characters, but with low confidence.
    """
    api = _api(lang, psm)
    if api is not None:
        with _LOCK:
            try:
                if not _recognise(api, image, None, timeout):
                    return None
                return _iter_symbols(api, tesserocr.RIL.TEXTLINE), float(api.MeanTextConf())
            except Exception:
                return None
    try:
        data = pytesseract.image_to_data(image, lang=lang, config=_config(psm, None), timeout=timeout,
                                         output_type=pytesseract.Output.DICT)
    except Exception:
        return None
    confs = [float(c) for c, t in zip(data["conf"], data["text"]) if (t or "").strip() and float(c) >= 0]
    return _data_lines(data), (sum(confs) / len(confs) if confs else 0.0)


def _data_lines(data: dict) -> list:
    lines: dict = {}
    for i, text in enumerate(data["text"]):
        if (text or "").strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            t, (x0, y0, x1, y1) = lines.get(key, ("", (x, y, x + w, y + h)))
            lines[key] = (t + text.strip(), (min(x0, x), min(y0, y), max(x1, x + w), max(y1, y + h)))
    return [(t, (x0, y0, x1 - x0, y1 - y0)) for t, (x0, y0, x1, y1) in lines.values()]


def _iter_symbols(api, level=None) -> list:
    out = []
    it = api.GetIterator()
    level = tesserocr.RIL.SYMBOL if level is None else level
    if it is None:
        return out
    while True:
        text = it.GetUTF8Text(level) if not it.Empty(level) else ""
        box = it.BoundingBox(level)
        if text and text.strip() and box:
            x0, y0, x1, y1 = box
            out.append((text.strip(), (x0, y0, x1 - x0, y1 - y0)))
        if not it.Next(level):
            break
    return out


def ocr_words(image: np.ndarray, lang: str = "eng", psm: int = 7, whitelist: str | None = None,
              timeout: float = DEFAULT_TIMEOUT) -> list[tuple[str, float, tuple[int, int, int, int]]] | None:
    """Words with confidence (0-1) and box (x, y, w, h) in ROI pixels, or None on failure."""
    try:
        data = pytesseract.image_to_data(image, lang=lang, config=_config(psm, whitelist), timeout=timeout,
                                         output_type=pytesseract.Output.DICT)
    except Exception:
        return None
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if text and conf >= 0:
            words.append((text, conf / 100.0, (data["left"][i], data["top"][i], data["width"][i],
                                               data["height"][i])))
    return words


def _config(psm: int, whitelist: str | None) -> str:
    config = f"--psm {psm} --oem 1"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    return config
