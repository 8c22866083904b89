"""Name verification by glyph comparison: rare characters Tesseract misreads still pass, near misses never do."""
import cv2
import numpy as np
from PIL import Image, ImageDraw

from verifier.checks import glyphs, idcard, namematch, seal
from verifier.synth import common


def _line(text, serif=False, size=44):
    img = Image.new("RGB", (size * (len(text) + 2), int(size * 1.8)), (246, 246, 240))
    ImageDraw.Draw(img).text((size, size // 3), text, fill=(20, 20, 20), font=common.font(size, serif=serif))
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


def _verdict(printed, expected, serif=False):
    r = idcard.match_name_in_roi(_line(printed, serif), [0, 0, 1, 1], expected)
    return r.status


def test_same_glyph_beats_other_glyphs_across_faces():
    ink = namematch.ink_mask(_line("磊", serif=True))
    cell = glyphs.normalise(ink)
    assert glyphs.similarity(cell, "磊") > 0.8
    assert glyphs.similarity(cell, "磊") - max(glyphs.similarity(cell, c) for c in "石森晶品") > 0.1


def test_rare_characters_pass():
    for name in ("谭磊", "王斌", "李海燕"):
        for serif in (False, True):
            assert _verdict(name, name, serif) == "pass", (name, serif)


def test_near_misses_never_pass():
    assert _verdict("王建民", "王建国") != "pass"
    assert _verdict("谭磊", "谭斌") != "pass"
    assert _verdict("王伟明", "王伟") != "pass"     # one character more
    assert _verdict("王伟", "王伟明") != "pass"     # one character fewer


def test_blank_region_is_unsure():
    blank = np.full((80, 300, 3), 240, np.uint8)
    assert idcard.match_name_in_roi(blank, [0, 0, 1, 1], "王伟").status == "unsure"


def test_white_balance_keeps_grey_seal_grey_under_warm_light():
    page = np.full((400, 400, 3), 250, np.uint8)
    cv2.circle(page, (200, 200), 80, (110, 110, 110), 8)
    warm = np.clip(page * np.array([0.75, 0.9, 1.0]), 0, 255).astype(np.uint8)   # BGR gains: reddish lamp
    balanced = seal.white_balance(warm)
    assert seal.red_mask(balanced).sum() == 0
