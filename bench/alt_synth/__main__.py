"""`python -m bench.alt_synth DIR --n 300 --seed 7`: write DIR/labels.jsonl and the images."""
from __future__ import annotations

import argparse
import sys
import time

from bench.alt_synth.dataset import KINDS, write_set


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.alt_synth", description=__doc__)
    p.add_argument("directory")
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--kinds", nargs="*", choices=KINDS)
    a = p.parse_args(argv)
    t = time.perf_counter()
    path = write_set(a.directory, a.n, a.seed, a.kinds)
    print(f"{path}  ({a.n} images in {time.perf_counter() - t:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
