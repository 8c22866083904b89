"""A pasted 1-inch portrait has an A4 page's proportions: on a scan the page fills edge to edge it is the only
crisp outline, and must not be taken for the page (alternative generator, alt6262_0283, a grey scan turned
180 degrees, scaled to 800 px: it was flattened to the portrait and judged blurred, 'please upload again')."""
from pathlib import Path

import cv2

from verifier import geometry, pipeline
from verifier.document import A4, CARD
from verifier.result import PASS

SCAN = Path(__file__).parent / "data" / "form_scan_portrait.jpg"


def test_pasted_portrait_is_not_taken_for_the_page():
    image = cv2.imread(str(SCAN))
    quad = geometry.find_quad(image, A4[0] / A4[1])
    assert quad is None or cv2.contourArea(quad) > 0.3 * image.shape[0] * image.shape[1]


def test_scan_the_page_fills_is_readable():
    checks = {c.name: c for c in pipeline.run_checks(cv2.imread(str(SCAN)), "application_form", {})}
    assert checks["readable"].status == PASS


def test_small_outline_of_card_shape_is_still_a_card():
    # Cards keep the small-outline allowance: a card copied onto an A4 scan fills about 7 % of it.
    assert geometry._card_shaped(CARD[0] / CARD[1]) and geometry._card_shaped(CARD[1] / CARD[0])
    assert not geometry._card_shaped(A4[0] / A4[1]) and not geometry._card_shaped(None)
