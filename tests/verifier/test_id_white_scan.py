"""An ID card front scanned on a white lid (alternative generator, alt8484_0107, 2200 px): the light card's edge
is too faint for an outline, the whole scan is taken as the card, and the number band, a guess then, cut the
number line in half. Two reads of the cut line agreed on a number failing the check digit, and the sound card
was failed as 'ID number invalid'. Without an outline such a failure is now checked by the line search,
which returns only the expected number or a GB 11643-valid one."""
from pathlib import Path

import cv2
import numpy as np

from verifier import document, pipeline
from verifier.checks import idcard, numberline
from verifier.result import FAIL, PASS, CheckResult

SCAN = Path(__file__).parent / "data" / "id_white_scan.jpg"
TRUE_NUMBER = "440104197604189719"
ROSTER_TYPO = "440104917604189711"      # the roster's number, two digits off: id_number_match must fail


def test_white_card_on_a_white_scan_is_read_whole():
    checks = {c.name: c for c in pipeline.run_checks(cv2.imread(str(SCAN)), "id_card_front",
                                                     {"name": "张彬磊", "id_number": ROSTER_TYPO})}
    assert (checks["id_number_valid"].status, checks["id_number_valid"].value) == (PASS, TRUE_NUMBER)
    assert (checks["id_number_match"].status, checks["id_number_match"].value) == (FAIL, TRUE_NUMBER)


def _failing_read(doc, number, today=None):
    box = [0, 0, 10, 10]
    return [CheckResult("id_number_valid", FAIL, 0.8, "344010419004169719", "", box),
            CheckResult("id_number_match", FAIL, 0.8, "344010419004169719", "", box)]


def _stubbed(monkeypatch, outline: bool) -> dict:
    monkeypatch.setattr(idcard, "check_id_number", _failing_read)
    monkeypatch.setattr(idcard, "face_side", lambda doc: True)
    monkeypatch.setattr(idcard, "check_name", lambda doc, name: CheckResult("name_match", PASS, 0.9, name, "", None))
    monkeypatch.setattr(numberline, "search", lambda image, number, today: ((TRUE_NUMBER, [5, 5, 50, 10], 0.9), None))
    image = np.full((540, 856, 3), 200, np.uint8)
    notes = [] if outline else [document.NO_OUTLINE]
    doc = document.DocImage(original=image, doc=image, to_original=np.eye(3), notes=notes)
    return {c.name: c for c in pipeline._id_front(doc, {"name": "张彬磊", "id_number": ROSTER_TYPO}, None)}


def test_a_failing_read_without_an_outline_is_checked_by_the_line_search(monkeypatch):
    checks = _stubbed(monkeypatch, outline=False)
    assert (checks["id_number_valid"].status, checks["id_number_valid"].value) == (PASS, TRUE_NUMBER)


def test_a_failing_read_in_a_found_outline_stands(monkeypatch):
    checks = _stubbed(monkeypatch, outline=True)
    assert (checks["id_number_valid"].status, checks["id_number_valid"].value) == (FAIL, "344010419004169719")
