"""The independent verifier test-set generator (bench/alt_synth): its labels must agree with what it drew."""
import datetime as dt
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # `bench` is a folder of scripts, not installed

from bench.alt_synth import camera, cards, dataset, pages, people
from verifier.checksums import gb11643_valid, luhn_valid
from verifier.io import UnreadableError, load_image
from verifier.pipeline import KIND_CHECKS


def test_written_set_decodes_and_labels_are_scorable(tmp_path):
    dataset.write_set(tmp_path, 6, seed=20251)
    lines = [json.loads(x) for x in (tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 6
    for label in lines:
        assert label["today"] == people.TODAY.isoformat()
        allowed = set(KIND_CHECKS[label["kind"]]) | {"readable"}
        assert label["truth"] and set(label["truth"]) <= allowed
        data = (tmp_path / label["path"]).read_bytes()
        if "truncated" in label["capture"]:
            assert label["truth"] == {"readable": False}
            with pytest.raises(UnreadableError):
                load_image(data)
            continue
        img = load_image(data)
        assert img.ndim == 3 and img.shape[2] == 3
        if label["truth"]["readable"]:
            assert 1600 <= max(img.shape[:2]) <= 3100 or label["capture"].startswith("scan")
        elif "tiny" in label["capture"]:
            assert min(img.shape[:2]) < 480


def _stub_render(monkeypatch):
    """Label logic only: skip drawing (a 4x4 image) so many scenarios can be checked quickly."""
    tiny = (Image.new("RGB", (4, 4)), {})
    monkeypatch.setattr(cards, "id_front", lambda *a, **k: tiny)
    monkeypatch.setattr(cards, "id_back", lambda *a, **k: tiny)
    monkeypatch.setattr(cards, "bank_card", lambda *a, **k: tiny)


def test_id_front_truth_follows_gb11643_and_roster(monkeypatch):
    _stub_render(monkeypatch)
    rng = np.random.default_rng(5)
    seen = set()
    for _ in range(300):
        _, roster, truth, values, traits = dataset._id_front(rng)
        printed = values["id_number"]
        assert truth["id_number_valid"] == gb11643_valid(printed, people.TODAY)
        assert truth["id_number_match"] == (printed == roster["id_number"].upper())
        assert truth["name_match"] == (values["name"] == roster["name"])
        if traits["scenario"].startswith("wrong_check"):
            assert not truth["id_number_valid"]
        if traits["scenario"] in ("roster_typo_1", "roster_typo_2"):
            assert truth["id_number_valid"] and not truth["id_number_match"]
            differ = sum(a != b for a, b in zip(printed[:17], roster["id_number"][:17]))
            assert 1 <= differ <= 2
        if traits["scenario"] in ("name_typo", "family_card"):
            assert values["name"][0] == roster["name"][0] and not truth["name_match"]
        seen.add(traits["scenario"])
    assert {"ok", "wrong_check", "roster_typo_1", "roster_typo_2", "name_typo", "family_card"} <= seen


def test_back_and_bank_truth(monkeypatch):
    _stub_render(monkeypatch)
    rng = np.random.default_rng(6)
    outcomes = set()
    for _ in range(200):
        _, _, truth, values, _ = dataset._id_back(rng)
        m = re.fullmatch(r"(\d{4})\.(\d{2})\.(\d{2})-(?:(\d{4})\.(\d{2})\.(\d{2})|长期)", values["validity"])
        assert m
        end = dt.date(int(m[4]), int(m[5]), int(m[6])) if m[4] else None
        assert truth["validity_not_expired"] == (end is None or end > people.TODAY)
        outcomes.add(truth["validity_not_expired"])
        _, _, truth, values, _ = dataset._bank(rng)
        number = values["card_number"]
        assert 16 <= len(number) <= 19 and truth["card_number_valid"] == luhn_valid(number)
        assert "".join(people.card_groups(rng, number)) == number
        outcomes.add(("luhn", truth["card_number_valid"]))
    assert outcomes == {True, False, ("luhn", True), ("luhn", False)}


def test_exif_orientation_is_undone_by_the_loader():
    rng = np.random.default_rng(0)
    img = np.zeros((60, 100, 3), np.uint8)
    img[:10, :] = 255                                    # a white band along the top
    for _ in range(6):
        data, _, traits = camera.encode(img, rng, "exif")
        back = load_image(data)
        assert back.shape == img.shape, traits
        assert back[:10].mean() > 200 and back[-10:].mean() < 60


def test_quad_follows_quarter_turns():
    img = np.zeros((40, 100), np.uint8)
    img[5, 90] = 255                                     # a marked point at x=90, y=5
    for turns in range(4):
        (x, y), = camera.rot90_points([[90, 5]], turns, 100, 40)
        assert np.rot90(img, turns)[int(y), int(x)] == 255


@pytest.mark.parametrize("render", ["diploma", "diploma_registration", "student_status_report", "tuition_receipt"])
def test_pages_record_where_and_how_big_the_name_is_printed(render):
    person = dataset._person(np.random.default_rng(7))
    other = "龘" * len(person["name"])       # a name of the same length, drawn with the same dice otherwise
    page, info = getattr(pages, render)(np.random.default_rng(8), 8.0, person, person["name"])
    page_other, _ = getattr(pages, render)(np.random.default_rng(8), 8.0, person, other)
    x, y, em = info["name_at"]
    assert 3 * 8.0 <= em <= 5 * 8.0          # type of 3-5 mm on a page drawn at 8 px per mm
    # Where the name is recorded the two pages differ: the name was printed there.
    differs = np.abs(np.asarray(page.convert("L"), np.float32) - np.asarray(page_other.convert("L"), np.float32))
    assert differs[int(y - em / 2):int(y + em / 2), int(x - em / 2):int(x + em / 2)].max() > 100
    # In an upload showing the page at half size and upright, the name is half as high.
    w, h = page.size
    assert dataset.name_px(info["name_at"], page.size, [[0, 0], [w / 2, 0], [w / 2, h / 2], [0, h / 2]]) == \
        pytest.approx(em / 2, abs=0.1)
