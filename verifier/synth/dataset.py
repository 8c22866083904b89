"""Write a labelled synthetic set: images plus labels.jsonl (format documented in verifier/evaluate.py)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from verifier.checksums import gb11643_valid, luhn_valid
from verifier.synth import cards, common, distort, pages

KINDS = ["id_card_front", "id_card_back", "bank_card", "application_form", "diploma",
         "diploma_registration", "student_status_report", "tuition_receipt"]
WEIGHTS = [0.24, 0.12, 0.16, 0.24, 0.06, 0.06, 0.06, 0.06]
TODAY = dt.date(2025, 6, 1)   # labels are computed against this date; pass it to evaluate --today


def make_sample(rng: np.random.Generator, kind: str) -> tuple[bytes, str, dict]:
    """One image (encoded bytes, extension) and its label dict."""
    common.set_style(rng)
    doc, expected, truth, values = _RENDER[kind](rng)
    how = rng.choice(["blur", "dark", "tiny"]) if rng.random() < 0.07 else None
    img, capture = _capture(doc, rng, truth)
    if how:
        img = distort.unreadable(img, rng, str(how))
        truth, capture = {"readable": False}, f"{capture}+{how}"
    else:
        truth["readable"] = True
    data, ext = distort.encode(img, rng, png=capture.startswith("scan") and rng.random() < 0.3)
    label = {"kind": kind, "expected": expected, "truth": truth, "values": values, "capture": capture}
    return data, ext, label


def _capture(doc, rng, truth) -> tuple[np.ndarray, str]:
    if rng.random() < 0.7:
        turn = int(rng.integers(1, 4)) if rng.random() < 0.25 else 0
        return distort.as_photo(doc, rng, turn), f"photo{turn * 90}"
    grey = rng.random() < 0.4
    if grey and "seal_present" in truth:
        truth["seal_present"] = False   # a grey seal cannot show the original was stamped
    turn = int(rng.integers(1, 4)) if rng.random() < 0.1 else 0   # page fed into the scanner sideways
    scan = np.ascontiguousarray(np.rot90(distort.as_scan(doc, rng, grey), turn))
    return scan, ("scan-grey" if grey else "scan") + (f"{turn * 90}" if turn else "")


def _id_front(rng):
    female = bool(rng.random() < 0.5)
    birth = common.random_birth(rng)
    name, number = common.random_name(rng), None
    number = common.random_id(rng, birth, female)
    printed_name, printed = name, number
    r = rng.random()
    if r < 0.12:
        printed = common.mutate_digits(rng, number, 1, keep_check=False)
    elif r < 0.22:
        printed = common.mutate_digits(rng, number, 2, keep_check=True)
    elif r < 0.34:
        printed_name = common.same_surname_other(rng, name)
    doc = cards.id_front(rng, printed_name, printed, female, birth)
    truth = {"id_number_valid": gb11643_valid(printed, TODAY), "id_number_match": printed == number,
             "name_match": printed_name == name}
    return doc, {"name": name, "id_number": number}, truth, {"id_number": printed, "name": printed_name}


def _id_back(rng):
    start = dt.date(2003, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 22)))
    years = [5, 10, 20, None][rng.integers(4)]
    text = cards.validity_text(start, years)
    end = None if years is None else dt.date(*map(int, text.split("-")[1].split(".")))
    return cards.id_back(rng, text), {}, {"validity_not_expired": end is None or end >= TODAY}, {"validity": text}


def _bank(rng):
    number = common.random_card(rng, valid=rng.random() > 0.2)
    return cards.bank_card(rng, number), {}, {"card_number_valid": luhn_valid(number)}, {"card_number": number}


def _form(rng):
    name = common.random_name(rng)
    number = common.random_id(rng, common.random_birth(rng), False)
    photo = rng.choice(["face"] * 6 + ["blank", "nonface", "nonface"])
    seal = rng.choice(["red"] * 6 + ["none", "none", "grey"])
    doc = pages.application_form(rng, name, number, common.UNITS[rng.integers(len(common.UNITS))], str(photo),
                                 str(seal), red_confounders=rng.random() < 0.4)
    truth = {"photo_present": photo == "face", "seal_present": seal == "red"}
    return doc, {"name": name, "id_number": number}, truth, {"photo": str(photo), "seal": str(seal)}


def _generic(render):
    def make(rng):
        name = common.random_name(rng)
        printed = common.same_surname_other(rng, name) if rng.random() < 0.25 else name
        number = common.random_id(rng, common.random_birth(rng), False)
        doc = render(rng, printed, number)
        return doc, {"name": name}, {"name_match": printed == name}, {"name": printed}
    return make


_RENDER = {
    "id_card_front": _id_front, "id_card_back": _id_back, "bank_card": _bank, "application_form": _form,
    "diploma": _generic(lambda rng, n, i: pages.diploma(rng, n)),
    "diploma_registration": _generic(pages.diploma_registration),
    "student_status_report": _generic(pages.student_status_report),
    "tuition_receipt": _generic(lambda rng, n, i: pages.tuition_receipt(rng, n)),
}


def write_set(out_dir: str | Path, n: int, seed: int = 0, kinds: list[str] | None = None) -> Path:
    """Render n labelled images into out_dir and write out_dir/labels.jsonl."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    kinds = kinds or KINDS
    weights = np.array([WEIGHTS[KINDS.index(k)] for k in kinds])
    with open(out / "labels.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            kind = str(rng.choice(kinds, p=weights / weights.sum()))
            data, ext, label = make_sample(rng, kind)
            name = f"{i:04d}_{kind}.{ext}"
            (out / name).write_bytes(data)
            fh.write(json.dumps({"path": name, **label, "today": TODAY.isoformat()}, ensure_ascii=False) + "\n")
    return out / "labels.jsonl"
