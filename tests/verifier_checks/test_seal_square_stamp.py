"""A square red name stamp (姓名章, the applicant's or the head's personal seal) is not the union's round seal
(alternative generator, alt9696_0244: a form with no union seal and a name stamp beside the signature passed
seal_present). A blob's squareness, the share of its smallest enclosing rectangle its convex hull fills, is
pi/4 for a disc or a ring at any size and turn, and 1 for a square frame."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from verifier.checks import seal
from verifier.result import PASS
from verifier.synth.common import cjk_font_path

RED = (40, 40, 215)     # BGR


def _page() -> np.ndarray:
    page = np.full((1754, 1240, 3), 246, np.uint8)
    for y in range(200, 1600, 90):
        cv2.line(page, (120, y), (1120, y), (30, 30, 30), 2)          # a form's table rules
    return page


def _name_stamp(page: np.ndarray, centre, side: int, turn: float) -> np.ndarray:
    """A square frame with four characters inside, turned by turn degrees, in red ink."""
    tile = Image.new("L", (side, side), 0)
    d = ImageDraw.Draw(tile)
    d.rectangle([4, 4, side - 5, side - 5], outline=255, width=max(6, side // 16))
    font = ImageFont.truetype(cjk_font_path(), side // 3)
    for i, ch in enumerate("袁杰海印"):
        d.text((side * (0.55 if i < 2 else 0.12), side * (0.12 if i % 2 == 0 else 0.52)), ch, fill=255, font=font)
    mask = np.asarray(tile.rotate(turn, expand=True, resample=Image.BILINEAR)) > 100
    x0, y0 = centre[0] - mask.shape[1] // 2, centre[1] - mask.shape[0] // 2
    region = page[y0:y0 + mask.shape[0], x0:x0 + mask.shape[1]]
    region[mask] = RED
    return page


@pytest.mark.parametrize("turn", [0, 9, -14])
def test_a_square_name_stamp_is_not_a_seal(turn):
    page = _name_stamp(_page(), (800, 900), 170, turn)
    assert seal.check_seal(page).status != PASS


def test_squareness_tells_a_ring_from_a_square_frame():
    ring = np.zeros((300, 300), np.uint8)
    cv2.circle(ring, (150, 150), 120, 1, 8)
    square = np.zeros((300, 300), np.uint8)
    box = cv2.boxPoints(((150, 150), (200, 200), 12)).astype(np.int32)
    cv2.polylines(square, [box], True, 1, 8)
    squashed = np.zeros((300, 300), np.uint8)
    cv2.ellipse(squashed, (150, 150), (130, 95), 20, 0, 360, 1, 8)     # a seal seen at an angle
    assert 0.75 < seal.squareness(ring) < 0.85 and 0.75 < seal.squareness(squashed) < 0.85
    assert seal.squareness(square) > 0.95
