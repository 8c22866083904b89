"""`seal_present` on unevenly inked stamps: grainy, pale seals pass; square, grey and off-paper rings do not."""
from __future__ import annotations

import cv2
import numpy as np

from verifier.checks import seal

PINK = (78, 52, 226)      # BGR stamp-pad pink; laid on at half strength it thins below saturation 80


def _page() -> np.ndarray:
    page = np.full((1100, 800, 3), 246, np.uint8)
    for y in range(120, 1000, 60):              # black printed text lines for context
        cv2.putText(page, "ABCDEFG 12345", (60, y), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (30, 30, 30), 2)
    return page


def _ink(page: np.ndarray, shape: np.ndarray, colour, rng: np.random.Generator, floor: float = 0.45,
         opacity: float = 0.55) -> np.ndarray:
    """Multiply ink onto page with pressure falloff across the stamp and fine grain (specks of no ink)."""
    h, w = shape.shape
    xx = np.linspace(0, 1, w)[None, :]
    grain = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 1.0)
    grain = np.clip((grain - grain.mean()) * 5 + 0.7, 0, 1)
    alpha = shape * (1 - (1 - floor) * xx) * (0.55 + 0.45 * grain) * opacity
    ink = np.array(colour, np.float32) / 255
    out = page.astype(np.float32) * (1 - alpha[..., None] + alpha[..., None] * ink)
    return np.clip(out, 0, 255).astype(np.uint8)


def _round_seal(radius: int = 120) -> np.ndarray:
    m = np.zeros((1100, 800), np.float32)
    c = (560, 820)
    cv2.circle(m, c, radius, 1.0, 7)
    star = np.array([[c[0] + 35 * np.cos(-np.pi / 2 + i * np.pi / 5) * (1 if i % 2 == 0 else 0.4),
                      c[1] + 35 * np.sin(-np.pi / 2 + i * np.pi / 5) * (1 if i % 2 == 0 else 0.4)]
                     for i in range(10)], np.int32)
    cv2.fillPoly(m, [star], 1.0)
    for k in range(9):                           # arc text stand-in: short strokes inside the ring
        a = np.pi * (1.1 + 0.09 * k)
        p = (int(c[0] + 0.75 * radius * np.cos(a)), int(c[1] + 0.75 * radius * np.sin(a)))
        cv2.rectangle(m, (p[0] - 9, p[1] - 9), (p[0] + 9, p[1] + 9), 1.0, 3)
    return m


def test_grainy_uneven_round_seal_passes():
    for seed in range(4):
        rng = np.random.default_rng(seed)
        img = _ink(_page(), _round_seal(), PINK, rng)
        assert seal.check_seal(img).status == "pass", seed


def test_faint_mask_catches_pale_ink_the_strict_mask_drops():
    img = _ink(_page(), _round_seal(), PINK, np.random.default_rng(1))
    small = cv2.resize(img, None, fx=seal.WORK_WIDTH / img.shape[1], fy=seal.WORK_WIDTH / img.shape[1])
    assert seal.faint_red_mask(small).sum() > 1.5 * seal.red_mask(small).sum()


def test_grainy_square_name_stamp_is_not_a_seal():
    for seed in range(3):
        m = np.zeros((1100, 800), np.float32)
        cv2.rectangle(m, (440, 700), (660, 920), 1.0, 12)
        for (x, y) in ((470, 730), (570, 730), (470, 830), (570, 830)):   # four name characters
            cv2.rectangle(m, (x, y), (x + 60, y + 60), 1.0, 8)
            cv2.line(m, (x, y + 30), (x + 60, y + 30), 1.0, 8)
        img = _ink(_page(), m, PINK, np.random.default_rng(seed))
        assert seal.check_seal(img).status != "pass", seed


def test_faint_ring_off_paper_is_not_a_seal():
    # A pinkish ring on a saturated blue patch (photo-box backdrop, skin/hair edges): not on paper.
    page = _page()
    cv2.rectangle(page, (380, 640), (760, 1000), (170, 90, 40), -1)
    img = _ink(page, _round_seal(), PINK, np.random.default_rng(2))
    assert seal.paper_around(cv2.resize(img, None, fx=0.775, fy=0.775), 560 * 0.775, 820 * 0.775,
                             120 * 0.775) < seal.MIN_PAPER


def test_grey_grainy_seal_is_not_a_pass():
    img = _ink(_page(), _round_seal(), (96, 96, 98), np.random.default_rng(3))
    assert seal.check_seal(img).status != "pass"
    grey = cv2.cvtColor(cv2.cvtColor(_ink(_page(), _round_seal(), PINK, np.random.default_rng(3)),
                                     cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert seal.check_seal(grey).status == "unsure"


def test_red_pen_loop_and_title_are_not_seals():
    page = _page()
    cv2.ellipse(page, (400, 500), (200, 70), 0, 0, 340, (40, 30, 210), 4)        # loop around a word
    cv2.putText(page, "TITLE", (200, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (40, 30, 210), 8)
    assert seal.check_seal(page).status != "pass"
