"""Compose labelled samples and write a set: images plus labels.jsonl in the format verifier/evaluate.py reads.

Each label line: path, kind, expected (the roster), truth (check name -> sound?), values (what is really printed),
capture (short string), traits (everything chosen while rendering, for failure analysis), today.
Truth semantics follow the verifier's contract: a check is 'sound' (true) only when a reviewer should see it pass.
A seal that the image cannot show in red (photocopy, greyscale scan) is not sound: the original must be seen.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import cv2
import numpy as np

from bench.alt_synth import camera, cards, pages, people
from bench.alt_synth.people import TODAY
from verifier.checksums import gb11643_valid, luhn_valid

KINDS = ["id_card_front", "id_card_back", "bank_card", "application_form", "diploma", "diploma_registration",
         "student_status_report", "tuition_receipt"]
WEIGHTS = [0.22, 0.12, 0.16, 0.26, 0.06, 0.06, 0.06, 0.06]
UNREADABLE_RATE = 0.08
CARD_KINDS = {"id_card_front", "id_card_back", "bank_card"}


def _person(rng: np.random.Generator) -> dict:
    female = bool(rng.random() < 0.5)
    code, prefix, authority = people.REGIONS[int(rng.integers(len(people.REGIONS)))]
    born = people.birth(rng)
    return {"female": female, "name": people.name(rng, female), "born": born, "region": code,
            "authority": authority, "address": people.address(rng, prefix),
            "ethnic": people.ETHNIC[int(rng.integers(len(people.ETHNIC)))],
            "id_number": people.id_number(rng, code, born, female),
            "unit": people.UNITS[int(rng.integers(len(people.UNITS)))],
            "school": people.SCHOOLS[int(rng.integers(len(people.SCHOOLS)))],
            "major": people.MAJORS[int(rng.integers(len(people.MAJORS)))],
            "level": people.LEVELS[int(rng.integers(len(people.LEVELS)))]}


def _id_front(rng):
    p = _person(rng)
    card = dict(p)                         # what the card shows
    roster = {"name": p["name"], "id_number": p["id_number"]}
    scenario = str(rng.choice(["ok", "wrong_check", "wrong_check_in_roster", "roster_typo_1", "roster_typo_2",
                               "doctored_fixed", "name_typo", "family_card"],
                              p=[0.55, 0.07, 0.03, 0.06, 0.06, 0.04, 0.1, 0.09]))
    if scenario == "wrong_check":
        card["id_number"] = people.wrong_check(rng, p["id_number"])
    elif scenario == "wrong_check_in_roster":
        card["id_number"] = people.wrong_check(rng, p["id_number"])
        roster["id_number"] = card["id_number"]
    elif scenario == "roster_typo_1":
        roster["id_number"] = people.near_miss(rng, p["id_number"], 1, fix_check=rng.random() < 0.5)
    elif scenario == "roster_typo_2":
        roster["id_number"] = people.near_miss(rng, p["id_number"], 2, fix_check=rng.random() < 0.5)
    elif scenario == "doctored_fixed":
        card["id_number"] = people.near_miss(rng, p["id_number"], int(rng.integers(1, 3)), fix_check=True)
    elif scenario == "name_typo":
        card["name"] = people.name_typo(rng, p["name"], p["female"])
    elif scenario == "family_card":
        other = _person(rng)
        card.update(other)
        card["name"] = people.other_same_surname(rng, p["name"], other["female"])
        card["id_number"] = people.id_number(rng, other["region"], other["born"], other["female"])
    if scenario == "ok" and roster["id_number"].endswith("X") and rng.random() < 0.5:
        roster["id_number"] = roster["id_number"][:17] + "x"     # rosters typed with a lower-case x
        scenario = "ok_lower_x"
    k = rng.uniform(12, 16)
    img, info = cards.id_front(rng, card["name"], card["female"], card["ethnic"], card["born"], card["address"],
                               card["id_number"], k)
    truth = {"id_number_valid": gb11643_valid(card["id_number"], TODAY),
             "id_number_match": card["id_number"] == roster["id_number"].upper(),
             "name_match": card["name"] == roster["name"]}
    values = {"id_number": card["id_number"], "name": card["name"]}
    return img, roster, truth, values, {"scenario": scenario, **info}


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _id_back(rng):
    p = _person(rng)
    years = [5, 10, 20, None][int(rng.choice(4, p=[0.1, 0.4, 0.35, 0.15]))]
    expired = years is not None and rng.random() < 0.35
    near = rng.random() < 0.25
    for _ in range(100):
        if years is None:
            start = dt.date(2005, 1, 1) + dt.timedelta(days=int(rng.integers(0, (TODAY - dt.date(2005, 1, 1)).days)))
            break
        if expired:
            back = int(rng.integers(1, 90)) if near else int(rng.integers(1, 365 * 8))
            end = TODAY - dt.timedelta(days=back)
        else:
            ahead = int(rng.integers(1, 90)) if near else int(rng.integers(1, 365 * years))
            end = TODAY + dt.timedelta(days=ahead)
        start = _add_years(end, -years)
        if start >= dt.date(2004, 1, 1) and start <= TODAY:
            break
    else:
        years, start = None, dt.date(2012, 5, 1)
    text, end = cards.validity_text(start, years)
    k = rng.uniform(12, 16)
    img, info = cards.id_back(rng, p["authority"], text, k)
    sound = end is None or end > TODAY       # end == TODAY never drawn: both readings exist
    scenario = "long_term" if end is None else ("expired" if not sound else "valid") + ("_near" if near else "")
    return img, {}, {"validity_not_expired": sound}, {"validity": text}, {"scenario": scenario, **info}


def _bank(rng):
    bank = people.BANKS[int(rng.integers(len(people.BANKS)))]
    valid = rng.random() < 0.78
    number = people.card_number(rng, bank[2], valid)
    groups = people.card_groups(rng, number)
    img, info = cards.bank_card(rng, bank, groups, rng.uniform(12, 16))
    return img, {}, {"card_number_valid": luhn_valid(number)}, {"card_number": number}, \
        {"scenario": "valid" if valid else "luhn_fail", "grouping": "-".join(str(len(g)) for g in groups),
         "bank": bank[0], **info}


def _form(rng):
    p = _person(rng)
    photo = "face" if rng.random() < 0.72 else "nonface"
    seal_state = str(rng.choice(["red", "none", "photocopy"], p=[0.68, 0.24, 0.08]))
    extras = {e for e, pr in (("red_title", 0.2), ("red_lines", 0.1), ("red_note", 0.15), ("red_pen", 0.15),
                              ("fingerprint", 0.15), ("name_stamp", 0.1), ("seal_faint", 0.15), ("seal_low", 0.15))
              if rng.random() < pr}
    k = rng.uniform(6.3, 9.0)
    img, info = pages.application_form(rng, k, p, photo, "none" if seal_state == "none" else "red", extras)
    if seal_state == "photocopy":
        img = pages.photocopy(img, rng)
    truth = {"photo_present": info["photo"] == "face", "seal_present": seal_state == "red"}
    expected = {"name": p["name"], "id_number": p["id_number"]}
    values = {"photo": info["photo"], "seal": seal_state}
    return img, expected, truth, values, {"scenario": f"photo:{info['photo']},seal:{seal_state}",
                                          "extras": sorted(extras), **info}


def _generic(render):
    def make(rng):
        p = _person(rng)
        r = rng.random()
        if r < 0.12:
            printed, scenario = people.other_same_surname(rng, p["name"], p["female"]), "other_same_surname"
        elif r < 0.25:
            printed, scenario = people.name_typo(rng, p["name"], p["female"]), "name_typo"
        else:
            printed, scenario = p["name"], "ok"
        img, info = render(rng, rng.uniform(6.3, 9.0), p, printed)
        return img, {"name": p["name"]}, {"name_match": printed == p["name"]}, {"name": printed}, \
            {"scenario": scenario, **info}
    return make


RENDER = {"id_card_front": _id_front, "id_card_back": _id_back, "bank_card": _bank, "application_form": _form,
          "diploma": _generic(pages.diploma), "diploma_registration": _generic(pages.diploma_registration),
          "student_status_report": _generic(pages.student_status_report),
          "tuition_receipt": _generic(pages.tuition_receipt)}


def name_px(at: list[float], size: tuple[int, int], quad: list) -> float:
    """How many pixels high the holder's name, printed at `at` = [x, y, type size] on a page of `size` pixels,
    is in the upload that shows the page at `quad` (the page's corners there, clockwise from its top left)."""
    w, h = size
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), np.float32(quad))
    x, y, em = at
    top, bottom = cv2.perspectiveTransform(np.float32([[[x, y - em / 2], [x, y + em / 2]]]), m)[0]
    return round(float(np.linalg.norm(bottom - top)), 1)


