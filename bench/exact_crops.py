"""Documents cropped exactly to their edges, as scanning apps (and users cropping in the gallery) hand them in:
no desk, no margin, the frame is the document's outline. The alternative generator's sets always leave a
margin, so this prints, per check, sound documents flagged and real problems missed on such crops.

Usage: python bench/exact_crops.py [--kinds bank_card,application_form] [--n 16] [--seed 779]

Each document is drawn flat by the alternative generator, scaled to a long side of 1400-2400 px, turned
0/90/180/270 degrees in turn and saved as JPEG quality 75.
"""
import argparse
import os
import sys
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from bench.alt_synth import dataset  # noqa: E402
from verifier import pipeline  # noqa: E402
from verifier.result import PASS  # noqa: E402


def crop_sample(rng: np.random.Generator, kind: str, turn: int):
    img, expected, truth, values, _ = dataset.RENDER[kind](rng)
    image = cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)
    s = float(rng.uniform(1400, 2400)) / max(image.shape[:2])
    image = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    if turn:
        image = np.ascontiguousarray(np.rot90(image, turn))
    _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 75])
    return cv2.imdecode(data, cv2.IMREAD_COLOR), expected, truth, values


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kinds", default=",".join(dataset.RENDER))
    ap.add_argument("--n", type=int, default=16, help="documents per kind")
    ap.add_argument("--seed", type=int, default=779)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    rows: dict[str, list[int]] = {}          # check -> [problems, missed, sound, flagged]
    exact = [0, 0]
    for kind in args.kinds.split(","):
        for i in range(args.n):
            image, expected, truth, values = crop_sample(rng, kind, i % 4)
            for check in pipeline.run_checks(image, kind, expected, today=dataset.TODAY):
                if check.name not in truth:
                    continue
                row = rows.setdefault(check.name, [0, 0, 0, 0])
                if truth[check.name]:
                    row[2] += 1
                    row[3] += check.status != PASS
                else:
                    row[0] += 1
                    row[1] += check.status == PASS
                if (check.status == PASS) != truth[check.name]:
                    print(f"{'flagged' if truth[check.name] else 'MISSED'}: {kind} #{i} turned {90 * (i % 4)}: "
                          f"{check.name} {check.status} value={check.value!r} {values}", file=sys.stderr)
                if check.name == "card_number_valid":
                    exact[0] += check.value == values["card_number"]
                    exact[1] += 1
    print(f"{'check':24} problems  missed  sound flagged")
    for name, (problems, missed, sound, flagged) in sorted(rows.items()):
        print(f"{name:24} {problems:8} {missed:7} {sound:6} {flagged:7}")
    if exact[1]:
        print(f"exact read card_number   {exact[0]}/{exact[1]}")


if __name__ == "__main__":
    main()
