"""The learned text reader: PP-OCR line detection, direction and recognition models from the rapidocr wheel."""
from __future__ import annotations

import functools
import os
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

# The detector sees the image at most this long: a card filling half a photo keeps its 3.5 mm number about 15 px
# high, above the ~10 px the detector was trained from, and one pass costs about 0.2 s on one core.
DET_LONG_SIDE = 800
# Reads below this mean score are noise (a pattern, a hologram) rather than text.
MIN_SCORE = 0.5
# A detected line counts towards which way the text runs only when it is at least this many times as long as
# high: single characters and short words are as tall as they are wide and point nowhere.
TURN_LINE_RATIO = 2
# The direction model votes on at most this many of the longest lines: enough for a page, and cheap; the
# recogniser, confirming a turn over, reads this many of them twice.
VOTERS = 12
READERS = 4
ACROSS, DOWN = np.array([1.0, 0.0]), np.array([0.0, 1.0])     # reading directions in image pixels


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


def session(path: Path):
    """An onnxruntime session for one model, on the CPU, with OMP_THREAD_LIMIT threads (one unless set): workers
    run one process per core, each verifying one upload at a time."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = int(os.environ.get("OMP_THREAD_LIMIT", "1"))
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    # Without the memory arena each run hands its buffers back: with it a worker held 920 MB after three dozen
    # uploads of varied sizes instead of 500, to save 0.02 s a detection.
    options.enable_cpu_mem_arena = False
    # Arithmetic on tiny activations (denormal floats) is slow on some CPUs: on an Intel Xeon one detection took
    # 0.36 s with them and 0.10 s with them flushed to zero, with the same output. onnxruntime sets this for the
    # thread that creates the process's first session (a worker's main thread, before its work horses fork from
    # it), so these must be the first sessions made.
    options.add_session_config_entry("session.set_denormal_as_zero", "1")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@functools.cache
def _engine():
    from omegaconf import flag_override
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error", "Det.limit_type": "max",
                              "Det.limit_side_len": DET_LONG_SIDE})
    for task, path in model_files().items():
        if not path.is_file():
            raise FileNotFoundError(f"PP-OCR model missing from the rapidocr package: {path}")
        section = engine.cfg[task]
        section.model_path = str(path)
        with flag_override(section, "allow_objects", True):   # rapidocr runs a session it is given as it is
            section.session = session(path)
    return engine._load_det_model(), engine._load_cls_model(), engine._load_rec_model()


def warm_up() -> None:
    """Load the models (once per process); a worker parent calls this before forking."""
    with _LOCK:
        _engine()


_LAST = threading.local()     # this thread's last detection: (image, long_side, quads); see upright_turn


def detect(image: np.ndarray, long_side: int = DET_LONG_SIDE) -> list[np.ndarray]:
    """Text line quads in image pixels, top to bottom; the detector sees the image at most long_side long.
    The same array asked again at the same size gets the last answer without a second pass."""
    last = getattr(_LAST, "found", None)
    if last is not None and last[0] is image and last[1] == long_side:
        return list(last[2])
    det, _, _ = _models()
    with _LOCK:
        det.limit_side_len = long_side
        found = det(np.ascontiguousarray(image))
    quads = [] if found.boxes is None else [np.asarray(b, np.float32) for b in found.boxes]
    _LAST.found = (image, long_side, quads)
    return list(quads)


ROTATIONS = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}


def turned(image: np.ndarray, turn: int) -> np.ndarray:
    """np.rot90(image, turn), with the last detection of image carried over to the turned copy (each quad turned
    with it, listed as the detector lists them) instead of being run again: on 64 uploads photographed sideways
    (cards and pages, three synthetic sets) every check came out the same either way, 0.2 s sooner each."""
    if not turn % 4:
        return image
    out = cv2.rotate(image, ROTATIONS[turn % 4])       # np.rot90's pixels, a few times sooner on a photo
    last = getattr(_LAST, "found", None)
    if last is not None and last[0] is image and last[2]:
        quads = [_turn_quad(q, turn, image.shape[:2]) for q in last[2]]
        det, _, _ = _models()
        _LAST.found = (out, last[1], list(det.sorted_boxes(np.stack(quads))))
    return out


def _turn_quad(quad: np.ndarray, turn: int, shape) -> np.ndarray:
    """A quad of an image of this (height, width) as a quad of np.rot90(image, turn), its top left corner first
    again (each counter-clockwise quarter turn makes the old top right corner the top left one)."""
    h, w = shape
    for _ in range(turn % 4):
        quad = np.roll(np.stack([quad[:, 1], (w - 1) - quad[:, 0]], axis=1), -1, axis=0)
        h, w = w, h
    return quad.astype(np.float32)


def forget() -> None:
    """Drop the remembered detection (and with it the upload's pixels) once an upload is done."""
    _LAST.found = None


def upright_turn(image: np.ndarray, long_side: int = DET_LONG_SIDE) -> int:
    """The quarter turns (np.rot90's k) that put the text of image upright, decided once for the whole image:
    one short word (a name) is too little for the direction model to tell which way up it is, a card is not.
    The lines run up or down when most of them do (a card or page photographed sideways, which the detector
    splits and the recogniser misreads), else across; the direction model's vote over the longest lines, all cut
    the same way round, says whether they read upside down, and when it says so on a split vote the recogniser
    confirms it by reading the longest both ways round. The detection is the one the checks start from, so an
    upright upload costs only the vote."""
    quads = [q for q in detect(image, long_side) if long_and_thin(q, TURN_LINE_RATIO)]
    down = [q for q in quads if _runs_down(q)]
    sideways = 2 * len(down) > len(quads)
    voters = sorted(down if sideways else [q for q in quads if not _runs_down(q)], key=line_length)[-VOTERS:]
    if not voters:
        return 0
    _, cls, rec = _models()
    from rapidocr.ch_ppocr_rec import TextRecInput

    # Every line cut out the same way round: read down the image when sideways (upright if the image needs one
    # counter-clockwise quarter turn), left to right otherwise.
    crops = [_cut(image, q, DOWN if sideways else ACROSS)[0] for q in voters]
    votes = cls(crops).cls_res
    over = sum(s if "180" in label else -s for label, s in votes) > 0
    if over and (len(votes) < READERS or not all("180" in label for label, _ in votes)):
        # A split vote, or few voters: a wrong turn over leaves every line unreadable, so the recogniser confirms
        # it. Where READERS or more lines all vote to turn over it is not asked: on three synthetic sets and the
        # real images turned, it agreed with every one of 68 such votes (and with all 77 votes to turn over).
        longest = crops[-READERS:]
        as_is = np.mean(rec(TextRecInput(img=longest)).scores)
        over = np.mean(rec(TextRecInput(img=[np.ascontiguousarray(c[::-1, ::-1]) for c in longest])).scores) > as_is
    return (3 if over else 1) if sideways else (2 if over else 0)


def _cut(image: np.ndarray, quad: np.ndarray, along: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The line in quad straightened to read in the direction `along` (its glyphs' tops to the left of that
    direction; the detector lists a box's corners from whichever it likes), and that reading direction."""
    d = _long_side(quad)
    d = d / max(float(np.linalg.norm(d)), 1e-6) * (1 if float(d @ along) >= 0 else -1)
    below = np.array([-d[1], d[0]])
    a, b = (quad - quad.mean(axis=0)) @ d, (quad - quad.mean(axis=0)) @ below
    # top left, top right, bottom right, bottom left: the corner furthest that way along and across the line
    src = np.float32([quad[np.argmax(x * a + y * b)] for x, y in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
    w = max(int(max(np.linalg.norm(src[1] - src[0]), np.linalg.norm(src[2] - src[3]))), 1)
    h = max(int(max(np.linalg.norm(src[3] - src[0]), np.linalg.norm(src[2] - src[1]))), 1)
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    crop = cv2.warpPerspective(image, cv2.getPerspectiveTransform(src, dst), (w, h),
                               borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    return crop, d


def _long_side(quad: np.ndarray) -> np.ndarray:
    across, down = quad[1] - quad[0], quad[3] - quad[0]
    return across if np.linalg.norm(across) >= np.linalg.norm(down) else down


def line_length(quad: np.ndarray) -> float:
    return float(np.linalg.norm(_long_side(quad)))


def _runs_down(quad: np.ndarray) -> bool:
    long = _long_side(quad)
    return abs(float(long[1])) > abs(float(long[0]))


def read(image: np.ndarray, quads: list[np.ndarray]) -> list[Line]:
    """Each quad's line straightened, read left to right (the image is upright: see upright_turn); empty reads
    and noise are left out."""
    if not quads:
        return []
    _, _, rec = _models()
    from rapidocr.ch_ppocr_rec import TextRecInput

    cuts = [_cut(image, q, ACROSS) for q in quads]
    out = rec(TextRecInput(img=[crop for crop, _ in cuts]))
    # The recogniser's alphabet holds full-width forms too (３ for 3): a digit is a digit, whichever it picked.
    texts = [unicodedata.normalize("NFKC", t).strip() for t in out.txts]
    return [Line(t, float(s), q, crop, d)
            for t, s, q, (crop, d) in zip(texts, out.scores, quads, cuts) if t and s >= MIN_SCORE]


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
