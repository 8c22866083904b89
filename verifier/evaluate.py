"""Measure the checks on a labelled directory.

Label file: DIR/labels.jsonl, one JSON object per image:
  {"path": "0001_id_card_front.jpg",            # relative to DIR
   "kind": "id_card_front",
   "expected": {"name": "张伟", "id_number": "..."},   # what the roster says
   "truth": {"readable": true, "id_number_match": false, ...},  # true = sound, false = real problem
   "values": {"id_number": "...", "card_number": "..."},        # what is really printed (optional)
   "today": "2025-06-01"}                        # optional date the truth was computed against
A check missing from "truth" is not scored for that image.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from verifier import verify_path

READ_VALUES = {"id_number_valid": "id_number", "card_number_valid": "card_number"}


def evaluate(directory: str | Path, limit: int | None = None, on_result=None, typed_card: bool = False) -> dict:
    """typed_card: give a bank card the number printed on it as the one the applicant typed (in production the
    application carries the typed number; the labelled sets hold only the printed one)."""
    directory = Path(directory)
    lines = (directory / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    stats: dict[str, dict[str, int]] = {}
    reads: dict[str, list[int]] = {}
    for line in lines[:limit]:
        label = json.loads(line)
        today = dt.date.fromisoformat(label["today"]) if label.get("today") else None
        expected = dict(label.get("expected") or {})
        if typed_card and label["kind"] == "bank_card" and label.get("values", {}).get("card_number"):
            expected["card_number"] = label["values"]["card_number"]
        result = verify_path(directory / label["path"], label["kind"], expected, today=today)
        _score(label, result, stats, reads)
        if on_result:
            on_result(label, result)
    return {"checks": stats, "reads": {k: {"exact": v[0], "total": v[1]} for k, v in reads.items()}}


def new_row() -> dict[str, int]:
    return {"problems": 0, "missed": 0, "sound": 0, "flagged": 0}


def tally(row: dict[str, int], sound: bool, passed: bool) -> bool:
    """Count one check: a sound document it did not pass is flagged, a problem it passed is missed. True when
    the check was wrong."""
    if sound:
        row["sound"] += 1
        row["flagged"] += not passed
    else:
        row["problems"] += 1
        row["missed"] += passed
    return sound != passed


def _score(label: dict, result: dict, stats: dict, reads: dict) -> None:
    by_name = {c["name"]: c for c in result["checks"]}
    for name, sound in label.get("truth", {}).items():
        tally(stats.setdefault(name, new_row()), sound, by_name.get(name, {}).get("status") == "pass")
    for check, key in READ_VALUES.items():
        truth_value = label.get("values", {}).get(key)
        if truth_value and label.get("truth", {}).get("readable", True) and check in by_name:
            r = reads.setdefault(key, [0, 0])
            r[0] += by_name[check]["value"] == truth_value
            r[1] += 1


def format_report(report: dict) -> str:
    rows = [f"{'check':24} {'problems':>8} {'missed':>7} {'miss%':>6} {'sound':>6} {'flagged':>7} {'flag%':>6}"]
    for name, s in sorted(report["checks"].items()):
        miss = 100 * s["missed"] / s["problems"] if s["problems"] else 0.0
        flag = 100 * s["flagged"] / s["sound"] if s["sound"] else 0.0
        rows.append(f"{name:24} {s['problems']:8d} {s['missed']:7d} {miss:6.1f} {s['sound']:6d} "
                    f"{s['flagged']:7d} {flag:6.1f}")
    for key, r in report["reads"].items():
        pct = 100 * r["exact"] / r["total"] if r["total"] else 0.0
        rows.append(f"exact read {key:13} {r['exact']}/{r['total']} = {pct:.1f}%")
    return "\n".join(rows)
