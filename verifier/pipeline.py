"""Pick and run the checks for a document kind; turn any upload into a contract §5 result dict."""
from __future__ import annotations

import datetime as dt
import itertools
import time

import cv2
import numpy as np

from verifier import document, geometry
from verifier.checks import (
    bankcard,
    cardfind,
    idcard,
    names,
    numberline,
    photo,
    seal,
    validity,
)
from verifier.checks.readable import check_readable
from verifier.io import UnreadableError, load_image
from verifier.result import FAIL, PASS, UNSURE, CheckResult, DocImage

# Checks each kind reports besides `readable`; used to fill in 'unsure' when the image is unreadable.
KIND_CHECKS = {
    "application_form": ["photo_present", "seal_present"],
    "id_card_front": ["id_number_valid", "id_number_match", "name_match"],
    "id_card_back": ["validity_not_expired"],
    "bank_card": ["card_number_valid"],
    "diploma": ["name_match"],
    "diploma_registration": ["name_match"],
    "student_status_report": ["name_match"],
    "tuition_receipt": ["name_match"],
}
KINDS = tuple(KIND_CHECKS)
UPRIGHT_CONF = 50      # mean Tesseract word confidence: upright pages read 65-92, upside-down ones 20-35


def _id_front(doc: DocImage, expected: dict, today) -> list[CheckResult]:
    number = expected.get("id_number")

    def score(img):
        reads = idcard.read_number_candidates(img, number, max_variants=1)
        windows = idcard.number_windows(reads)
        return 20 if any(w == number or idcard.gb11643_valid(w) for w in windows) else len(reads[0])

    # The portrait sits on the right of an upright card; Haar finds no upside-down face. Fall back to
    # reading the number both ways when the face is not found either way.
    upright = idcard.face_side(doc.doc)
    if upright is None:
        doc = document.orient(doc, score, 20, floor=10)
    elif not upright:
        doc = document.flipped(doc)
    results = _in_original(doc, idcard.check_id_number(doc.doc, number, today))
    name = _in_original(doc, [idcard.check_name(doc.doc, expected.get("name"))])
    # Without an outline the number band is a guess: reads of a line it cuts in half can agree on a number
    # that fails the check (a white card on a white scanner lid). The line search returns only the expected
    # number or a GB 11643-valid one, so it may replace that failure, never turn a near miss into a pass.
    guessed_fail = results[0].status == FAIL and document.NO_OUTLINE in doc.notes
    if results[0].status == UNSURE or name[0].status == UNSURE or guessed_fail:
        # The outline missed the card or took in the paper under it: find the number line directly, and
        # the name relative to it.
        found, line = numberline.search(doc.original, (number or "").upper() or None, today)
        if found and (results[0].status == UNSURE or guessed_fail):
            results = idcard.number_results(found, number, today)
        if line is not None and name[0].status == UNSURE:
            name = [idcard.check_name_from_number(doc.original, line, expected.get("name")) or name[0]]
    if name[0].status == UNSURE:
        # A clear name that Tesseract misreads and whose ink cells do not split: find it whole, in grey.
        grey = idcard.check_name_grey(doc.doc, expected.get("name"))
        if grey is not None:
            name = _in_original(doc, [grey])
    return results + name


def _id_back(doc: DocImage, expected: dict, today) -> list[CheckResult]:
    doc = document.orient(doc, validity.orientation_score, 2)
    result = _in_original(doc, [validity.check_validity(doc.doc, today)])
    if result[0].status == UNSURE:
        # No outline, or one that took in the paper under the card: find the validity line directly.
        result = [validity.period_anywhere(doc.original, today) or result[0]]
    return result


def _bank(doc: DocImage, expected: dict, today) -> list[CheckResult]:
    doc = document.orient(doc, bankcard.orientation_score, 20, floor=10, deeper=bankcard.deep_orientation_score)
    first, hint = bankcard.read_card(doc.doc)
    result = _in_original(doc, [first])
    if first.status == PASS:
        return result
    if first.status == UNSURE:
        # Up or down was chosen on a few quick reads of each half turn; dark embossed digits on a dark card
        # (and a lamp's glare) may give neither turn a number then. The full read of the other turn may;
        # only its pass replaces the first answer, and a number the relief height maps carry needs all
        # three of their sources (or two and a plain read) here: on a bad card with unfoiled digits,
        # exactly cropped and turned, two of them read three 8s as 6 alike.
        other = document.flipped(doc)
        again, _ = bankcard.read_card(other.doc, relief_quorum=3)
        if again.status == PASS:
            return _in_original(other, [again])
    # When the first read is a whole number that fails Luhn, no other view below may pass that number with
    # one digit changed: one misread digit can land on a number that passes, and which view misread,
    # nothing tells. (An unsure first read doubted the digit itself: another view may settle it.)
    if first.status == UNSURE and document.NO_OUTLINE not in doc.notes:
        # The outline finder's masks round a card's corners off or lose a dark edge in its shadow: move
        # each side onto the card's edge and read again. Only a pass replaces the first answer, and only
        # an unsure one.
        again, _ = _read_card_at(doc, geometry.refine_quad(doc.original, _located(doc)))
        if again[0].status == PASS:
            return again
    result, hint = _cards_on_page(doc, result, hint)
    if result[0].status == PASS:
        return result
    # The outline missed or cut the card, or the number was misread in the card layout: look for the
    # number line anywhere in the photo, at any angle. It only answers on two agreeing reads, so a pass
    # needs a Luhn-valid number read twice (a single well-formed read in the card layout, the hint, counts
    # as one); an agreed bad read replaces only an unsure, and not one whose hint, a whole Luhn-valid number
    # the card layout read, it contradicts (two pipelines disagree: which misread, nothing tells).
    hint = hint if result[0].status == UNSURE else None
    found = bankcard.number_anywhere(doc.original, hint)
    if found is None:
        return result
    passes = found.status == PASS and not bankcard.one_digit_off(found.value, _failing(first))
    clearer = found.status != PASS and result[0].status == UNSURE \
        and not bankcard.cut_short(found.value, result[0].value) and hint is None
    return [found] if passes or clearer else result


