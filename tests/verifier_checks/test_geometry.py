"""geometry.warp keeps an upright page upright when perspective makes its near side as long as its top edge;
a box found in a turned image maps back to the upload; geometry.find_quad prefers the page's crisp outline to a
bigger one bridged into the desk."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from verifier import geometry
from verifier.document import A4, CARD


def _page_in_photo(quad: np.ndarray) -> np.ndarray:
    """A white A4 page with a black block in its top-left corner, projected onto quad in a grey photo."""
    w, h = A4
    page = np.full((h, w, 3), 255, np.uint8)
    page[60:260, 60:260] = 0
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    return cv2.warpPerspective(page, m, (1100, 1900), borderValue=(90, 90, 90))


def _block_corner(doc: np.ndarray) -> tuple[bool, bool]:
    """(is the black block in the left half, in the top half) of the flattened page."""
    ys, xs = np.nonzero(doc[..., 0] < 60)
    return bool(xs.mean() < doc.shape[1] / 2), bool(ys.mean() < doc.shape[0] / 2)


def test_upright_page_under_strong_perspective_stays_upright():
    # Photographed from low on the right: the top edge (823 px) is as long as the left side (820 px), but
    # the page is portrait: its bottom edge is short and its right side long.
    quad = np.array([[170, 383], [993, 383], [771, 1433], [191, 1202]], np.float32)
    assert np.linalg.norm(quad[1] - quad[0]) >= np.linalg.norm(quad[3] - quad[0])
    doc, to_original = geometry.warp(_page_in_photo(quad), quad, A4)
    assert doc.shape[:2] == (A4[1], A4[0])
    assert _block_corner(doc) == (True, True)
    # The homography maps the flattened page's top-left corner back to the page's top-left corner.
    back = cv2.perspectiveTransform(np.array([[[0, 0]]], np.float64), to_original)[0, 0]
    assert np.allclose(back, quad[0], atol=2)


def test_page_lying_on_its_side_is_turned_to_portrait():
    # The same page turned a quarter: its long sides run across the photo, so the corners are rolled.
    quad = np.array([[100, 500], [1000, 520], [990, 1150], [110, 1130]], np.float32)
    doc, _ = geometry.warp(_page_in_photo(np.roll(quad, -1, axis=0)), quad, A4)
    assert doc.shape[:2] == (A4[1], A4[0])
    # 90 versus 270 degrees is settled by the content checks; either way the block sits in a corner and is
    # not squeezed (the page was turned, not stretched into portrait).
    ys, xs = np.nonzero(doc[..., 0] < 60)
    h, w = doc.shape[:2]
    assert min(xs.mean(), w - xs.mean()) < 0.25 * w and min(ys.mean(), h - ys.mean()) < 0.25 * h
    assert 0.8 < (xs.max() - xs.min()) / (ys.max() - ys.min()) < 1.25


def test_crisp_page_outline_beats_a_bigger_one_bridged_into_the_desk():
    # A student-status report photographed askew on a wood-grain desk beside a phone (alternative generator,
    # alt7202_0247, scaled to 800 px). Bridging the edge map joins the page's top edge with the grain to
    # its right: that outline is bigger and still complete, but its sides only partly separate paper from
    # desk. The page's own outline separates them all the way round and must win.
    image = cv2.imread(str(Path(__file__).parent / "data" / "page_on_wood.jpg"))
    truth = np.array([[163.3, 128.4], [458.2, 108.5], [553.3, 588.9], [126.8, 613.0]], np.float32)
    quad = geometry.find_quad(image, None)
    assert quad is not None
    assert np.abs(geometry.order_corners(quad) - truth).max() < 0.01 * max(image.shape[:2])


def _card_off_centre(desk: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A red bank card covering about 8 % of a phone photo, up in its top-left part, slightly askew."""
    photo = np.zeros((1800, 1200, 3), np.uint8)
    photo[:] = desk
    card = np.full((540, 856, 3), (40, 30, 190), np.uint8)
    cv2.putText(card, "6215 5861 7771 3426", (90, 330), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (120, 200, 230), 5)
    quad = np.array([[120, 260], [560, 300], [545, 580], [100, 545]], np.float32)
    src = np.array([[0, 0], [855, 0], [855, 539], [0, 539]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    flat = cv2.warpPerspective(card, m, photo.shape[1::-1])
    inside = cv2.warpPerspective(np.full(card.shape[:2], 255, np.uint8), m, photo.shape[1::-1])
    return np.where(inside[..., None] > 0, flat, photo), quad


def test_small_card_away_from_the_middle_of_the_photo_is_found():
    # People do not always centre the card: a card-shaped outline crisp all round is the card wherever it
    # lies. (A page-sized search still wants its document in the middle.)
    image, truth = _card_off_centre((120, 160, 60))
    quad = geometry.find_quad(image, CARD[0] / CARD[1])
    assert quad is not None
    assert np.abs(geometry.order_corners(quad) - truth).max() < 15
    assert geometry.find_quad(image, None) is None


@pytest.mark.parametrize("shape", [(200, 400), (400, 200), (300, 300)])
def test_a_box_found_in_a_turned_image_maps_back_to_the_upload(shape):
    from verifier.pipeline import _unturned
    image = np.zeros(shape, np.uint8)
    image[20:50, 100:180] = 1                       # x 100, y 20, 80 wide, 30 high
    for turn in range(4):
        ys, xs = np.nonzero(np.rot90(image, turn))
        box = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]
        assert _unturned(box, turn, shape) == [100, 20, 80, 30]
