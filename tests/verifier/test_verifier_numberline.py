"""Fallbacks for cards whose outline is not found: the number line found anywhere, the name found from it,
a name running into the next field, and faces that must have a pair of eyes."""
import datetime as dt

import cv2
import numpy as np
from PIL import Image, ImageDraw

from verifier.checks import idcard, namematch, numberline, photo
from verifier.synth import cards, common
from verifier_fixtures import on_desk

NUMBER = "440106198503120014"


def _card_on_papers(rng, number=NUMBER, name="谭磊", angle=-8.0):
    """An ID card lying askew on a page of print: the outline search tends to take in the paper."""
    card = np.array(cards.id_front(rng, name, number, False, dt.date(1985, 3, 12)).convert("RGB"))
    paper = Image.new("RGB", (2600, 1900), (236, 234, 228))
    d = ImageDraw.Draw(paper)
    for y in range(20, 1900, 46):
        d.text((20, y), "申请人材料复印件核对无误" * 8, fill=(70, 70, 70), font=common.font(30))
    page = cv2.cvtColor(np.array(paper), cv2.COLOR_RGB2BGR)
    photo_ = on_desk(Image.fromarray(card), border=0, angle=0.0)
    m = cv2.getRotationMatrix2D((photo_.shape[1] / 2, photo_.shape[0] / 2), angle, 1.0)
    turned = cv2.warpAffine(photo_, m, (photo_.shape[1], photo_.shape[0]), borderValue=(0, 0, 0))
    mask = cv2.warpAffine(np.full(photo_.shape[:2], 255, np.uint8), m, (photo_.shape[1], photo_.shape[0]))
    y0, x0 = 300, 400
    region = page[y0:y0 + turned.shape[0], x0:x0 + turned.shape[1]]
    region[mask > 0] = turned[mask > 0]
    return page


def test_number_found_on_a_card_lying_on_print(rng):
    image = _card_on_papers(rng)
    found = numberline.find_number(image, NUMBER)
    assert found is not None and found[0] == NUMBER


def test_number_search_never_returns_an_invalid_near_miss(rng):
    near = NUMBER[:10] + "9" + NUMBER[11:]          # one digit off: fails the check digit
    image = _card_on_papers(rng, number=near)
    found = numberline.find_number(image, NUMBER)
    assert found is None or found[0] != NUMBER


def test_name_found_from_the_number_line(rng):
    image = _card_on_papers(rng, name="谭磊")
    found, line = numberline.search(image, NUMBER)
    assert line is not None
    assert idcard.check_name_from_number(image, line, "谭磊").status == "pass"
    assert idcard.check_name_from_number(image, line, "谭斌") is None     # only a pass is ever taken


def _band(text, size=44):
    img = Image.new("L", (size * (len(text) + 2), int(size * 1.6)), 246)
    ImageDraw.Draw(img).text((size, size // 4), text, fill=20, font=common.font(size))
    ink = namematch.ink_mask(np.array(img))
    top, bottom = namematch.main_line(ink)
    return ink[top:bottom]


def test_name_followed_by_the_next_field_passes_but_a_longer_name_never_does():
    assert namematch.verify_name_prefix(_band("孙磊，性别男"), 0, "孙磊")
    assert namematch.verify_name_prefix(_band("贺娜丽性别女"), 0, "贺娜丽")
    assert not namematch.verify_name_prefix(_band("孙磊明，性别男"), 0, "孙磊")
    assert not namematch.verify_name_prefix(_band("孙磊恒"), 0, "孙磊")


def test_eye_pair_needs_two_level_eyes_one_each_side():
    assert photo._eye_pair([(20, 40, 25, 25), (70, 42, 25, 25)], 120)
    assert not photo._eye_pair([(20, 40, 25, 25)], 120)
    assert not photo._eye_pair([(20, 10, 25, 25), (70, 60, 25, 25)], 120)    # not level
    assert not photo._eye_pair([(10, 40, 25, 25), (30, 40, 25, 25)], 120)    # same side