def make_sample(rng: np.random.Generator, kind: str) -> tuple[bytes, str, dict]:
    doc, expected, truth, values, traits = RENDER[kind](rng)
    is_card = kind in CARD_KINDS
    ruin = str(rng.choice(["tiny", "blurred", "dark", "truncated"])) if rng.random() < UNREADABLE_RATE else None
    if rng.random() < 0.68:
        img, t = camera.phone_photo(doc, rng, is_card)
        capture = "photo"
        r = rng.random()
        fmt = "exif" if r < 0.06 else "jpeg"
        turn = int(rng.integers(1, 4)) if 0.06 <= r < 0.24 else 0
    else:
        grey = rng.random() < 0.35
        img, t = camera.scan(doc, rng, is_card, grey)
        capture = "scan-grey" if grey else "scan"
        turn = int(rng.integers(1, 4)) if rng.random() < 0.08 else 0
        fmt = str(rng.choice(["jpeg", "png", "pdf"], p=[0.7, 0.2, 0.1]))
        if grey and truth.get("seal_present"):
            truth["seal_present"] = False    # red cannot be told from black: the original must be seen
            traits["seal_truth_from_grey_scan"] = True
    traits.update(t)
    if "name_at" in traits:
        traits["name_px"] = name_px(traits.pop("name_at"), doc.size, traits["doc_quad"])
    if turn:
        traits["doc_quad"] = camera.rot90_points(traits["doc_quad"], turn, img.shape[1], img.shape[0])
        img = np.ascontiguousarray(np.rot90(img, turn))      # counter-clockwise quarter turns
        capture += f"-rot{turn * 90}"
    if ruin:
        img = camera.ruin(img, rng, ruin)
        fmt = "jpeg" if ruin == "truncated" else ("png" if fmt == "png" else "jpeg")
        truth = {"readable": False}
        capture += f"+{ruin}"
    else:
        truth["readable"] = True
    data, ext, enc = camera.encode(img, rng, fmt)
    traits.update(enc)
    if ruin == "truncated":
        data = camera.truncate(data, rng)
    if fmt == "exif":
        capture += f"-exif{enc['exif_orientation']}"
    traits["size"] = [int(img.shape[1]), int(img.shape[0])]
    label = {"kind": kind, "expected": expected, "truth": truth, "values": values, "capture": capture,
             "traits": traits}
    return data, ext, label


def write_set(out_dir: str | Path, n: int, seed: int = 0, kinds: list[str] | None = None) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    kinds = kinds or KINDS
    weights = np.array([WEIGHTS[KINDS.index(k)] for k in kinds])
    with open(out / "labels.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            kind = str(rng.choice(kinds, p=weights / weights.sum()))
            data, ext, label = make_sample(rng, kind)
            name = f"alt{seed}_{i:04d}_{kind}.{ext}"
            (out / name).write_bytes(data)
            fh.write(json.dumps({"path": name, **label, "today": TODAY.isoformat()}, ensure_ascii=False,
                                default=_jsonable) + "\n")
    return out / "labels.jsonl"


def _jsonable(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, (dt.date,)):
        return o.isoformat()
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(type(o))
