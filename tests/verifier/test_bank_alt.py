"""Bank cards the plain layout read misses: raised digits without foil (card-coloured digits seen only by
their lit and shadowed bevel), a card scanned small on an A4 page, 6+10..6+13 digit groupings. A number
off by a digit must still never pass."""
import cv2
import numpy as np
from PIL import Image, ImageDraw

from verifier import pipeline
from verifier.checks import bankcard, cardfind, emboss
from verifier.checksums import luhn_valid
from verifier.synth import cards
from verifier.synth.common import digit_font

GOOD = "6222021234567890128"          # Luhn-valid, 19 digits
assert luhn_valid(GOOD)
BAD = GOOD[:-1] + "9"


def _check(image, kind="bank_card"):
    return {r.name: r for r in pipeline.run_checks(image, kind, {})}


def _relief_card(number: str, light=(-0.7, -0.5), colour=(150, 60, 70)) -> np.ndarray:
    """A flat card (BGR, 10 px/mm) with the number raised and unpainted: brightness follows the slope of
    the relief along the light direction, nothing else marks the digits."""
    w, h = 856, 540
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (0.6 * xx / w + 0.4 * yy / h)[..., None]
    base = np.array(colour, np.float32) * (1.1 - 0.3 * t)
    mask = Image.new("L", (w, h), 0)
    grouped = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    ImageDraw.Draw(mask).text((70, 300), grouped, fill=255, font=digit_font(52, bold=True))
    relief = cv2.GaussianBlur(np.asarray(mask, np.float32) / 255, (0, 0), 1.2)
    gy, gx = np.gradient(relief)
    shade = np.clip((gx * light[0] + gy * light[1]) * 2.5, -0.6, 0.6)
    img = base * (1 + shade[..., None]) + 40 * np.clip(shade, 0, 1)[..., None]
    return cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)


def test_relief_digits_read_only_from_the_height_map():
    card = _relief_card(GOOD)
    plain = bankcard.read_card_candidates(card, max_variants=bankcard.PLAIN_VARIANTS)
    assert not any(d == GOOD for r in plain for d, _ in r)          # without the height map: no read
    r = bankcard.check_card_number(card)
    assert r.status == "pass" and r.value == GOOD, r


def test_relief_digits_off_by_one_never_pass():
    for light in ((-0.7, -0.5), (0.6, -0.8)):
        r = bankcard.check_card_number(_relief_card(BAD, light))
        assert r.status != "pass", r


def test_height_map_shows_raised_strokes_dark():
    card = cv2.cvtColor(_relief_card(GOOD), cv2.COLOR_BGR2GRAY)
    band = card[280:380]
    views = emboss.relief_views(band, 52)
    for v in views:
        assert v.dtype == np.uint8 and v.shape == band.shape
        # Digits occupy the middle rows of the band; they render dark, the card above them stays light.
        assert v[30:80].min() < 80 and np.median(v[:15]) > 180


def _card_on_a4(number: str, seed=3, angle=2.0) -> np.ndarray:
    """A card scanned on an A4 flatbed at 200 dpi: a small card on a large white page."""
    rng = np.random.default_rng(seed)
    card = cv2.cvtColor(np.asarray(cards.bank_card(rng, number)), cv2.COLOR_RGB2BGR)
    s = 676 / card.shape[1]                                                     # 7.9 px/mm
    card = cv2.resize(card, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    page = np.full((2339, 1654, 3), 244, np.uint8)
    ch, cw = card.shape[:2]
    y0, x0 = 700, 250
    page[y0:y0 + ch, x0:x0 + cw] = card
    rot = cv2.getRotationMatrix2D((x0 + cw / 2, y0 + ch / 2), angle, 1.0)
    return cv2.warpAffine(page, rot, (1654, 2339), borderValue=(244, 244, 244))


def test_card_on_a4_page_is_found_and_read():
    page = _card_on_a4(GOOD)
    quads = cardfind.card_quads(page)
    assert quads
    q = quads[0]
    width = np.linalg.norm(q[1] - q[0])
    assert 0.9 * 676 < width < 1.1 * 676                            # the card, not the page
    r = _check(page)["card_number_valid"]
    assert r.status == "pass" and r.value == GOOD, r
    assert _check(_card_on_a4(BAD))["card_number_valid"].status != "pass"


def test_no_card_on_a_blank_page():
    assert cardfind.card_quads(np.full((2339, 1654, 3), 244, np.uint8)) == []


def test_six_digit_prefix_groupings_are_well_formed():
    for text, digits in (("622260 6772973068", "6222606772973068"),          # 6+10
                         ("622260 67729730686", "62226067729730686"),        # 6+11
                         ("622262 587073170995", "622262587073170995"),      # 6+12
                         ("621695 5715879122400", "6216955715879122400")):   # 6+13
        assert (digits, True) in bankcard.candidates(text), text
    assert not [d for d, ok in bankcard.candidates("622260 677297306861234") if ok]   # 6+15: too long


def test_relief_reads_must_be_well_formed_to_pass():
    short = "62126790621248264"            # 18-digit number with one digit dropped: passes Luhn by chance
    assert luhn_valid(short)
    plain = [[] for _ in range(bankcard.PLAIN_VARIANTS)]
    assert bankcard._passing(plain + [[(short, False)], [], [(short, False)]]) == []
    assert bankcard._passing(plain + [[(short, True)], [], [(short, False)]]) == [short]
    assert bankcard._passing(plain + [[(short, True)]]) == []         # one relief read is not enough
    # A height map and its own binarisation are one source, not two agreeing reads.
    assert bankcard._passing(plain + [[(short, True)], [(short, True)]]) == []


def test_relief_reads_do_not_count_when_the_digits_read_as_print():
    other = "6217853996736529"
    plain = [[] for _ in range(bankcard.PLAIN_VARIANTS - 2)] + [[(other, True)], [(other, True)]]
    good = "6222021234567890128"
    assert bankcard._passing(plain + [[(good, True)], [], [(good, True)], [(good, True)]]) == []


def test_same_region_tells_the_located_card_from_the_page():
    card = np.array([[100, 100], [500, 100], [500, 352], [100, 352]], np.float32)
    page = np.array([[0, 0], [1654, 0], [1654, 2339], [0, 2339]], np.float32)
    assert cardfind.same_region(card, card + 5)
    assert not cardfind.same_region(card, page)


def test_a_plain_read_and_a_relief_read_that_agree_pass_but_a_lone_colour_read_does_not():
    plain = [[] for _ in range(bankcard.PLAIN_VARIANTS)]
    lone = list(plain)
    lone[bankcard.TRUSTED_VARIANTS] = [(GOOD, True)]          # the colour-distance read, once
    assert bankcard._passing(lone) == []
    assert bankcard._passing(lone + [[], [], [], [(GOOD, True)]]) == [GOOD]
