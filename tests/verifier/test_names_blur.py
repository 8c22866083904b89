"""The whole-name grey comparison for defocused and shaken photos of free-layout pages: the roster name
passes where the page shows it, and a same-surname name, a one-character typo, one character more or one
fewer never does."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw
from verifier_fixtures import registration_scan, table_page

from verifier import pipeline
from verifier.checks import glyphs, namematch, names
from verifier.result import FAIL, PASS, UNSURE
from verifier.synth import common


def _page(name: str) -> np.ndarray:
    """A registration-table fragment with the name in its first row, rendered sharp at 30 px."""
    return table_page(name, shaded=False, photo=False, level="专科起点本科")


def _sentence(name: str) -> np.ndarray:
    """A diploma's running text: the name right after the label 学生, then a comma."""
    img = Image.new("RGB", (1100, 240), (250, 250, 248))
    d = ImageDraw.Draw(img)
    f = common.font(30)
    d.text((60, 40), f"学生 {name} ，性别男，一九九八年九月二十日生，于二〇二一年", fill=(20, 20, 20), font=f)
    d.text((60, 120), "九月至二〇二四年七月在本校行政管理专业学习。", fill=(20, 20, 20), font=f)
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


def _defocused(page: np.ndarray) -> np.ndarray:
    """A phone photo out of focus: blurred, then taken at 0.6 x (an 18 px name, strokes merged)."""
    return cv2.resize(cv2.GaussianBlur(page, (0, 0), 2.0), None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)


def _shaken(page: np.ndarray) -> np.ndarray:
    """A shaken phone photo: a 12 px horizontal smear, then taken at 0.6 x."""
    k = np.zeros((13, 13), np.float32)
    k[6, :] = 1 / 13
    return cv2.resize(cv2.filter2D(page, -1, k), None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)


def _search(image: np.ndarray, expected: str):
    lines = names.page_lines(image)
    return names._strip_search(image, lines[0], lines[1], expected)


@pytest.mark.parametrize("blur", [_defocused, _shaken])
def test_blurred_name_verifies_in_grey(blur):
    image = blur(_page("董磊旭"))
    found = _search(image, "董磊旭")
    assert found is not None and found.status == PASS
    x, y, _, _ = found.box
    assert 120 <= x <= 150 and 25 <= y <= 45      # the name cell, not another row


def test_blurred_page_passes_through_the_page_check():
    image = _defocused(_page("贾华磊"))
    result = names.check_name_on_page(image, names.page_lines(image), "贾华磊")
    assert result.status == PASS


@pytest.mark.parametrize("printed, expected", [
    ("董磊旭", "董磊明"),        # one given-name character differs
    ("冯妍媛", "冯妍燕"),        # a roster typo
    ("孙晶", "孙磊"),            # same surname, another person
    ("王伟明", "王伟"),          # one character more on the page
    ("王伟", "王伟明"),          # one character fewer on the page
])
def test_near_misses_never_pass(printed, expected):
    image = _defocused(_page(printed))
    assert _search(image, expected) is None
    result = names.check_name_on_page(image, names.page_lines(image), expected)
    assert result.status != PASS


def test_name_after_label_in_running_text():
    """学生 before the name is the label, not another character of the name."""
    assert _search(_defocused(_sentence("邱瑶")), "邱瑶") is not None


def test_name_inside_a_longer_name_never_passes():
    assert _search(_defocused(_sentence("张王伟")), "王伟") is None       # one character more before it
    assert _search(_defocused(_sentence("王伟明")), "王伟") is None       # one character more after it


def test_sharp_page_needs_no_grey_search():
    image = _page("董磊旭")
    result = names.check_name_on_page(image, names.page_lines(image), "董磊旭")
    assert result.status == PASS and "整行比对" not in result.detail


def test_extra_character_is_not_a_clear_side():
    """_clear_sides sees the third character of 王伟明 right after a strip of 王伟."""
    size = 24
    strip, edges = glyphs.render_strip("王伟", size, 0)
    page = np.zeros((3 * size, 6 * size), np.float32)
    three = glyphs.render_strip("王伟明", size, 0)[0]
    page[size:2 * size, 2 * size:2 * size + three.shape[1]] = three
    assert namematch._clear_sides(page, 2 * size, size, strip, edges) == (True, False)
    page[:, 2 * size + edges[-1]:] = 0                   # only 王伟 left, paper after it
    assert namematch._clear_sides(page, 2 * size, size, strip, edges) == (True, True)


