"""The name check on free-layout pages (diploma, registration record, status report, receipt), by how many pixels
high the holder's name is in the upload: the label's name_px, which the independent generator (bench/alt_synth)
records from where it printed the name and where the page lies in the photo or scan.

Per size band: sound pages flagged (the name printed is the roster's, the check did not pass) and problem pages
missed (another name printed, the check passed). Browsers set Chinese text no smaller than 12 px because smaller
characters lose their strokes; below that a reviewer zooming in on the upload cannot be sure of a name either.

Usage: python bench/name_sizes.py DIR [DIR ...]      (sets written by `python -m bench.alt_synth`)
"""
import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verifier import verify_path  # noqa: E402
from verifier.evaluate import new_row, tally  # noqa: E402

BANDS = [(0, 8), (8, 10), (10, 12), (12, 16), (16, 1000)]


def band(px: float) -> str:
    lo, hi = next((lo, hi) for lo, hi in BANDS if lo <= px < hi)
    return f"{lo}-{hi} px" if hi < 1000 else f">= {lo} px"


def measure(directories: list[str]) -> dict[str, dict[str, int]]:
    table = {band(lo): new_row() for lo, _ in BANDS}
    for directory in directories:
        for line in (Path(directory) / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            truth, px = label["truth"].get("name_match"), label.get("traits", {}).get("name_px")
            if truth is None or px is None:
                continue
            today = dt.date.fromisoformat(label["today"]) if label.get("today") else None
            result = verify_path(Path(directory) / label["path"], label["kind"], label["expected"], today=today)
            passed = any(c["name"] == "name_match" and c["status"] == "pass" for c in result["checks"])
            if tally(table[band(px)], truth, passed):
                print(f"  {label['path']}: name {px} px high, {'flagged' if truth else 'missed'}", file=sys.stderr)
    return table


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directories", nargs="+")
    table = measure(p.parse_args().directories)
    print(f"{'name height':12} {'sound flagged':>14} {'problems missed':>16}")
    for name, row in table.items():
        print(f"{name:12} {row['flagged']:>6} of {row['sound']:<5} {row['missed']:>7} of {row['problems']:<5}")
