"""Outline finding on busy desks, seal fill and white balance, and the readable gate."""
import cv2
import numpy as np

from verifier import geometry
from verifier.checks import readable, seal
from verifier.synth import scenes


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


def test_solid_red_patch_is_not_a_seal():
    disc = np.zeros((100, 100), np.uint8)
    cv2.circle(disc, (50, 50), 48, 255, -1)
    ring = np.zeros((100, 100), np.uint8)
    cv2.circle(ring, (50, 50), 46, 255, 4)
    assert seal.disc_fill(disc) > seal.MAX_FILL > seal.disc_fill(ring)


def test_white_balance_keeps_grey_seal_grey_under_warm_light():
    page = np.full((400, 400, 3), 250, np.uint8)
    cv2.circle(page, (200, 200), 80, (110, 110, 110), 8)
    warm = np.clip(page * np.array([0.75, 0.9, 1.0]), 0, 255).astype(np.uint8)   # BGR gains: reddish lamp
    assert seal.red_mask(seal.white_balance(warm)).sum() == 0


def _digits(size=(540, 856), ink=(200, 200, 200), paper=30):
    card = np.full(size + (3,), paper, np.uint8)
    for i in range(19):
        cv2.putText(card, str(i % 10), (40 + i * 40, 320), cv2.FONT_HERSHEY_SIMPLEX, 1.4, ink, 3)
    return card


def test_dark_card_with_light_print_is_readable():
    assert readable.check_readable(_digits()).status == "pass"
    assert readable.check_readable((_digits() * 0.1).astype(np.uint8)).status == "fail"


def test_small_or_soft_uploads_are_left_to_the_readers():
    small = cv2.resize(_digits(), (430, 270), interpolation=cv2.INTER_AREA)
    assert readable.check_readable(small).status == "unsure"
    soft = cv2.GaussianBlur(_digits(), (0, 0), 12)
    gate = readable.check_readable(soft)
    assert gate.status == "unsure"
    assert readable.settle(gate, []).status == "fail"
    assert readable.RETAKE in readable.settle(gate, []).detail
    tiny = cv2.resize(_digits(), (150, 95), interpolation=cv2.INTER_AREA)
    assert readable.check_readable(tiny).status == "fail"
