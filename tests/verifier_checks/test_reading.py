"""The learned reader and the agreement rule: exact reads pass, near misses never do, disagreement is unsure."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from verifier import pipeline, reader
from verifier.checks import bankcard, idcard, names
from verifier.checks.common import second_reads
from verifier.checksums import gb11643_check_char, luhn_check_digit
from verifier.reader import Line
from verifier.synth import common


def _line(text, size=44, serif=False):
    img = Image.new("RGB", (int(size * (len(text) * 0.75 + 4)), int(size * 2.2)), (246, 246, 240))
    ImageDraw.Draw(img).text((size * 2, size // 2), text, fill=(20, 20, 20), font=common.font(size, serif=serif))
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


def _stack(rows):
    """Rendered lines one under another, padded to the widest."""
    width = max(r.shape[1] for r in rows)
    return np.vstack([cv2.copyMakeBorder(r, 0, 0, 0, width - r.shape[1], cv2.BORDER_REPLICATE) for r in rows])


def _lines(*texts, size=44):
    """The texts rendered one under another and read by the learned reader."""
    return reader.lines(_stack([_line(t, size) for t in texts]))


def _id(first17):
    return first17 + gb11643_check_char(first17)


def test_reader_reads_a_rendered_line():
    (line,) = _lines("公民身份号码 44010619850312001X")
    assert line.text.replace(" ", "") == "公民身份号码44010619850312001X"
    assert line.score > 0.9 and line.crop.ndim == 3


def test_id_number_read_exactly_passes_and_a_near_miss_fails_or_is_unsure(today):
    number = _id("44010619850312001")
    lines = _lines("姓名 王建国", "公民身份号码 " + number)
    valid, match = idcard.check_id_number(lines, number, today)
    assert (valid.status, match.status, match.value) == ("pass", "pass", number)
    near = number[:10] + ("1" if number[10] != "1" else "2") + number[11:]
    valid, match = idcard.check_id_number(lines, near, today)
    assert match.status == "fail" and match.value == number


def test_id_number_that_only_the_learned_reader_read_is_unsure(today):
    number = _id("44010619850312001")
    blank = np.full((60, 600, 3), 245, np.uint8)       # Tesseract finds nothing here
    fake = [Line("公民身份号码" + number, 0.99, np.float32([[0, 0], [600, 0], [600, 60], [0, 60]]), blank)]
    valid, match = idcard.check_id_number(fake, _id("44010619850312002"), today)
    assert (valid.status, match.status, match.value) == ("unsure", "unsure", number)


@pytest.mark.parametrize(("printed", "expected", "status"), [
    ("王建国", "王建国", "pass"), ("王建民", "王建国", "fail"), ("王伟明", "王伟", "fail"), ("王伟", "王伟明", "fail"),
])
def test_id_card_name(printed, expected, status):
    assert idcard.check_name(_lines("姓名 " + printed, "性别 男  民族 汉"), expected).status == status


def test_an_id_card_under_a_copy_watermark_reads_its_number_and_name_not_the_watermark(monkeypatch, today):
    # The name 13 number heights above the number; six watermark lines between them, each longer than the number
    # line and printed smaller, so that the number is among the tallest long lines.
    number = _id("44010619850312001")
    mark = "申请人材料复印件核对无误" * 2
    img = Image.new("RGB", (1500, 1000), (246, 246, 240))
    draw = ImageDraw.Draw(img)
    draw.text((60, 60), "姓名 王建国", fill=(20, 20, 20), font=common.font(44))
    for i in range(6):
        draw.text((30, 170 + 95 * i), mark, fill=(120, 120, 120), font=common.font(34))
    draw.text((60, 880), "公民身份号码 " + number, fill=(20, 20, 20), font=common.font(48))
    card = cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)
    read = []
    real_read = reader.read

    def recording(image, quads):
        lines = real_read(image, quads)
        read.extend(lines)
        return lines

    monkeypatch.setattr(reader, "read", recording)
    checks = {c.name: c for c in pipeline.run_checks(card, "id_card_front", {"id_number": number, "name": "王建国"},
                                                     today)}
    assert (checks["id_number_match"].status, checks["name_match"].status) == ("pass", "pass")
    # The long lines are read from the bottom up until the number is read, then the name band's, top first,
    # until the name is; the band holds no line longer than the number's: at most three of the six watermark
    # lines are read.
    assert len([ln for ln in read if "复印件" in ln.text]) <= 3


def test_name_on_page_is_not_the_start_of_a_longer_name():
    assert names.clean_hit("学生王伟，性别男", "王伟")
    assert names.clean_hit("学生王伟性别男", "王伟")
    assert not names.clean_hit("学生王伟明，性别男", "王伟")
    lines = _lines("兹证明 学生 王伟明 于2019年毕业")
    assert names.check_name_on_page(lines, "王伟").status != "pass"
    assert names.check_name_on_page(lines, "王伟明").status == "pass"


def test_card_number_both_readers_agree():
    payload = "622202123456789012"
    number = payload + luhn_check_digit(payload)
    grouped = " ".join([number[:6], number[6:]])
    assert bankcard.check_card_number(_lines(grouped, size=56)).status == "pass"
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    result = bankcard.check_card_number(_lines(" ".join([wrong[:6], wrong[6:]]), size=56))
    assert (result.status, result.value) == ("fail", wrong)


def test_card_groups_read_as_separate_boxes_are_joined_in_reading_order():
    quad = lambda x: np.float32([[x, 0], [x + 90, 0], [x + 90, 30], [x, 30]])  # noqa: E731
    crop = np.zeros((30, 90, 3), np.uint8)
    groups = "622202 1234567890123".split()
    lines = [Line(g, 0.99, quad(120 * i), crop) for i, g in enumerate(groups)]
    assert [n for n, _ in bankcard.candidates(lines[::-1])] == ["6222021234567890123"]
    # The card upside down: the boxes lie the other way round and read right to left in the image.
    flipped = [Line(g, 0.99, quad(-120 * i), crop, np.array([-1.0, 0.0])) for i, g in enumerate(groups)]
    assert [n for n, _ in bankcard.candidates(flipped)] == ["6222021234567890123"]
    # A last group of one digit printed apart (4-4-4-4-1) belongs to the number.
    apart = [Line(g, 0.99, quad(120 * i), crop) for i, g in enumerate(["4367 4261 1867 7030", "4"])]
    assert [n for n, _ in bankcard.candidates(apart)] == ["43674261186770304"]
    # The 13-digit group alone is no card number.
    assert "1234567890123" not in [n for n, _ in bankcard.candidates(lines)]
    assert bankcard.card_numbers("NO. 4367 4228 0846 9968 174") == ["4367422808469968174"]


def test_card_number_only_the_learned_reader_read_is_unsure():
    payload = "622202123456789012"
    number = payload + luhn_check_digit(payload)
    blank = np.full((60, 600, 3), 245, np.uint8)
    fake = [Line(number, 0.99, np.float32([[0, 0], [600, 0], [600, 60], [0, 60]]), blank)]
    assert bankcard.check_card_number(fake).status == "unsure"


def test_card_number_the_applicant_typed_passes_on_one_reading_and_another_card_fails():
    number = "622202123456789012" + luhn_check_digit("622202123456789012")
    other = "621700123456789012" + luhn_check_digit("621700123456789012")
    blank = np.full((60, 600, 3), 245, np.uint8)       # Tesseract finds nothing here
    only_learned = [Line(number, 0.99, np.float32([[0, 0], [600, 0], [600, 60], [0, 60]]), blank)]
    # The typed number read on the card is the card: the second reader is not needed.
    result = bankcard.check_card_number(only_learned, typed=" ".join([number[:4], number[4:]]))
    assert (result.status, result.value) == ("pass", number) and "一致" in result.detail
    # Another typed number does not make a reading both readers do not share any surer.
    assert bankcard.check_card_number(only_learned, typed=other).status == "unsure"
    # A number read as typed that fails Luhn fails (a payment to it would bounce).
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    misprint = [Line(wrong, 0.99, only_learned[0].quad, blank)]
    assert bankcard.check_card_number(misprint, typed=wrong).status == "fail"
    assert bankcard.check_card_number(misprint).status == "unsure"
    # Both readers agree on a valid number that is not the typed card: the reviewer is told.
    printed = _lines(" ".join([number[:6], number[6:]]), size=56)
    assert bankcard.check_card_number(printed).status == "pass"
    result = bankcard.check_card_number(printed, typed=other)
    assert (result.status, result.value) == ("fail", number) and other[-4:] in result.detail
    assert other not in result.detail


def test_sideways_and_upside_down_cards_are_turned_upright_before_reading():
    number = "622202123456789012" + luhn_check_digit("622202123456789012")
    rows = [_line("中国银行  借记卡", 40), _line(" ".join([number[:6], number[6:]]), 56),
            _line("持卡人 王建国  有效期 08/30", 40)]
    card = _stack(rows)
    for turn in range(4):
        view = np.ascontiguousarray(np.rot90(card, turn))
        assert reader.upright_turn(view) == (4 - turn) % 4
        checks = {c.name: c for c in pipeline.run_checks(view, "bank_card", {})}
        assert (checks["card_number_valid"].status, checks["card_number_valid"].value) == ("pass", number)
        # The evidence box is where the number lies in the upload as it came.
        x, y, w, h = checks["card_number_valid"].box
        assert (w > h) == (turn % 2 == 0)


def test_a_turn_over_voted_by_every_line_is_taken_without_reading_both_ways(monkeypatch):
    rows = [_line(t, 44) for t in ("中国工商银行 借记卡", "持卡人 王建国", "有效期 08/30 至 08/35", "客服电话 95588",
                                   "6222 0212 3456 7890")]
    upside_down = np.ascontiguousarray(np.rot90(_stack(rows), 2))
    det, cls, rec = reader._models()
    asked = []
    monkeypatch.setattr(reader, "_models", lambda: (det, cls, lambda batch: asked.append(batch) or rec(batch)))
    assert reader.upright_turn(upside_down) == 2 and asked == []
    # With fewer voters than READERS the recogniser confirms the turn over.
    few = np.ascontiguousarray(np.rot90(_stack(rows[:2]), 2))
    reader.forget()
    assert reader.upright_turn(few) == 2 and len(asked) == 2


def test_a_turn_carries_the_detection_over_in_reading_order(monkeypatch):
    rows = [_line("姓名 王建国", 44), _line("公民身份号码 " + _id("44010619850312001"), 44)]
    page = _stack(rows)
    for turn in (1, 2, 3):      # the upload lies turned np.rot90(page, turn); turning it back by 4 - turn
        upload = np.ascontiguousarray(np.rot90(page, turn))
        found = reader.detect(upload)
        view = reader.turned(upload, 4 - turn)
        with monkeypatch.context() as m:      # the turned copy is not detected again
            m.setattr(reader, "_models", lambda: pytest.fail("the turned copy was detected afresh"))
            carried = reader.detect(view)
        reader.forget()
        fresh = reader.detect(view)
        assert len(carried) == len(found) == len(fresh) >= 2
        for quad in carried:
            assert quad[1][0] > quad[0][0] and quad[3][1] > quad[0][1]        # top left first, clockwise
            assert min(float(np.abs(f.mean(axis=0) - quad.mean(axis=0)).max()) for f in fresh) < 10
        assert [ln.text.replace(" ", "") for ln in reader.read(view, carried)][:1] == ["姓名王建国"]


def test_a_long_group_is_confirmed_in_pieces_cut_where_its_digits_lie():
    payload = "622202123456789012"
    number = payload + luhn_check_digit(payload)
    (line,) = _lines(" ".join([number[:6], number[6:]]), size=56)
    pieces = list(bankcard._groups(line))
    assert [len(p) for p, _ in pieces] == [3, 3, 3, 3, 4, 3]
    assert "".join(p for p, _ in pieces) == number
    # Each crop holds its own digits: Tesseract, reading the crop alone, finds them.
    for digits, crop in pieces:
        assert any(digits in bankcard.digits_only(t) for t in second_reads(crop, bankcard.DIGITS))


def test_a_long_group_one_misread_digit_away_from_a_whole_reading_still_agrees(monkeypatch):
    """A second reader that reads no run of more than PIECE digits right confirms a 6-13 number piece by piece;
    one that misreads a digit does not."""
    payload = "622202123456789012"
    number = payload + luhn_check_digit(payload)
    crop = np.zeros((30, 19 * 20 + 20, 3), np.uint8)
    quad = np.float32([[0, 0], [crop.shape[1], 0], [crop.shape[1], 30], [0, 30]])
    line = Line(" ".join([number[:6], number[6:]]), 0.99, quad, crop)
    for misread, status in ((None, "pass"), (9, "unsure")):
        printed = number if misread is None else number[:misread] + "0" + number[misread + 1:]
        asked = []

        def second(value, _crop, _whitelist, _clean, printed=printed, asked=asked):
            asked.append(value)
            return len(value) <= bankcard.PIECE and value in printed

        monkeypatch.setattr(bankcard, "confirmed", second)
        assert bankcard.check_card_number([line]).status == status
        assert number in asked            # the whole line is asked first
    assert number[6:] not in asked        # the 13 digits are never asked at once


def test_the_second_readers_are_asked_cheapest_first_and_the_first_that_confirms_ends_the_asking(monkeypatch):
    from verifier import dddd, ocr
    from verifier.checks import common

    assert all(ocr.installed(lang) for lang in common.SECOND_MODELS), "make install puts every model on disk"
    crop = _line("6222 0212", 56)
    asked = []
    monkeypatch.setattr(ocr, "ocr_text", lambda view, lang, **kw: asked.append((lang, view.tobytes())) or "")
    # ddddocr's recogniser reads the printed digits itself: Tesseract is not asked.
    assert common.confirmed("6222", crop, bankcard.DIGITS, bankcard.digits_only) and asked == []
    # When it reads nothing, Tesseract's English model reads every view, then the Latin model the same views.
    monkeypatch.setattr(dddd, "read", lambda crop: asked.append(("dddd", b"")) or "")
    assert list(common.second_reads(crop, bankcard.DIGITS)) == [""] * len(asked)
    langs = [lang for lang, _ in asked]
    n = langs.count("eng")
    assert n >= 3 and langs == ["dddd"] + ["eng"] * n + ["Latin"] * n
    assert [v for _, v in asked[1:n + 1]] == [v for _, v in asked[n + 1:]]
    asked.clear()
    monkeypatch.setattr(ocr, "ocr_text", lambda view, lang, **kw: asked.append((lang, b"")) or "62220212")
    assert common.confirmed("6222", crop, bankcard.DIGITS, bankcard.digits_only)
    assert [lang for lang, _ in asked] == ["dddd", "eng"]


def test_the_second_learned_reader_reads_a_line_of_digits_and_a_grey_crop():
    from verifier import dddd

    crop = _line("6228 4536 0917", 48)
    assert bankcard.digits_only(dddd.read(crop)) == "622845360917"
    assert bankcard.digits_only(dddd.read(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY))) == "622845360917"


def test_the_second_learned_reader_reads_raised_digits():
    """Card groups embossed by the independent generator (relief lit from the top left; no foil, silver, gold or
    white foil; light and dark stock; three typefaces): it reads nine in ten exactly, where Tesseract's plain
    reading of the same crops gets about four in ten."""
    from PIL import Image

    from bench.alt_synth import cards as alt_cards, fonts
    from verifier import dddd

    groups = ("8898", "6141", "8412", "3580", "9027")
    read = total = 0
    for face in ("DejaVuSansMono-Bold", "noto-mono-bold", "DejaVuSansCondensed-Bold"):
        for foil in (None, (205, 205, 210), (222, 190, 110), (245, 245, 245)):
            for stock in ((200, 205, 212), (40, 60, 120)):
                for group in groups:
                    img = Image.new("RGB", (260, 90), stock)
                    alt_cards._embossed(img, 10, (20, 15), group, fonts.digits(50, face), foil, (-0.7, -0.6))
                    crop = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
                    read += bankcard.digits_only(dddd.read(crop)) == group
                    total += 1
    assert read >= 0.8 * total, (read, total)     # 108 of 120 here
