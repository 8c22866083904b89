"""Pick and run the checks for a document kind; turn any upload into a contract §5 result dict."""
from __future__ import annotations

import ctypes
import datetime as dt
import time

import cv2
import numpy as np

from verifier import document, geometry, reader
from verifier.checks import bankcard, idcard, names, photo, seal, validity
from verifier.checks.readable import check_readable, settle
from verifier.io import UnreadableError, load_image
from verifier.kinds import KIND_CHECKS, KINDS
from verifier.result import FAIL, PASS, UNSURE, CheckResult, DocImage

# Smaller uploads are enlarged to this short side first: the line detector finds print from ~10 px up, and a
# 600 px card photo holds its number at about that height.
UPSCALE_SHORT_SIDE = 900
# A card small in a big photo may hold its number or name below what the detector sees at reader.DET_LONG_SIDE:
# when they are not settled there, the card kinds look once more at this size.
FINE_LONG_SIDE = 1280
# Free-layout pages carry their names small: the line detector looks at them this long (cards need less).
PAGE_LONG_SIDE = 1920
# A card holds at most about a dozen lines; its own print is the tallest in a photo of it on a desk.
CARD_LINES = 16
# An ID card's lines are read a few at a time, and the reading stops once what is sought is read: the number,
# the card's last line, is looked for among the long lines from the bottom up, NUMBER_TOGETHER at a time (the
# last address line may be detected below it); the name, on the top row of the band above the number,
# NAME_TOGETHER at a time (its label and its value are often two boxes, the sex line's two more).
NUMBER_TOGETHER = 2
NAME_TOGETHER = 4
# The ID number (18 characters, each about half as wide as high) is at least this many times as long as high;
# a group of four card digits at least this many.
ID_LINE_RATIO = 8
CARD_GROUP_RATIO = 2
# A form whose page outline was not found is searched for a face whole, in each quarter turn, at this size;
# there a face must score clearly above the detector's boundary: the whole photo, turned four ways, offers it
# far more non-faces (a dark back of a head turned sideways scores just above 0) than the photo box does.
WHOLE_FACE_SIDE = 800
WHOLE_FACE_SCORE = 0.3


def _id_front(image: np.ndarray, expected: dict, today) -> list[CheckResult]:
    lines = _id_lines(image, reader.DET_LONG_SIDE)
    if idcard.number_line(lines) is None or idcard.name_field(lines) is None:
        lines = _id_lines(image, FINE_LONG_SIDE)
    return idcard.check_id_number(lines, expected.get("id_number"), today) + \
        [idcard.check_name(lines, expected.get("name"))]


def _id_lines(image: np.ndarray, long_side: int) -> list[reader.Line]:
    """The lines an ID card's checks need, read a few at a time: the long ones from the bottom up (the number is
    printed last), then the others tallest first, until the number is read; from then on only the lines of the
    name band above it, top first, until the name is read. The address, the labels and a copy watermark across
    the card cost as much to read again and tell nothing."""
    quads = sorted(reader.detect(image, long_side), key=lambda q: -reader.line_height(q))[:CARD_LINES]
    long = [q for q in quads if reader.long_and_thin(q, ID_LINE_RATIO)]
    short = [q for q in quads if not reader.long_and_thin(q, ID_LINE_RATIO)]
    pending = sorted(long, key=lambda q: -q[:, 1].mean()) + short
    lines: list[reader.Line] = []
    while pending:
        number = idcard.number_line(lines)
        if number is not None:
            if idcard.name_field(lines) is not None:
                break
            pending = sorted([q for q in pending if idcard.in_name_band(q, number)],
                             key=lambda q: -idcard.above(q, number))
        step = NAME_TOGETHER if number is not None else NUMBER_TOGETHER
        lines += reader.read(image, pending[:step])
        pending = pending[step:]
    return lines


