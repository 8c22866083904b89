"""Generate a labelled synthetic verifier set: `python bench/make_verifier_set.py DIR --n 300 --seed 1`."""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verifier.synth.dataset import KINDS, write_set  # noqa: E402

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("directory")
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kinds", nargs="*", choices=KINDS)
    a = p.parse_args()
    print(write_set(a.directory, a.n, a.seed, a.kinds))
