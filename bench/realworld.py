"""Per-check right / wrong on labelled real images, through `python -m verifier batch` as a user would run it.

Usage: python bench/realworld.py [DIR] [--today 2026-12-04] [--verbose] [--typed-card]
DIR (default ../shared/realworld) holds labels.jsonl and the images it names; see its README. The images stay
where they are: this script writes only a temporary manifest.

Per check: right (the status a reviewer should see), unsure, wrong, and of the wrong ones those wrongly passed
(a real problem let through: the one mistake the verifier must never make). Reads: the number read exactly.
"""
import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "realworld"
TODAY = "2026-12-04"      # the date the set's expiry labels were written against


def expectations(kind: str, truth: dict, today: dt.date, typed_card: bool = False) -> tuple[dict, dict, dict]:
    """(roster values to check against, check -> whether it should pass, read name -> true value).
    typed_card: the applicant typed the number printed on the card, as the application carries it."""
    if kind == "id_card_front":
        expected = {"name": truth["name"], "id_number": truth["id_number"]}
        return expected, {"readable": True, "id_number_valid": truth["id_number_gb11643_valid"],
                          "id_number_match": True, "name_match": True}, {"id_number_match": truth["id_number"]}
    if kind == "id_card_back":
        until = truth.get("valid_until")
        sound = until in (None, "长期") or dt.date.fromisoformat(until) >= today
        return {}, {"readable": True, "validity_not_expired": sound}, {}
    if kind == "bank_card":
        return {"card_number": truth["card_number"]} if typed_card else {}, {"readable": True, "card_number_valid": truth["luhn_valid"]}, \
            {"card_number_valid": truth["card_number"]}
    should = {c: truth[c] for c in ("photo_present", "seal_present") if c in truth}
    should["readable"] = truth.get("readable", True)
    if "name" in truth:
        should["name_match"] = True
        return {"name": truth["name"]}, should, {}
    return {}, should, {}


def run_batch(directory: Path, labels: list[dict], today: str, typed_card: bool = False) -> list[dict]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        for label in labels:
            expected, _, _ = expectations(label["kind"], label["truth"], dt.date.fromisoformat(today), typed_card)
            fh.write(json.dumps({"path": str(directory / label["file"]), "kind": label["kind"],
                                 "expected": expected}, ensure_ascii=False) + "\n")
        manifest = fh.name
    out = subprocess.run([sys.executable, "-m", "verifier", "batch", manifest, "--today", today], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    Path(manifest).unlink()
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def score(labels: list[dict], results: list[dict], today: dt.date, verbose: bool) -> tuple[dict, dict]:
    rows: dict[str, dict[str, int]] = {}
    reads: dict[str, list[int]] = {}
    for label, result in zip(labels, results):
        _, should, values = expectations(label["kind"], label["truth"], today)
        by_name = {c["name"]: c for c in result["checks"]}
        for name, sound in should.items():
            status = by_name.get(name, {}).get("status", "missing")
            row = rows.setdefault(name, {"n": 0, "right": 0, "unsure": 0, "wrong": 0, "wrongly passed": 0})
            row["n"] += 1
            right = status == ("pass" if sound else "fail")
            row["right"] += right
            row["unsure"] += status == "unsure"
            row["wrong"] += status in ("pass", "fail") and not right
            row["wrongly passed"] += status == "pass" and not sound
            if verbose and not right:
                print(f"  {label['file']}: {name} {status} (should {'pass' if sound else 'fail'}) "
                      f"value={by_name.get(name, {}).get('value')!r} {by_name.get(name, {}).get('detail', '')}",
                      file=sys.stderr)
        for name, true_value in values.items():
            r = reads.setdefault(name, [0, 0])
            r[0] += by_name.get(name, {}).get("value") == true_value
            r[1] += 1
    return rows, reads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--today", default=TODAY)
    ap.add_argument("--verbose", action="store_true", help="print each result that is not right to stderr")
    ap.add_argument("--typed-card", action="store_true",
                    help="give each bank card its printed number as the applicant's typed one")
    args = ap.parse_args()
    directory = Path(args.directory)
    labels = [json.loads(line) for line in (directory / "labels.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    results = run_batch(directory, labels, args.today, args.typed_card)
    rows, reads = score(labels, results, dt.date.fromisoformat(args.today), args.verbose)
    print(f"{'check':22} {'n':>3} {'right':>5} {'unsure':>6} {'wrong':>5} {'wrongly passed':>14}")
    for name, r in sorted(rows.items()):
        print(f"{name:22} {r['n']:3d} {r['right']:5d} {r['unsure']:6d} {r['wrong']:5d} {r['wrongly passed']:14d}")
    for name, (exact, total) in sorted(reads.items()):
        print(f"read exactly ({name}): {exact}/{total}")
    times = sorted(r["elapsed_ms"] for r in results)
    print(f"elapsed per image: median {times[len(times) // 2] / 1000:.2f} s, max {times[-1] / 1000:.2f} s")


if __name__ == "__main__":
    main()
