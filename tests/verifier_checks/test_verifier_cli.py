"""The CLI speaks contract §5: `check` prints one JSON object, `batch` one per manifest line, in order."""
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from verifier_fixtures import on_desk
from verifier.synth import cards, common

ROOT = Path(__file__).resolve().parents[2]
CHECK_KEYS = {"name", "status", "confidence", "value", "detail", "box"}


def _cli(*args):
    out = subprocess.run([sys.executable, "-m", "verifier", *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def _assert_contract(obj, path, kind):
    assert set(obj) == {"path", "kind", "elapsed_ms", "checks", "flags"}
    assert obj["path"] == str(path) and obj["kind"] == kind and isinstance(obj["elapsed_ms"], int)
    for c in obj["checks"]:
        assert set(c) == CHECK_KEYS and c["status"] in {"pass", "fail", "unsure"}
        assert c["box"] is None or (len(c["box"]) == 4 and all(isinstance(v, int) for v in c["box"]))
    assert obj["flags"] == [c["name"] for c in obj["checks"] if c["status"] != "pass"]


def test_check_and_batch(tmp_path):
    rng = np.random.default_rng(7)
    card = tmp_path / "card.jpg"
    number = common.random_card(rng)
    cv2.imwrite(str(card), on_desk(cards.bank_card(rng, number)))
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    [one] = _cli("check", str(card), "--kind", "bank_card")
    _assert_contract(one, card, "bank_card")
    assert {"readable", "card_number_valid"} <= {c["name"] for c in one["checks"]}
    # With the number the applicant typed, the card is compared with it.
    [typed] = _cli("check", str(card), "--kind", "bank_card", "--card-number", number)
    check = next(c for c in typed["checks"] if c["name"] == "card_number_valid")
    assert (check["status"], check["value"]) == ("pass", number) and "与申请填写的一致" in check["detail"]

    manifest = tmp_path / "m.jsonl"
    lines = [{"path": str(junk), "kind": "id_card_front", "expected": {"name": "张伟", "id_number": "1"}},
             {"path": str(card), "kind": "bank_card", "expected": {}}]
    manifest.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    out = _cli("batch", str(manifest))
    assert [o["path"] for o in out] == [str(junk), str(card)]
    _assert_contract(out[0], junk, "id_card_front")
    _assert_contract(out[1], card, "bank_card")
    assert out[0]["checks"][0]["name"] == "readable" and out[0]["checks"][0]["status"] == "fail"


def test_help():
    out = subprocess.run([sys.executable, "-m", "verifier", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "check" in out.stdout and "batch" in out.stdout
