"""How strict each second reader is: a one-digit-off reading must not find agreement.

    .venv/bin/python bench/second_readers.py DIR [DIR ...]

For every bank card of the labelled sets (python -m bench.alt_synth DIR …, or ../shared/realworld), the number is
read as the pipeline reads it, and each group it is confirmed by (bankcard._groups) is read by the second
readers (common.second_reads: ddddocr's recogniser first, then Tesseract's views). Each digit of the group is
then changed to each other digit, and the script counts the changed groups that a reading of each reader holds:
the chance that a learned reading one digit off would find a second reader agreeing with it. Also prints how many
groups the readers confirm as read.
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verifier import pipeline, reader  # noqa: E402
from verifier.checks import bankcard, common  # noqa: E402
from verifier.io import UnreadableError, load_image  # noqa: E402


def one_digit_off(group: str):
    for i, digit in enumerate(group):
        for other in bankcard.DIGITS.replace(digit, ""):
            yield group[:i] + other + group[i + 1:]


def card_groups(image):
    """(digits, crop) of each group of the surest card number the pipeline reads, at its first look."""
    big = pipeline.upscaled(image)[0]
    big = reader.turned(big, reader.upright_turn(big))
    try:
        found = bankcard.candidates(pipeline._card_lines(big, reader.DET_LONG_SIDE))
    finally:
        reader.forget()
    return [g for line in found[0][1] for g in bankcard._groups(line)] if found else []


def main(dirs: list[str]) -> int:
    groups = confirmed = variants = by_dddd = by_tesseract = 0
    for d in dirs:
        for line in (Path(d) / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            if label["kind"] != "bank_card" or label["truth"].get("readable") is False:
                continue
            try:
                image = load_image((Path(d) / (label.get("path") or label["file"])).read_bytes())
            except UnreadableError:
                continue
            for digits, crop in card_groups(image):
                reads = [bankcard.digits_only(t) for t in common.second_reads(crop, bankcard.DIGITS)]
                groups += 1
                confirmed += any(digits in r for r in reads)
                for wrong in one_digit_off(digits):
                    variants += 1
                    by_dddd += wrong in reads[0]
                    by_tesseract += any(wrong in r for r in reads[1:])
    print(f"card groups {groups}; confirmed as read {confirmed}")
    print(f"one-digit-off readings {variants}: held by ddddocr's reading {by_dddd} "
          f"({100 * by_dddd / max(variants, 1):.2f} %), by one of Tesseract's {by_tesseract} "
          f"({100 * by_tesseract / max(variants, 1):.2f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
