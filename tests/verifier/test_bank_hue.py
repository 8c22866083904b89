"""Foil digits with a dark drop shadow on a tinted card (alternative generator: alt5151_0046, a scan, and
alt8484_0079, a photo; each the flattened card). The colour distance mixes the foil's hue with the shadow's
darkness, and its two views misread the same digit alike (an 8 as 2 or 3); the foil's hue alone, along CIELAB's
red-green and yellow-blue axes, reads them. The code before left both cards unsure, showing a misread number.

Also: which of several single reads is shown, and given to the line search as a hint, no longer depends on the
order Python's sets list them in (it changes with the hash seed from one worker process to the next)."""
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from verifier import document, pipeline
from verifier.checks import bankcard
from verifier.checksums import luhn_valid
from verifier.result import FAIL, PASS, UNSURE, CheckResult, DocImage

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("name, number", [("card_foil_shadow_scan.jpg", "6217856118315029834"),
                                          ("card_foil_shadow_photo.jpg", "62284821811617923")])
def test_foil_with_a_drop_shadow_is_read_on_its_hue(name, number):
    result, _ = bankcard.read_card(cv2.imread(str(DATA / name)))
    assert (result.status, result.value) == (PASS, number)


def test_hue_axis_puts_the_sparse_digits_dark_either_way():
    band = np.full((100, 400), 90, np.uint8)
    band[40:60, 50:70] = band[40:60, 150:170] = 160          # a few bright marks on a dull ground
    for channel in (band, 255 - band):
        view = bankcard._hue_axis(channel, 20.0)
        assert view[50, 60] < view[10, 300] - 60


def test_the_read_shown_is_the_one_closest_to_the_others(monkeypatch):
    # Two Luhn-valid single reads of one card (alt8484_0079): the right one differs from a third, failing
    # read in one digit, the other in two. Whatever order a set lists them in, the first is shown and hinted.
    right, other, third = "62284821811617923", "62264821211617923", "62284821311617923"
    assert luhn_valid(right) and luhn_valid(other) and not luhn_valid(third)
    reads = [[] for _ in range(bankcard.PLAIN_VARIANTS)] + [[], [], [], []]
    reads[5], reads[6], reads[7] = [(third, True)], [(other, True)], [(right, True)]
    monkeypatch.setattr(bankcard, "read_card_candidates", lambda doc, relief_quorum=2: reads)
    result, hint = bankcard.read_card(np.zeros((540, 856, 3), np.uint8))
    assert (result.status, result.value, hint) == (UNSURE, right, right)


def test_votes_are_ranked_with_ties_in_digit_order():
    assert bankcard._by_votes(Counter({"9": 1, "5": 2, "1": 1})) == [("5", 2), ("1", 1), ("9", 1)]


def test_an_agreed_failing_line_read_does_not_replace_an_unsure_read_it_contradicts(monkeypatch):
    """The card layout read a Luhn-valid number once (the hint) and the line search agreed on another number
    that fails Luhn: two pipelines disagree, so the card stays unsure rather than failing."""
    hint, line = "62284821811617923", "62284821311617922"
    unsure = CheckResult("card_number_valid", UNSURE, 0.3, hint, "", [0, 0, 1, 1])
    monkeypatch.setattr(bankcard, "orientation_score", lambda doc: 25)
    monkeypatch.setattr(bankcard, "read_card", lambda doc, relief_quorum=2: (unsure, hint))
    monkeypatch.setattr(pipeline.geometry, "refine_quad", lambda image, quad: quad)
    monkeypatch.setattr(pipeline.cardfind, "card_quads", lambda image: [])
    found = CheckResult("card_number_valid", FAIL, 0.75, line, "", [0, 0, 1, 1])
    monkeypatch.setattr(bankcard, "number_anywhere", lambda image, h: found)
    image = np.full((540, 856, 3), 128, np.uint8)
    doc = DocImage(original=image, doc=image, to_original=np.eye(3), notes=[document.NO_OUTLINE])
    assert pipeline._bank(doc, {}, None)[0].status == UNSURE
    # Without a hint to contradict, the agreed failing read still replaces the unsure one.
    monkeypatch.setattr(bankcard, "read_card", lambda doc, relief_quorum=2: (unsure, None))
    assert pipeline._bank(doc, {}, None)[0].status == FAIL