def test_render_strip_lines_up_characters():
    strip, edges = glyphs.render_strip("王伟明", 30, 1)
    assert strip.shape == (30, edges[-1]) and len(edges) == 4
    other, other_edges = glyphs.render_strip("王晶明", 30, 1)
    assert other_edges == edges                          # CJK advances are equal: cells compare in place
    assert np.abs(strip[:, :edges[1]] - other[:, :edges[1]]).max() == 0
    assert np.abs(strip[:, edges[1]:edges[2]] - other[:, edges[1]:edges[2]]).max() > 0.5


def _tight_sentence(name: str) -> np.ndarray:
    """A diploma's running text with the name set tight after 学生 (no space), as many diplomas print it."""
    img = Image.new("RGB", (1100, 160), (250, 250, 248))
    ImageDraw.Draw(img).text((60, 50), f"学生{name}，性别女，一九八三年八月十七日生，于二〇一九年",
                             fill=(20, 20, 20), font=common.font(30))
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


def _shaken_diagonally(page: np.ndarray) -> np.ndarray:
    """A diagonal shake (a 9 px smear at 30 degrees) on top of slight defocus, then taken at 0.7 x: no
    kernel tried matches it exactly, so the label next to the name correlates less than the name does."""
    k = np.zeros((9, 9), np.float32)
    cv2.line(k, (0, 6), (8, 2), 1.0, 1, cv2.LINE_AA)
    page = cv2.filter2D(cv2.GaussianBlur(page, (0, 0), 1.2), -1, k / k.sum())
    return cv2.resize(page, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA)


def test_tight_label_before_a_shaken_name():
    """学生 set tight before the name counts as the label under a shake the kernels only approximate."""
    assert _search(_shaken_diagonally(_tight_sentence("顾琴莉")), "顾琴莉") is not None


@pytest.mark.parametrize("printed, expected", [("张王伟", "王伟"), ("欧阳明", "阳明"), ("王伟明", "王伟")])
def test_tight_longer_name_never_passes(printed, expected):
    """A character of a longer name right before (or after) the roster name is no label."""
    assert _search(_shaken_diagonally(_tight_sentence(printed)), expected) is None


def _askew(name: str, angle: float = 6.0) -> np.ndarray:
    """A diploma text block photographed askew and out of focus: its lines slant by `angle` degrees."""
    img = Image.new("RGB", (1300, 700), (250, 250, 248))
    d = ImageDraw.Draw(img)
    f = common.font(30)
    body = (f"学生 {name} ，性别女，一九九八年九月二十日生，于二〇一六年",
            "九月至二〇二一年七月在本校工程管理专业硕士研究生学习，修",
            "完教学计划规定的全部课程，成绩合格，准予毕业。",
            "校名：华南师范大学　　　　校（院）长：贺静妍",
            "证书编号：105741202105000321　　　　二〇二一年七月一日")
    for i, text in enumerate(body):
        d.text((120, 180 + i * 70), text, fill=(20, 20, 20), font=f)
    page = cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)
    turn = cv2.getRotationMatrix2D((650, 350), angle, 1.0)
    page = cv2.warpAffine(page, turn, (1300, 700), borderValue=(250, 250, 248))
    return _defocused(page)


def test_askew_page_is_levelled_before_the_search(monkeypatch):
    image = _askew("江丽")
    assert abs(names._text_angle(image) + 6.0) < 1.0       # levelling turns it back
    found = names._strip_search(image, [], 1.0, "江丽")
    assert found is not None and found.status == PASS
    x, y, w, h = found.box
    assert 100 <= x + w / 2 <= 140 and 130 <= y + h / 2 <= 165    # on the page as given: after 学生, line one
    monkeypatch.setattr(names, "_text_angle", lambda doc: None)
    assert names._strip_search(image, [], 1.0, "江丽") is None          # matched level, it is not found


@pytest.mark.parametrize("printed, expected", [("江丽", "江莉"), ("江丽", "汪丽"), ("江丽", "江丽娜"), ("江丽娜", "江丽")])
def test_askew_near_misses_never_pass(printed, expected):
    assert names._strip_search(_askew(printed), [], 1.0, expected) is None


def test_heavily_blurred_line_is_no_evidence_of_another_name():
    # Blurred this much (sigma 2.5 px on a 300 dpi scan), every cell of the holder's own name compares
    # poorly, and a rival character fitting a little better is noise: unsure, never "不一致".
    scan = registration_scan("董蕾瑶", em=32, blur=2.5)
    name = {r.name: r for r in pipeline.run_checks(scan, "diploma_registration", {"name": "董蕾瑶"})}["name_match"]
    assert name.status == UNSURE


def test_clear_line_with_another_name_still_fails():
    scan = registration_scan("董蕾瑶")
    name = {r.name: r for r in pipeline.run_checks(scan, "diploma_registration", {"name": "李晓明"})}["name_match"]
    assert name.status == FAIL
