"""Median seconds per ID card front, bank card and application form on one core, beside plain full-page
tesseract, and the resident memory of a worker process with the models loaded.

Usage: python bench/verify_speed.py [--n 12]   (renders its own images with the synthetic generator)
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import verifier  # noqa: E402
from verifier.synth.dataset import make_sample  # noqa: E402

TARGETS = {"id_card_front": 0.5, "bank_card": 0.5, "application_form": 1.0}


def _one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def rss_mb() -> float:
    """This process's resident set size (VmRSS), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _samples(kind: str, n: int, seed: int):
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        data, ext, label = make_sample(rng, kind)
        if label["truth"].get("readable"):
            out.append((data, ext, label))
    return out


def bench(kind: str, n: int, tmp: Path) -> tuple[float, float]:
    ours, plain = [], []
    for i, (data, ext, label) in enumerate(_samples(kind, n, seed=sum(map(ord, kind)))):
        t = time.perf_counter()
        verifier.verify_bytes(data, kind, label["expected"])
        ours.append(time.perf_counter() - t)
        path = tmp / f"{kind}_{i}.{ext}"
        path.write_bytes(data)
        t = time.perf_counter()
        subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim"], capture_output=True, timeout=120)
        plain.append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(plain)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=12)
    args = p.parse_args()
    _one_core()
    before = rss_mb()
    t = time.perf_counter()
    from verifier import ocr
    ocr.warm_up()
    print(f"models loaded in {time.perf_counter() - t:.2f} s; resident memory {before:.0f} MB before, "
          f"{rss_mb():.0f} MB with the models loaded")
    with tempfile.TemporaryDirectory() as d:
        for kind, target in TARGETS.items():
            ours, plain = bench(kind, args.n, Path(d))
            print(f"{kind:18} verifier median {ours:.2f} s (target <= {target} s)   "
                  f"plain full-page tesseract chi_sim {plain:.2f} s")
    print(f"resident memory after the run: {rss_mb():.0f} MB")
