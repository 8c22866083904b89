"""`name_match` on free-layout documents (diploma, registration record, status report, receipt)."""
from __future__ import annotations

import re

from verifier.checks.common import cjk_only
from verifier.reader import Line, quad_box
from verifier.result import FAIL, PASS, UNSURE, CheckResult

# Words that follow a holder's name in running text or a form row (…张伟于2019年…, 张伟 性别 男): 张伟 followed by
# one of these is 张伟, while 张伟 followed by any other Chinese character may be 张伟明. (于 as the last
# character of a given name is rare enough to take that risk; the rest are words, not name characters.)
FOLLOWERS = ("于", "性别", "同学", "身份证", "学号", "专业", "出生", "年龄", "同志")
# A name read this surely after the label 姓名 that differs from the roster is a different name.
NAME_SURE = 0.9
LABELLED = re.compile(r"姓名[:：]?([\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff])")


def clean_hit(text: str, expected: str) -> bool:
    """expected occurs in text (spaces ignored) and is not the start of a longer name: 王伟 is not 王伟明."""
    flat = "".join(text.split())
    start = flat.find(expected)
    while start >= 0:
        rest = flat[start + len(expected):]
        if not cjk_only(rest[:1]) or rest.startswith(FOLLOWERS):
            return True
        start = flat.find(expected, start + 1)
    return False


def check_name_on_page(lines: list[Line], expected: str | None) -> CheckResult:
    """Pass on the roster name read cleanly; fail on a differing name read surely after 姓名; else unsure."""
    expected = cjk_only(expected)
    if not expected:
        return CheckResult("name_match", UNSURE, 0.0, None, "名单中无姓名，无法比对", None)
    for line in lines:
        if clean_hit(line.text, expected):
            return CheckResult("name_match", PASS, 0.9, expected, "文件中姓名与名单一致", quad_box(line.quad))
    for line in lines:
        m = LABELLED.search("".join(line.text.split()))
        if m and line.score >= NAME_SURE:
            return CheckResult("name_match", FAIL, 0.75, m[1], f"文件中姓名为 {m[1]}，与名单 {expected} 不一致",
                               quad_box(line.quad))
    return CheckResult("name_match", UNSURE, 0.3, None, "未在文件中找到名单姓名，请人工核对", None)
