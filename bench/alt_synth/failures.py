"""Group the wrong results of `python -m verifier evaluate DIR --verbose` by check, direction and image traits.

    .venv/bin/python -m verifier evaluate DIR --verbose 2> DIR/verbose.log
    .venv/bin/python -m bench.alt_synth.failures DIR DIR/verbose.log

A wrong result is a 'miss' (a real problem passed) or a 'false flag' (a sound document not passed: fail or
unsure). Each is listed with the traits the generator recorded for that image, then counted per trait against
how often the trait occurs among the images scored for that check, so a trait that drives failures stands out.
"""
from __future__ import annotations

import ast
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

TRAIT_KEYS = ["scenario", "background", "light", "digits", "digit_face", "card_style", "grouping", "layout", "extras",
              "photo", "seal_ink", "thumb", "shadow", "lamp", "glare", "curl", "defocus_px", "shake_px", "grey",
              "exif_orientation", "heavy", "seal_truth_from_grey_scan", "portrait_plain_haar", "seal_opacity"]


def parse_verbose(text: str) -> dict[str, list]:
    """path -> [(check, status, value), ...] from the evaluate --verbose lines."""
    out = {}
    for line in text.splitlines():
        if "[(" not in line:
            continue
        head, rest = line.split(" [(", 1)
        path = head.split(" ", 1)[0]
        wrong, _, _ = ("[(" + rest).partition("] {")
        try:
            out[path] = ast.literal_eval(wrong + "]")
        except (ValueError, SyntaxError):
            out[path] = [("?", "?", line)]
    return out


def _features(label: dict) -> list[str]:
    t = label.get("traits", {})
    feats = [f"capture={label.get('capture', '').split('+')[0]}"]
    for key in TRAIT_KEYS:
        if key not in t:
            continue
        v = t[key]
        if key in ("defocus_px", "shake_px"):
            feats.append(f"{key}>{'1' if float(v) > 1 else '0'}")
        elif key == "seal_opacity":
            feats.append(f"seal_opacity{'<0.6' if v < 0.6 else '<0.8' if v < 0.8 else '>=0.8'}")
        elif isinstance(v, list):
            feats += [f"{key}:{x}" for x in v]
        else:
            feats.append(f"{key}={v}")
    if "tilt_deg" in t:
        feats.append("tilt>15" if max(abs(x) for x in t["tilt_deg"][1:]) > 15 else "tilt<=15")
    return feats


def report(directory: Path, verbose_log: Path) -> str:
    labels = [json.loads(x) for x in (directory / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    wrong = parse_verbose(verbose_log.read_text(encoding="utf-8"))
    lines = []
    groups: dict[tuple[str, str], list] = defaultdict(list)
    base: dict[str, Counter] = defaultdict(Counter)
    for label in labels:
        for check, sound in label["truth"].items():
            base[(check, "false flag" if sound else "miss")].update(_features(label))
        for check, status, value in wrong.get(label["path"], []):
            sound = label["truth"].get(check)
            if sound is None:
                continue
            groups[(check, "false flag" if sound else "miss")].append((label, status, value))
    for (check, direction), items in sorted(groups.items()):
        lines.append(f"\n## {check}: {direction} ({len(items)})")
        scored = sum(1 for lb in labels if lb["truth"].get(check) is (direction == "false flag"))
        counts = Counter(f for lb, _, _ in items for f in _features(lb))
        top = sorted(counts.items(), key=lambda kv: (-kv[1] / max(1, base[(check, direction)][kv[0]]), -kv[1]))
        lines.append(f"   scored {scored}; traits over-represented among the wrong ones (wrong/with trait):")
        lines.append("   " + ", ".join(f"{k} {v}/{base[(check, direction)][k]}" for k, v in top[:12]
                                      if base[(check, direction)][k] and v >= 2))
        for lb, status, value in items:
            t = lb.get("traits", {})
            what = {k: t[k] for k in TRAIT_KEYS if k in t}
            lines.append(f"   {lb['path']} [{lb.get('capture')}] -> {status} value={value!r} "
                         f"truth-values={lb.get('values')} {json.dumps(what, ensure_ascii=False)}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1]), Path(sys.argv[2])))
