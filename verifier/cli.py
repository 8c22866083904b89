"""Command line: check one image, batch a manifest, evaluate a labelled set, or synthesise one."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from verifier import KINDS, verify_path


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.func(args)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m verifier", description="学补材料图片自动检查（PP-OCR + Tesseract + dlib）")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="check one image/PDF and print one JSON object")
    c.add_argument("image")
    c.add_argument("--kind", required=True, choices=KINDS)
    c.add_argument("--name")
    c.add_argument("--id-number")
    c.add_argument("--card-number", help="the bank card number the applicant typed (bank_card)")
    c.add_argument("--today", type=dt.date.fromisoformat, help="date for expiry checks (default: today)")
    c.set_defaults(func=_check)
    b = sub.add_parser("batch", help="check every line of a JSONL manifest, one JSON object per line")
    b.add_argument("manifest")
    b.add_argument("--today", type=dt.date.fromisoformat)
    b.set_defaults(func=_batch)
    e = sub.add_parser("evaluate", help="measure the checks on a labelled directory (DIR/labels.jsonl)")
    e.add_argument("directory")
    e.add_argument("--limit", type=int)
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    e.add_argument("--verbose", action="store_true", help="print each wrong result to stderr")
    e.add_argument("--typed-card", action="store_true",
                   help="give each bank card the number printed on it as the applicant's typed number")
    e.set_defaults(func=_evaluate)
    s = sub.add_parser("synth", help="write a synthetic labelled set to DIR")
    s.add_argument("directory")
    s.add_argument("--n", type=int, default=200)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--kinds", nargs="*", choices=KINDS)
    s.set_defaults(func=_synth)
    return p


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _check(args) -> int:
    expected = {k: v for k, v in (("name", args.name), ("id_number", args.id_number),
                                  ("card_number", args.card_number)) if v}
    _emit(verify_path(args.image, args.kind, expected, today=args.today))
    return 0


def _batch(args) -> int:
    with open(args.manifest, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            _emit(_batch_line(line, args.today))
    return 0


def _batch_line(line: str, today) -> dict:
    try:
        item = json.loads(line)
        path, kind = str(item["path"]), str(item["kind"])
    except (ValueError, KeyError, TypeError):
        return {"path": None, "kind": None, "elapsed_ms": 0, "flags": ["readable"],
                "checks": [{"name": "readable", "status": "fail", "confidence": 1.0, "value": None,
                            "detail": "清单行格式错误", "box": None}]}
    if kind not in KINDS:
        return {"path": path, "kind": kind, "elapsed_ms": 0, "flags": ["readable"],
                "checks": [{"name": "readable", "status": "fail", "confidence": 1.0, "value": None,
                            "detail": f"未知材料类型 {kind}", "box": None}]}
    return verify_path(path, kind, item.get("expected") or {}, today=today)


def _evaluate(args) -> int:
    from verifier.evaluate import evaluate, format_report

    def show(label, result):
        wrong = [c for c in result["checks"] if c["name"] in label["truth"]
                 and (c["status"] == "pass") != label["truth"][c["name"]]]
        if wrong and args.verbose:
            print(label["path"], label.get("capture"), [(c["name"], c["status"], c["value"]) for c in wrong],
                  label.get("values"), file=sys.stderr)

    report = evaluate(args.directory, args.limit, show, typed_card=args.typed_card)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else format_report(report))
    return 0


def _synth(args) -> int:
    from verifier.synth.dataset import write_set

    print(write_set(args.directory, args.n, args.seed, args.kinds))
    return 0