def _failing(read: CheckResult) -> str | None:
    """The number of a read that failed Luhn (a whole number the reads agreed on), else None."""
    return read.value if read.status == FAIL else None


def _located(doc: DocImage) -> np.ndarray:
    """The corners of the flattened view in the original image (clockwise from top left)."""
    h, w = doc.doc.shape[:2]
    corners = np.array([[[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]], np.float64)
    return corners[0] if doc.to_original is None else cv2.perspectiveTransform(corners, doc.to_original)[0]


def _read_card_at(doc: DocImage, quad: np.ndarray) -> tuple[list[CheckResult], str | None]:
    """The card at quad in the original, flattened, turned upright and read in the card layout: (result,
    the read's hint; see bankcard.read_card)."""
    flat, to_original = geometry.warp(doc.original, quad, document.CARD)
    card = document.orient(DocImage(original=doc.original, doc=flat, to_original=to_original, notes=doc.notes),
                           bankcard.orientation_score, 20, floor=10)
    read, hint = bankcard.read_card(card.doc)
    return _in_original(card, [read]), hint


def _cards_on_page(doc: DocImage, result: list[CheckResult], hint: str | None
                   ) -> tuple[list[CheckResult], str | None]:
    """A card scanned on an A4 flatbed or lying on a sheet: the outline finder took the page. Flatten
    each card-shaped region that stands out from the page and read it in the card layout."""
    located, first = _located(doc), _failing(result[0])
    for quad in cardfind.card_quads(doc.original):
        if cardfind.same_region(quad, located):
            continue             # the card the outline finder found: already read
        again, card_hint = _read_card_at(doc, quad)
        # An unsure read of the flattened card still replaces an unsure one without a whole number:
        # it is what the reviewer is shown.
        longer = len(again[0].value or "") >= 16 > len(result[0].value or "")
        if again[0].status == PASS and not bankcard.one_digit_off(again[0].value, first) \
                or (again[0].status == FAIL and result[0].status == UNSURE) \
                or (again[0].status == UNSURE and result[0].status == UNSURE and longer):
            result, hint = again, card_hint or hint
        if result[0].status == PASS:
            break
    return result, hint


def _form(doc: DocImage, expected: dict, today) -> list[CheckResult]:
    # The photo box is top right; if the page is upside down the face shows up after a flip. Each view is
    # searched once (the photo check's wider second look is the costly part).
    found = _in_original(doc, [photo.check_photo(doc.doc)])[0]
    other = document.flipped(doc)
    views = [other]
    if document.NO_OUTLINE in doc.notes:
        # No outline: the view is the whole photo, and the page may lie small in it, on its side. The
        # form's text lines, levelled and cropped, hold the table with the photo box at its top right.
        views = itertools.chain(views, (v for block in document.text_blocks(doc)
                                        for v in (block, document.flipped(block))))
    for view in views:
        if found.status == PASS:
            break
        again = photo.check_photo(view.doc)
        if again.status == PASS:
            found = _in_original(view, [again])[0]
            doc = other if view is other else doc      # a cropped block may leave the seal out
    return [found] + _in_original(doc, [seal.check_seal(doc.doc)])


def _generic(doc: DocImage, expected: dict, today) -> list[CheckResult]:
    first = _name_on_page(document.levelled(document.upright_lines(doc)), expected)
    if first.status == PASS or not expected.get("name"):
        return [first]
    # No outline on a busy desk: the photo was levelled by the desk and its pattern read as text. Try the
    # page's own text lines, levelled and cropped; only a pass replaces the first answer.
    for block in document.text_blocks(doc):
        again = _name_on_page(block, expected)
        if again.status == PASS:
            return [again]
    return [first]


def _name_on_page(doc: DocImage, expected: dict) -> CheckResult:
    lines = names.page_lines(doc.doc)
    if lines is not None and lines[2] < UPRIGHT_CONF:
        # Upside-down print still reads as many (wrong) Chinese characters, but with low confidence.
        other = document.flipped(doc)
        lines2 = names.page_lines(other.doc)
        if lines2 is not None and lines2[2] > lines[2]:
            doc, lines = other, lines2
    return _in_original(doc, [names.check_name_on_page(doc.doc, lines, expected.get("name"))])[0]


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


def run_checks(image: np.ndarray, kind: str, expected: dict | None = None,
               today: dt.date | None = None) -> list[CheckResult]:
    """All checks for kind on a decoded BGR image."""
    expected = expected or {}
    doc = document.locate(image, kind)
    readable = check_readable(image, doc.doc)
    if readable.status == FAIL:
        return [readable] + _unreadable_rest(kind, readable.detail)
    return [readable] + CHECKERS[kind](doc, expected, today)


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
    return _result(path, kind, start, checks)


def _result(path: str, kind: str, start: float, checks: list[CheckResult]) -> dict:
    dicts = [c.to_dict() for c in checks]
    return {"path": path, "kind": kind, "elapsed_ms": int((time.perf_counter() - start) * 1000),
            "checks": dicts, "flags": [c["name"] for c in dicts if c["status"] != "pass"]}