def _card_read(image: np.ndarray, long_side: int, ratio: float, worth) -> list[reader.Line]:
    """A card's tallest lines read in two goes: those at least `ratio` times as long as high, then of the shorter
    ones those that worth(lines read so far) says are worth reading."""
    quads = sorted(reader.detect(image, long_side), key=lambda q: -reader.line_height(q))[:CARD_LINES]
    lines = reader.read(image, [q for q in quads if reader.long_and_thin(q, ratio)])
    wanted = worth(lines)
    return lines + reader.read(image, [q for q in quads if not reader.long_and_thin(q, ratio) and wanted(q)])


def _id_back(image: np.ndarray, expected: dict, today) -> list[CheckResult]:
    return [validity.check_validity(reader.lines(image, most=CARD_LINES), today)]


def _bank(image: np.ndarray, expected: dict, today) -> list[CheckResult]:
    typed = expected.get("card_number")
    first = bankcard.check_card_number(_card_lines(image, reader.DET_LONG_SIDE), typed)
    if first.status != UNSURE:
        return [first]
    # Unsure: no number, or one the readers do not agree on; the finer look settles it or changes nothing.
    finer = bankcard.check_card_number(_card_lines(image, FINE_LONG_SIDE), typed)
    return [finer if finer.status != UNSURE or first.value is None else first]


def _card_lines(image: np.ndarray, long_side: int) -> list[reader.Line]:
    # The lines long enough to hold a number or a group of it (logos and names cost time), then the short boxes
    # on a row of digits: a last group of one to three digits printed apart (4-4-4-4-3) belongs to the number.
    def on_a_number_row(lines):
        rows = [ln for ln in lines if bankcard.is_digits(ln)]
        return lambda q: any(bankcard.on_row(ln, q) for ln in rows)

    return _card_read(image, long_side, CARD_GROUP_RATIO, on_a_number_row)


def _generic(image: np.ndarray, expected: dict, today) -> list[CheckResult]:
    return [names.check_name_on_page(reader.lines(image, long_side=PAGE_LONG_SIDE), expected.get("name"))]


def _form(image: np.ndarray, expected: dict, today) -> list[CheckResult]:
    doc = document.locate(image, "application_form")
    found = None
    for view in (doc, document.flipped(doc)):
        found = _in_original(view, [photo.check_photo(view.doc)])[0]
        if found.status == PASS:
            doc = view
            break
    sealed = _in_original(doc, [seal.check_seal(doc.doc)])[0]
    if found.status != PASS and document.NO_OUTLINE in doc.notes:
        # No page outline: the page may lie small, or on its side, in the photo. A "face" inside the seal is its
        # star and characters.
        for turn in range(4):
            boxes = [_unturned(box, turn, image.shape[:2])
                     for box, score in photo.find_faces(np.rot90(image, turn), WHOLE_FACE_SIDE)
                     if score >= WHOLE_FACE_SCORE]
            boxes = [b for b in boxes if sealed.status != PASS or not _mostly_inside(b, sealed.box)]
            if boxes:
                found = CheckResult("photo_present", PASS, 0.85, True, "照片框内检测到人像照片", boxes[0])
                break
    return [found, sealed]


def _mostly_inside(box: list[int], outer: list[int] | None) -> bool:
    """More than half of box lies within outer."""
    if outer is None:
        return False
    x, y, w, h = box
    ox, oy, ow, oh = outer
    overlap = max(0, min(x + w, ox + ow) - max(x, ox)) * max(0, min(y + h, oy + oh) - max(y, oy))
    return overlap > 0.5 * w * h


def _unturned(box: list[int], turn: int, shape) -> list[int]:
    """A box found in np.rot90(image, turn) as a box of the image."""
    x, y, w, h = box
    H, W = shape
    height = W if turn % 2 else H     # the turned image's height
    for _ in range(turn % 4):     # undo one counter-clockwise quarter turn at a time
        x, y, w, h = height - y - h, x, h, w
        height = W if height == H else H
    return [x, y, w, h]


