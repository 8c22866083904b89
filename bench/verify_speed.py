"""Median seconds per ID card front, bank card and application form on one core, beside plain full-page
tesseract, and the resident memory of a worker process with the models loaded.

Both wall-clock and CPU seconds are printed: on a machine shared with other jobs the CPU seconds (this process,
or the tesseract child) are what one core of its own would take.

Usage: python bench/verify_speed.py [--n 12]   (renders its own images with the synthetic generator)
"""
import argparse
import os
import resource
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


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench(kind: str, n: int, tmp: Path) -> dict[str, float]:
    times: dict[str, list[float]] = {"wall": [], "cpu": [], "plain wall": [], "plain cpu": []}
    for i, (data, ext, label) in enumerate(_samples(kind, n, seed=sum(map(ord, kind)))):
        t, c = time.perf_counter(), time.process_time()
        verifier.verify_bytes(data, kind, label["expected"])
        times["wall"].append(time.perf_counter() - t)
        times["cpu"].append(time.process_time() - c)
        path = tmp / f"{kind}_{i}.{ext}"
        path.write_bytes(data)
        t, c = time.perf_counter(), _child_cpu()
        subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim"], capture_output=True, timeout=120)
        times["plain wall"].append(time.perf_counter() - t)
        times["plain cpu"].append(_child_cpu() - c)
    return {k: statistics.median(v) for k, v in times.items()}


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
            m = bench(kind, args.n, Path(d))
            print(f"{kind:18} verifier median {m['cpu']:.2f} s CPU, {m['wall']:.2f} s wall (target <= {target} s)"
                  f"   plain full-page tesseract chi_sim {m['plain cpu']:.2f} s CPU, {m['plain wall']:.2f} s wall")
    print(f"resident memory after the run: {rss_mb():.0f} MB")
