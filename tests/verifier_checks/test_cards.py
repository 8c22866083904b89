"""ID card fronts end to end: a white card on a white scanner lid, with the roster right and with a typo."""
from pathlib import Path

import cv2

from verifier import pipeline

SCAN = Path(__file__).parent / "data" / "id_white_scan.jpg"
TRUE_NUMBER = "440104197604189719"
ROSTER_TYPO = "440104917604189711"      # the roster's number, two digits off: id_number_match must fail


def _checks(expected):
    return {c.name: c for c in pipeline.run_checks(cv2.imread(str(SCAN)), "id_card_front", expected)}


def test_white_card_on_a_white_scan_matches_the_roster():
    checks = _checks({"name": "张彬磊", "id_number": TRUE_NUMBER})
    assert [checks[n].status for n in ("readable", "id_number_valid", "id_number_match", "name_match")] == ["pass"] * 4
    assert checks["id_number_match"].value == TRUE_NUMBER


def test_roster_typo_fails_on_the_number_both_readers_read():
    checks = _checks({"name": "张彬", "id_number": ROSTER_TYPO})
    assert (checks["id_number_valid"].status, checks["id_number_valid"].value) == ("pass", TRUE_NUMBER)
    assert (checks["id_number_match"].status, checks["id_number_match"].value) == ("fail", TRUE_NUMBER)
    assert checks["name_match"].status == "fail"          # 张彬磊 printed: one character more than the roster
