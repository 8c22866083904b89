"""Name finding on free-layout pages and ID cards: rows beside photos, shaded label cells, wide gaps, other
people's name fields, a card edge merged into the name line."""
import cv2
import numpy as np
from PIL import Image, ImageDraw
from verifier_fixtures import table_page

from verifier.checks import idcard, namematch, names
from verifier.result import FAIL, PASS
from verifier.synth import common


def test_clean_hit_wide_gap_ends_name():
    assert namematch.clean_hit("交款人: 武斌飞            交款人统一代码", "武斌飞")
    assert not namematch.clean_hit("交款人: 武斌飞交款人", "武斌飞")
    assert not namematch.clean_hit("王 伟 明", "王伟")          # single spaces: chi_sim's spacing, same word
    assert not namematch.clean_hit("王伟  明", "王伟")


def test_someone_elses_label():
    assert names._someone_elses("校(院)长姓名蓝天", "姓名")
    assert names._someone_elses("家长姓名王伟", "姓名")
    assert not names._someone_elses("姓名王伟", "姓名")
    assert not names._someone_elses("学生姓名王伟", "姓名")


def test_page_rows_not_merged_by_photo():
    g = names._processed(table_page("贺晨"), 1.0)
    plain = namematch.text_rows(g, min_height=8)
    rows = names._page_rows(g)
    assert len(rows) == 4                  # one per table row
    assert len(plain) < len(rows)          # the portrait joins the rows it spans in the plain profile


def test_page_rows_without_photo_match_plain():
    g = names._processed(table_page("贺晨", photo=False), 1.0)
    assert len(names._page_rows(g)) == 4


def test_shaded_label_cell_passes_and_near_miss_does_not():
    page = table_page("贺晨", photo=False)
    scale = 1.0
    g = names._processed(page, scale)
    text, box = next(names._own_lines(g, []))           # the first row, read on its own
    ok = names._verify_labelled(page, box, scale, "姓名", "姓名贺晨", "贺晨", g)
    assert ok is not None and ok.status == PASS
    bad = names._verify_labelled(page, box, scale, "姓名", "姓名贺晨", "贺明", g)
    assert bad is None or bad.status != PASS


def test_name_windows_split_tall_rows_only():
    short = list(idcard._name_windows([(100, 140)], 400))
    assert len(short) == 1
    tall = list(idcard._name_windows([(100, 260)], 400))
    assert len(tall) > 1
    assert all(b - a <= idcard.NAME_HEIGHT * 11 // 8 + 12 for a, b in tall[1:])


def test_name_from_merged_row_passes_only_for_the_printed_name():
    # The name line with a dark desk edge right above it: one tall ink row in the region.
    img = Image.new("RGB", (700, 200), (245, 245, 240))
    d = ImageDraw.Draw(img)
    d.polygon([(0, 0), (700, 0), (700, 40), (0, 85)], fill=(40, 90, 40))
    d.text((60, 100), "姓名", fill=(60, 120, 200), font=common.font(30))
    d.text((160, 95), "诸葛伟杰", fill=(10, 10, 10), font=common.font(40))
    region = cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)
    results = {}
    for expected in ("诸葛伟杰", "诸葛伟明"):
        results[expected] = [idcard.match_name_in_roi(region[a:b], None, expected).status
                             for a, b in idcard._name_windows(namematch.text_rows(region, min_height=20)[:6],
                                                              region.shape[0])]
    assert PASS in results["诸葛伟杰"]
    assert PASS not in results["诸葛伟明"]
    assert FAIL not in results["诸葛伟杰"]
