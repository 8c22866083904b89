"""The ID card's name found whole in grey (idcard.check_name_grey): it passes the holder's name on a card whose
label 姓名 is printed smaller than the name, and never a near miss."""
import datetime as dt

import cv2
import numpy as np
import pytest

from bench.alt_synth import cards
from verifier.checks import idcard, namematch
from verifier.result import PASS

NAME = "吕浩"


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    """A flattened ID card front (alternative generator, 10 px/mm like the verifier's flattened cards)."""
    img, _ = cards.id_front(np.random.default_rng(11), NAME, False, "汉", dt.date(1997, 6, 30),
                            "重庆市渝中区解放碑街道民族路88号", "500103199706303278", 10.0)
    return cv2.cvtColor(np.array(img.convert("RGB")), cv2.COLOR_RGB2BGR)


def test_holders_name_passes(card):
    found = idcard.check_name_grey(card, NAME)
    assert found is not None and found.status == PASS and found.value == NAME


@pytest.mark.parametrize("other", ["吕洁", "吴浩", "吕浩明", "张吕浩", "吕"])
def test_near_misses_do_not_pass(card, other):
    assert idcard.check_name_grey(card, other) is None



def test_the_label_printed_smaller_than_the_name_is_recognised_as_the_label():
    # Blurred, the end of the smaller label 姓名 reaches into the cell before the name. Compared at the
    # name's own size it is not recognised and blocks the pass; at the label's smaller size it is.
    img, _ = cards.id_front(np.random.default_rng(14), NAME, False, "汉", dt.date(1997, 6, 30),
                            "重庆市渝中区解放碑街道民族路88号", "500103199706303278", 10.0)
    card = cv2.GaussianBlur(cv2.cvtColor(np.array(img.convert("RGB")), cv2.COLOR_RGB2BGR), (0, 0), 2.2)
    h, w = card.shape[:2]
    region = namematch.darkness(card[int(0.03 * h):int(0.30 * h), int(0.10 * w):int(0.66 * w)])
    (_, x, y, em), *_ = namematch.locate_name(region, NAME, (0.03 * w, 0.065 * w))
    verdict, detail = namematch.verify_strip(region, NAME, x, y, em, "", idcard.LABEL_TAIL, (1.0,))
    assert verdict == "unclear" and "姓名前后有其他字" in detail
    assert namematch.verify_strip(region, NAME, x, y, em, "", idcard.LABEL_TAIL, idcard.LABEL_SCALES)[0] == "same"
    assert idcard.check_name_grey(card, NAME) is not None
