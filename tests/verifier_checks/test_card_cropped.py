"""A card photo cropped to the card (a scanning app's output, or the user's own crop) has no outline around
the card: its frame is the card's edge. Small crisp outlines of a card's shape inside it are the UnionPay
logo or the chip, not the card."""
from pathlib import Path

import cv2
import numpy as np
from PIL import ImageDraw

from verifier import geometry, pipeline
from verifier.checksums import luhn_valid
from verifier.document import CARD
from verifier.result import PASS
from verifier.synth import cards

CROPPED = Path(__file__).parent / "data" / "card_cropped_upside_down.jpg"
NUMBER = "6222021234567890128"


def _bank(image):
    return {c.name: c for c in pipeline.run_checks(image, "bank_card", {})}["card_number_valid"]


def _card_with_logo(seed: int) -> np.ndarray:
    """A card filling the photo, with a crisp three-colour logo of a card's proportions in a corner."""
    img = cards.bank_card(np.random.default_rng(seed), NUMBER)
    d = ImageDraw.Draw(img)
    w, h = img.size
    x0, y0, lw, lh = int(w * 0.74), int(h * 0.70), int(w * 0.19), int(h * 0.19)
    for i, colour in enumerate([(220, 30, 40), (20, 60, 150), (10, 130, 100)]):
        d.rectangle([x0 + i * lw // 3, y0, x0 + (i + 1) * lw // 3, y0 + lh], fill=colour)
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def test_logo_in_a_card_cropped_photo_is_not_the_card():
    image = cv2.imread(str(CROPPED))
    assert geometry.find_quad(image, CARD[0] / CARD[1]) is None
    logo = _card_with_logo(1)
    assert geometry.find_quad(logo, CARD[0] / CARD[1]) is None


def test_card_cropped_photo_is_read_either_way_up():
    assert luhn_valid(NUMBER)
    result = _bank(cv2.imread(str(CROPPED)))
    assert (result.status, result.value) == (PASS, "621226145903959165")
    for image in (_card_with_logo(2), _card_with_logo(3)[::-1, ::-1].copy()):
        result = _bank(image)
        assert (result.status, result.value) == (PASS, NUMBER)


def test_small_card_in_a_larger_photo_is_still_found():
    # The allowance for small card outlines stays for photos that are not themselves card-shaped.
    card = _card_with_logo(4)
    photo = np.full((1600, 1200, 3), (70, 110, 60), np.uint8)
    small = cv2.resize(card, (340, 215))
    photo[200:415, 100:440] = small
    quad = geometry.find_quad(photo, CARD[0] / CARD[1])
    assert quad is not None
    assert np.abs(geometry.order_corners(quad) - [[100, 200], [439, 200], [439, 414], [100, 414]]).max() < 8
