"""The learned text reader: PP-OCR line detection, direction and recognition models from the rapidocr wheel."""
from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

# The detector sees the image at most this long: a card filling half a photo keeps its 3.5 mm number about 15 px
# high, above the ~10 px the detector was trained from, and one pass costs about 0.2 s on one core.
DET_LONG_SIDE = 800
# A line is read once more on a 180-degree turn only when the direction model is at least this sure.
TURN_SURE = 0.9
# Reads below this mean score are noise (a pattern, a hologram) rather than text.
MIN_SCORE = 0.5


@dataclass
class Line:
    text: str
    score: float
    quad: np.ndarray        # 4 x 2 corners in image pixels, clockwise from the box's top left
    crop: np.ndarray        # the line upright as it was read, for a second reader
    direction: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0]))   # the way it reads, unit vector


def model_files() -> dict[str, Path]:
    """The ONNX models inside the installed rapidocr package: nothing is downloaded at run time."""
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    return {"Det": models / "PP-OCRv6_det_small.onnx", "Rec": models / "PP-OCRv6_rec_small.onnx",
            "Cls": models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}


_LOCK = threading.Lock()


@functools.cache
def _engine():
    from rapidocr import RapidOCR

    threads = int(os.environ.get("OMP_THREAD_LIMIT", "1"))
    params = {"Global.log_level": "error", "Det.limit_type": "max", "Det.limit_side_len": DET_LONG_SIDE,
              "EngineConfig.onnxruntime.intra_op_num_threads": threads,
              "EngineConfig.onnxruntime.inter_op_num_threads": 1}
    for task, path in model_files().items():
        if not path.is_file():
            raise FileNotFoundError(f"PP-OCR model missing from the rapidocr package: {path}")
        params[f"{task}.model_path"] = str(path)
    engine = RapidOCR(params=params)
    return engine._load_det_model(), engine._load_cls_model(), engine._load_rec_model()


def warm_up() -> None:
    """Load the models (once per process); a worker parent calls this before forking."""
    with _LOCK:
        _engine()


def detect(image: np.ndarray, long_side: int = DET_LONG_SIDE) -> list[np.ndarray]:
    """Text line quads in image pixels, top to bottom; the detector sees the image at most long_side long."""
    det, _, _ = _models()
    with _LOCK:
        det.limit_side_len = long_side
        found = det(np.ascontiguousarray(image))
    return [] if found.boxes is None else [np.asarray(b, np.float32) for b in found.boxes]


def read(image: np.ndarray, quads: list[np.ndarray]) -> list[Line]:
    """Each quad's line straightened, turned upright and read; empty reads and noise are left out."""
    if not quads:
        return []
    _, cls, rec = _models()
    from rapidocr.ch_ppocr_rec import TextRecInput
    from rapidocr.utils.process_img import get_rotate_crop_image

    crops = [get_rotate_crop_image(image, q.copy()) for q in quads]
    turned = [("180" in lab and s >= TURN_SURE) for lab, s in cls(crops).cls_res]
    upright = [cv2.rotate(c, cv2.ROTATE_180) if t else c for c, t in zip(crops, turned)]
    out = rec(TextRecInput(img=upright))
    return [Line(t.strip(), float(s), q, c, _direction(q, turn))
            for t, s, q, c, turn in zip(out.txts, out.scores, quads, upright, turned) if t.strip() and s >= MIN_SCORE]


def _direction(quad: np.ndarray, turned: bool) -> np.ndarray:
    """The reading direction of a line cropped from quad: along its top side, or down its left side when the
    crop was tall and turned a quarter (as get_rotate_crop_image does), reversed when it was turned over."""
    across, down = quad[1] - quad[0], quad[3] - quad[0]
    v = down if np.linalg.norm(down) >= 1.5 * np.linalg.norm(across) else across
    v = -v if turned else v
    return v / max(float(np.linalg.norm(v)), 1e-6)


def lines(image: np.ndarray, keep=None, long_side: int = DET_LONG_SIDE, most: int | None = None) -> list[Line]:
    """The text lines of the image read; keep(quad) picks which detected lines are worth reading, and of those
    only the `most` tallest are read (a newspaper or keyboard under a card offers a hundred small ones)."""
    quads = [q for q in detect(image, long_side) if keep is None or keep(q)]
    if most is not None:
        quads = sorted(quads, key=lambda q: -line_height(q))[:most]
    return read(image, quads)


def line_height(quad: np.ndarray) -> float:
    return float(min(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0])))


def _models():
    with _LOCK:
        return _engine()


def quad_box(quad: np.ndarray) -> list[int]:
    """The [x, y, w, h] box around a quad, for the result's evidence box."""
    x, y, w, h = cv2.boundingRect(np.asarray(quad, np.float32).reshape(-1, 1, 2))
    return [int(x), int(y), int(w), int(h)]


def long_and_thin(quad: np.ndarray, ratio: float) -> bool:
    """The line is at least ratio times as long as it is high (at any angle)."""
    a = np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])
    b = np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])
    return max(a, b) >= ratio * max(min(a, b), 1e-6)
