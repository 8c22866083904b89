"""How often the outline finder puts the document's corners where they are, on a set from bench.alt_synth
(its labels give each document's true corners as traits.doc_quad).

Usage: python -m bench.outline_accuracy DIR [DIR ...] [--tolerance 0.03] [--kinds application_form,...]

Prints, per kind, the outlines found with every corner within tolerance (a share of the image diagonal)
of the true one, the ones found elsewhere, and the photos where no outline was found; then lists the
misplaced ones. The corners may be listed from any of the four (a quarter turn is settled later).
"""
import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from verifier import document, geometry  # noqa: E402
from verifier.io import UnreadableError, load_image  # noqa: E402


def corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """The largest corner distance, over the best of the four ways to pair the corners up in order."""
    return min(float(np.linalg.norm(np.roll(found, k, axis=0) - truth, axis=1).max()) for k in range(4))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--tolerance", type=float, default=0.03)
    ap.add_argument("--kinds", default="")
    args = ap.parse_args()
    kinds = set(filter(None, args.kinds.split(",")))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])     # kind -> [right, elsewhere, none]
    wrong = []
    for d in args.dirs:
        for line in open(Path(d) / "labels.jsonl", encoding="utf-8"):
            label = json.loads(line)
            truth = label.get("traits", {}).get("doc_quad")
            if truth is None or (kinds and label["kind"] not in kinds):
                continue
            try:
                image = load_image((Path(d) / label["path"]).read_bytes())
            except UnreadableError:
                continue
            size = document.SIZES.get(label["kind"])
            quad = geometry.find_quad(image, size[0] / size[1] if size else None)
            row = counts[label["kind"]]
            if quad is None:
                row[2] += 1
                continue
            err = corner_error(geometry.order_corners(quad), geometry.order_corners(np.array(truth)))
            err /= float(np.hypot(*image.shape[:2]))
            if err <= args.tolerance:
                row[0] += 1
            else:
                row[1] += 1
                wrong.append((label["path"], err))
    print(f"{'kind':24} {'right':>6} {'elsewhere':>9} {'none':>5}")
    for kind, (right, elsewhere, none) in sorted(counts.items()):
        print(f"{kind:24} {right:6} {elsewhere:9} {none:5}")
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    print(f"{'all':24} {total[0]:6} {total[1]:9} {total[2]:5}")
    for path, err in wrong:
        print(f"  elsewhere: {path} (corner off by {100 * err:.1f} % of the diagonal)")


if __name__ == "__main__":
    main()
