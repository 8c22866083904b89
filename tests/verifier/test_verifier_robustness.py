"""Orientation, outline finding on busy desks, card-number candidates, seal fill and darkness rules."""
import cv2
import numpy as np

from verifier import document, geometry, textdir
from verifier.checks import bankcard, readable, seal
from verifier.checks.common import remove_rules
from verifier.synth import pages, scenes


def _page(rng):
    page = pages.diploma_registration(rng, "赵志红", "440106198503120015")
    return cv2.cvtColor(np.array(page), cv2.COLOR_RGB2BGR)


def test_text_direction_follows_quarter_turns(rng):
    page = _page(rng)
    assert textdir.is_sideways(page) is False
    assert textdir.is_sideways(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)) is True
    assert textdir.is_sideways(cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE)) is True


def test_blank_image_has_no_direction():
    assert textdir.is_sideways(np.full((600, 400, 3), 240, np.uint8)) is None


def test_rotate90_maps_boxes_back():
    img = np.zeros((100, 200), np.uint8)
    img[10:20, 150:160] = 255
    turned, m = geometry.rotate90(img, np.eye(3))
    ys, xs = np.nonzero(turned)
    box = [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1]
    x, y, w, h = geometry.box_to_original(box, m, img.shape)
    assert abs(x - 150) <= 1 and abs(y - 10) <= 1 and w == 10 and h == 10


def test_card_found_on_keyboard_and_woven_desks(rng):
    card = np.full((540, 856, 3), 235, np.uint8)
    cv2.putText(card, "ID 440106198503120015", (60, 470), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 3)
    for _ in range(2):
        desk = scenes.background(rng, 1600, 1200)
        x0, y0 = 372, 330
        desk[y0:y0 + 540, x0:x0 + 856] = card
        quad = geometry.find_quad(desk, 856 / 540)
        assert quad is not None
        assert np.abs(quad - [[x0, y0], [x0 + 856, y0], [x0 + 856, y0 + 540], [x0, y0 + 540]]).max() < 25


def test_card_candidates_keep_whole_grouped_number():
    assert bankcard.candidates("4367 4228 0846 9968 174")[0] == ("4367422808469968174", True)
    # Extra digits glued into the line: no well-formed candidate, so no 16-digit prefix can pass by chance.
    assert not [d for d, ok in bankcard.candidates("6217 0900 4917 7565 14332") if ok]
    assert ("6222021234567890123", True) in bankcard.candidates("622202 1234567890123")


def test_solid_red_patch_is_not_a_seal():
    disc = np.zeros((100, 100), np.uint8)
    cv2.circle(disc, (50, 50), 48, 255, -1)
    ring = np.zeros((100, 100), np.uint8)
    cv2.circle(ring, (50, 50), 46, 255, 4)
    assert seal.disc_fill(disc) > seal.MAX_FILL > seal.disc_fill(ring)


def test_dark_card_with_light_print_is_readable():
    card = np.full((540, 856, 3), 30, np.uint8)
    for i in range(19):
        cv2.putText(card, str(i % 10), (40 + i * 40, 320), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (200, 200, 200), 3)
    photo = cv2.copyMakeBorder(card, 100, 100, 100, 100, cv2.BORDER_CONSTANT, value=(60, 40, 30))
    assert readable.check_readable(photo, card).status == "pass"
    assert readable.check_readable(photo, (card * 0.1).astype(np.uint8)).status == "fail"


def test_table_rules_are_removed():
    g = np.full((200, 600), 245, np.uint8)
    cv2.line(g, (10, 100), (590, 101), 60, 2)
    cv2.putText(g, "AB", (50, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 20, 3)
    out = remove_rules(g)
    assert out[100, 300] > 200 and out[:90, 40:120].min() < 100


def test_generic_page_turned_quarter_is_straightened(rng):
    page = cv2.rotate(_page(rng), cv2.ROTATE_90_COUNTERCLOCKWISE)
    doc = document.upright_lines(document.locate(page, "diploma_registration"))
    assert doc.doc.shape[0] > doc.doc.shape[1]