# The size the reading kinds first look at their upload: the same detection tells which way up the text is.
FIRST_LOOK = {"id_card_front": reader.DET_LONG_SIDE, "id_card_back": reader.DET_LONG_SIDE,
              "bank_card": reader.DET_LONG_SIDE, "diploma": PAGE_LONG_SIDE, "diploma_registration": PAGE_LONG_SIDE,
              "student_status_report": PAGE_LONG_SIDE, "tuition_receipt": PAGE_LONG_SIDE}

CHECKERS = {
    "application_form": _form, "id_card_front": _id_front, "id_card_back": _id_back, "bank_card": _bank,
    "diploma": _generic, "diploma_registration": _generic, "student_status_report": _generic,
    "tuition_receipt": _generic,
}


def _in_original(doc: DocImage, results: list[CheckResult]) -> list[CheckResult]:
    """Boxes are found in the flattened view; reviewers look at the upload, so map them back."""
    for r in results:
        r.box = geometry.box_to_original(r.box, doc.to_original, doc.original.shape[:2])
    return results


def upscaled(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The image enlarged to UPSCALE_SHORT_SIDE when smaller, and the factor applied."""
    s = UPSCALE_SHORT_SIDE / min(image.shape[:2])
    if s <= 1:
        return image, 1.0
    return cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC), s


def run_checks(image: np.ndarray, kind: str, expected: dict | None = None,
               today: dt.date | None = None) -> list[CheckResult]:
    """All checks for kind on a decoded BGR image; boxes in the image's pixels."""
    expected = expected or {}
    readable = check_readable(image)
    if readable.status == FAIL:
        return [readable] + _unreadable_rest(kind, readable.detail)
    big, s = upscaled(image)
    turn = reader.upright_turn(big, FIRST_LOOK[kind]) if kind in FIRST_LOOK else 0
    try:
        checks = CHECKERS[kind](reader.turned(big, turn), expected, today)
    finally:
        reader.forget()
    for c in checks:
        c.box = None if c.box is None else [round(v / s) for v in _unturned(c.box, turn, big.shape[:2])]
    readable = settle(readable, checks)
    if readable.status == FAIL:
        return [readable] + _unreadable_rest(kind, readable.detail)
    return [readable] + checks


def _unreadable_rest(kind: str, detail: str) -> list[CheckResult]:
    return [CheckResult(name, "unsure", 0.0, None, f"图片不可读，无法检查：{detail}", None)
            for name in KIND_CHECKS[kind]]


def verify_bytes(data: bytes, kind: str, expected: dict | None = None, path: str = "",
                 today: dt.date | None = None) -> dict:
    """Verify one upload; never raises for bad input (an unknown kind is a programming error: ValueError)."""
    if kind not in KIND_CHECKS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    start = time.perf_counter()
    try:
        checks = run_checks(load_image(data), kind, expected, today)
    except UnreadableError as exc:
        checks = [CheckResult("readable", FAIL, 0.99, None, f"{exc}，请重新上传", None)] + \
            _unreadable_rest(kind, str(exc))
    except Exception as exc:  # a check bug must not turn a reviewer's page into a traceback
        checks = [CheckResult("readable", "unsure", 0.0, None, f"检查过程出错（{type(exc).__name__}），请人工审核",
                              None)] + _unreadable_rest(kind, "检查出错")
    result = _result(path, kind, start, checks)
    _release_memory()
    return result


def _release_memory() -> None:
    """Hand the page-sized buffers of one upload back to the system: glibc keeps freed memory for reuse, and a
    process verifying in-process (the web without Redis) grew from 220 to 700 MB over a few dozen uploads."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc
        pass


def _result(path: str, kind: str, start: float, checks: list[CheckResult]) -> dict:
    dicts = [c.to_dict() for c in checks]
    return {"path": path, "kind": kind, "elapsed_ms": int((time.perf_counter() - start) * 1000),
            "checks": dicts, "flags": [c["name"] for c in dicts if c["status"] != "pass"]}
