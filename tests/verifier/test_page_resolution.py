"""Free-layout pages are flattened at up to 2600 px on their long side: small print on a 300 dpi scan or a
close phone photo keeps the detail that tells 蕾 from 菁, which a 1600 px flattening blurred away."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from verifier import document, pipeline
from verifier.result import PASS
from verifier.synth import common


def _registration_scan(name: str, em: int = 26) -> np.ndarray:
    """An A4 registration record scanned at 300 dpi (2480 x 3508) with its table printed small, slightly soft."""
    w, h = 2480, 3508
    img = Image.new("RGB", (w, h), (250, 250, 248))
    d = ImageDraw.Draw(img)
    f = common.font(em)
    d.text((740, 200), "教育部学历证书电子注册备案表", fill=(20, 20, 20), font=common.font(2 * em))
    rows = [("姓名", name), ("性别", "女"), ("民族", "汉族"), ("证件号码", "42128119980716994X"),
            ("学校名称", "国家开放大学"), ("层次", "专科起点本科")]
    step = int(2.2 * em)
    for i, (label, value) in enumerate(rows):
        y = 500 + i * step
        d.rectangle([200, y, 2200, y + step], outline=(120, 120, 120), width=3)
        d.line([600, y, 600, y + step], fill=(120, 120, 120), width=3)
        d.text((260, y + int(0.6 * em)), label, fill=(20, 20, 20), font=f)
        d.text((640, y + int(0.6 * em)), value, fill=(20, 20, 20), font=f)
    return cv2.GaussianBlur(cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR), (0, 0), 0.7)


@pytest.fixture(scope="module")
def scan() -> np.ndarray:
    return _registration_scan("董蕾瑶")


def test_flattened_page_keeps_up_to_2600_px(scan):
    doc = document.locate(scan, "diploma_registration")
    assert max(doc.doc.shape[:2]) == document.GENERIC_LONG_SIDE == 2600


def test_small_print_name_on_a_scan_passes(scan):
    checks = {r.name: r for r in pipeline.run_checks(scan, "diploma_registration", {"name": "董蕾瑶"})}
    assert checks["name_match"].status == PASS


@pytest.mark.parametrize("other", ["董雷瑶", "董蕾", "董蕾瑶明", "童蕾瑶"])
def test_near_misses_of_the_small_print_name_do_not_pass(scan, other):
    checks = {r.name: r for r in pipeline.run_checks(scan, "diploma_registration", {"name": other})}
    assert checks["name_match"].status != PASS
