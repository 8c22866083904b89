"""Each check on rendered fixtures, with and without the feature it looks for."""
import datetime as dt

import cv2
import numpy as np
from PIL import ImageDraw

from verifier_fixtures import on_desk
from verifier import pipeline
from verifier.checks import photo, seal
from verifier.checks.validity import parse_validity, plausible
from verifier.synth import cards, common, pages

BIRTH = dt.date(1985, 3, 12)
ID = "44010619850312" + "001"
ID = ID + common.gb11643_check_char(ID)


def _by_name(results):
    return {r.name: r for r in results}


def _run(image, kind, expected=None, today=None):
    return _by_name(pipeline.run_checks(image, kind, expected or {}, today))


def test_id_front_sound(rng):
    img = on_desk(cards.id_front(rng, "王建国", ID, False, BIRTH))
    r = _run(img, "id_card_front", {"name": "王建国", "id_number": ID})
    assert r["readable"].status == "pass"
    assert r["id_number_valid"].status == "pass" and r["id_number_valid"].value == ID
    assert r["id_number_match"].status == "pass"
    assert r["name_match"].status == "pass"
    assert r["id_number_match"].box is not None


def test_id_front_near_misses_do_not_pass(rng):
    other = common.mutate_digits(rng, ID, 2, keep_check=True)     # checksum-valid, two digits differ
    img = on_desk(cards.id_front(rng, "王建民", other, False, BIRTH), angle=-4)
    r = _run(img, "id_card_front", {"name": "王建国", "id_number": ID})
    assert r["id_number_match"].status != "pass"
    assert r["name_match"].status != "pass"


def test_id_front_upside_down(rng):
    img = cv2.rotate(on_desk(cards.id_front(rng, "李娜", ID, True, BIRTH)), cv2.ROTATE_180)
    r = _run(img, "id_card_front", {"name": "李娜", "id_number": ID})
    assert r["id_number_match"].status == "pass"


def test_id_back_validity(rng, today):
    ok = _run(on_desk(cards.id_back(rng, "2018.05.20-2038.05.20")), "id_card_back", today=today)
    assert ok["validity_not_expired"].status == "pass"
    assert ok["validity_not_expired"].value == "2018.05.20-2038.05.20"
    old = _run(on_desk(cards.id_back(rng, "2005.01.10-2015.01.10")), "id_card_back", today=today)
    assert old["validity_not_expired"].status == "fail"


def test_validity_parser():
    assert parse_validity("有效期限 2015.03.12-长期") == (dt.date(2015, 3, 12), None)
    assert parse_validity("2015.03.12—2035.03.12") == (dt.date(2015, 3, 12), dt.date(2035, 3, 12))
    assert parse_validity("2015.13.12-2035.03.12") is None
    assert plausible((dt.date(2015, 3, 12), dt.date(2035, 3, 12)))
    assert not plausible((dt.date(2015, 3, 12), dt.date(2031, 3, 12)))


def test_bank_card(rng):
    good = common.random_card(rng, valid=True)
    r = _run(on_desk(cards.bank_card(rng, good)), "bank_card")
    assert r["card_number_valid"].status == "pass" and r["card_number_valid"].value == good
    bad = common.random_card(rng, valid=False)
    r = _run(on_desk(cards.bank_card(rng, bad)), "bank_card")
    assert r["card_number_valid"].status != "pass"


def _form(rng, photo_kind="face", seal_kind="red", red=False):
    page = pages.application_form(rng, "王建国", ID, common.UNITS[0], photo_kind, seal_kind, red)
    return cv2.cvtColor(np.array(page), cv2.COLOR_RGB2BGR)


def test_seal_present_and_absent(rng):
    assert seal.check_seal(_form(rng)).status == "pass"
    # Without a seal the check must flag the form (fail, or unsure if a grey ring-like shape is seen).
    assert seal.check_seal(_form(rng, seal_kind="none")).status != "pass"


def test_red_confounders_are_not_seals(rng):
    page = pages.application_form(rng, "王建国", ID, common.UNITS[0], "face", "none", True)
    ImageDraw.Draw(page).text((300, 150), "职工教育补助申请表", fill=(205, 25, 30), font=common.font(76, bold=True))
    img = cv2.cvtColor(np.array(page), cv2.COLOR_RGB2BGR)
    assert seal.check_seal(img).status != "pass"


def test_grey_seal_at_best_unsure(rng):
    assert seal.check_seal(_form(rng, seal_kind="grey")).status != "pass"
    grey = cv2.cvtColor(cv2.cvtColor(_form(rng), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert seal.check_seal(grey).status == "unsure"


def test_photo_present_needs_a_face(rng):
    assert photo.check_photo(_form(rng)).status == "pass"
    assert photo.check_photo(_form(rng, photo_kind="blank")).status == "fail"
    for seed in range(3):
        img = _form(np.random.default_rng(seed), photo_kind="nonface")
        assert photo.check_photo(img).status == "fail"


def test_form_pipeline_upside_down(rng):
    img = cv2.rotate(on_desk(pages.application_form(rng, "王建国", ID, common.UNITS[0], "face", "red", False)),
                     cv2.ROTATE_180)
    r = _run(img, "application_form")
    assert r["photo_present"].status == "pass" and r["seal_present"].status == "pass"


def test_generic_name_match(rng):
    img = on_desk(pages.diploma_registration(rng, "赵志红", ID))
    assert _run(img, "diploma_registration", {"name": "赵志红"})["name_match"].status == "pass"
    assert _run(img, "diploma_registration", {"name": "赵志强"})["name_match"].status != "pass"


def test_blurred_and_dark_are_unreadable_when_nobody_could_read_them(rng):
    number = common.random_card(rng)
    img = on_desk(cards.bank_card(rng, number))
    # Soft but legible: both readers read the number, so it is readable.
    soft = _run(cv2.GaussianBlur(img, (0, 0), 9), "bank_card")
    assert (soft["readable"].status, soft["card_number_valid"].value) == ("pass", number)
    blurred = _run(cv2.GaussianBlur(img, (0, 0), 16), "bank_card")
    assert blurred["readable"].status == "fail" and "重新拍摄" in blurred["readable"].detail
    dark = (img * 0.08).astype(np.uint8)
    r = _run(dark, "bank_card")
    assert r["readable"].status == "fail" and r["card_number_valid"].status == "unsure"
