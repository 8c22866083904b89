"""Near misses against the ID card's name check: none may pass.

    .venv/bin/python bench/id_name_near_misses.py DIR [DIR ...]

For every sound ID card front of the labelled sets (python -m bench.alt_synth DIR …), the holder's name is
changed in five ways (a given-name character, the surname, a character added after or before, the last one
dropped) and idcard.check_name is asked for each, on the lines the learned reader read once per card. Prints every near miss that passed and the totals.
"""
import json
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verifier import pipeline, reader  # noqa: E402
from verifier.checks import idcard  # noqa: E402
from verifier.io import UnreadableError, load_image  # noqa: E402

GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红文斌玉珍辉鹏飞宇浩然"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"


def near_misses(name: str, rng: random.Random) -> set[str]:
    i = rng.randrange(1, len(name))
    out = {name[:i] + rng.choice([c for c in GIVEN if c != name[i]]) + name[i + 1:],
           rng.choice([c for c in SURNAMES if c != name[0]]) + name[1:],
           name + rng.choice(GIVEN), rng.choice(SURNAMES) + name}
    if len(name) > 2:
        out.add(name[:-1])
    return out - {name}


def main(dirs: list[str]) -> int:
    rng = random.Random(7)
    cards = holders = tried = passed = 0
    for d in dirs:
        for line in (Path(d) / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            if label["kind"] != "id_card_front" or not label["truth"].get("name_match"):
                continue
            try:
                image = load_image((Path(d) / label["path"]).read_bytes())
            except UnreadableError:
                continue
            lines = reader.lines(pipeline.upscaled(image)[0])
            name = label["expected"]["name"]
            cards += 1
            holders += idcard.check_name(lines, name).status == "pass"
            for other in sorted(near_misses(name, rng)):
                tried += 1
                found = idcard.check_name(lines, other)
                if found.status == "pass":
                    passed += 1
                    print(f"NEAR MISS PASSED {label['path']}: card {name}, roster {other}: {found.detail}")
    print(f"sound ID cards {cards}; holder's name passes on {holders}; "
          f"near misses tried {tried}, passed {passed}")
    return 1 if passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
