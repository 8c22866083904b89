"""Light foil digits with a dark embossed shadow on a mid-tone card, in DejaVu Sans Mono Bold, whose zeros
carry a dot in the counter. The height maps and the flattened views render such a dot as a faint smudge or
slash too light to threshold, and a thresholded dot leaves its blurred rim behind: either way Tesseract
reads the zero as 6, 8 or 9. A zero's whole counter is cleared; the loops of 6, 8 and 9 are left alone; and
a printed 6 or 8 that would make the number pass Luhn if read as 0 never passes."""
import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from verifier.checks import bankcard
from verifier.checksums import luhn_valid

MONO_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
GOOD = "6217008058800625224"             # the zeros of alt3131_0273 (its printed number)
assert luhn_valid(GOOD)
# Near misses: one zero printed as 6 or 8 (what the misread makes of it), and the last digit changed.
NEAR = [GOOD[:4] + "6" + GOOD[5:], GOOD[:8] + "8" + GOOD[9:], GOOD[:-1] + "5"]
assert not any(luhn_valid(n) for n in NEAR)


def _font(size: int):
    return ImageFont.truetype(MONO_BOLD, size)


def _line(text: str, dot: int | None, size: int = 64) -> np.ndarray:
    """Dark digits on white; with dot set, each counter of a zero also holds a faint grey smudge of that
    grey level (a height map's rendering of the foil dot), laid over the face's own dark dot."""
    img = Image.new("L", (40 + size * len(text), 2 * size), 255)
    ImageDraw.Draw(img).text((20, size // 3), text, fill=0, font=_font(size))
    a = np.asarray(img).copy()
    if dot is not None:
        a = _faint_dots(a, dot)
    return a


def _faint_dots(a: np.ndarray, level: int) -> np.ndarray:
    """Every dot (a small ink blob alone in a hole) turned to the grey level and slightly blurred."""
    ink = (a < 128).astype(np.uint8) * 255
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    out = a.copy()
    for i, (_, _, _, parent) in enumerate(hierarchy[0]):
        if parent >= 0 and hierarchy[0][parent][3] >= 0:
            mask = cv2.drawContours(np.zeros(a.shape, np.uint8), contours, i, 255, thickness=cv2.FILLED)
            out[mask > 0] = level
    return cv2.GaussianBlur(out, (3, 3), 0)


def _zero_counters(a: np.ndarray) -> list[np.ndarray]:
    """Masks of the middles of the zeros' counters (a zero's is the tallest hole)."""
    ink = (a < 128).astype(np.uint8) * 255
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for i, (_, _, _, parent) in enumerate(hierarchy[0]):
        if parent >= 0 and hierarchy[0][parent][3] < 0:
            x, y, w, h = cv2.boundingRect(contours[i])
            if h > 0.5 * 48:
                m = np.zeros(a.shape, np.uint8)
                out.append(cv2.ellipse(m, (x + w // 2, y + h // 2), (w // 5, h // 5), 0, 0, 360, 255, -1) > 0)
    return out


def test_faint_dot_in_a_zero_is_cleared():
    """A smudge too light for Otsu (grey 170 on white, black digits) inside a zero goes: the old undotted
    saw no ink there and left it, and the zero read as 6 or 8."""
    dotted = _line("0080 5880", dot=170)
    counters = _zero_counters(dotted)
    assert len(counters) == 4
    assert all(dotted[m].min() < 190 for m in counters)                # the smudge is there
    clean = bankcard.undotted(dotted, 48)
    assert all(clean[m].min() > 230 for m in counters)                 # and gone
    assert np.array_equal(clean < 128, dotted < 128)                   # the strokes stay as they are


def test_thresholded_dot_leaves_no_rim():
    """A dark, blurred dot: painting its thresholded outline left a grey ring in the counter."""
    dotted = cv2.GaussianBlur(_line("0000", dot=None), (0, 0), 1.0)
    counters = _zero_counters(dotted)
    assert len(counters) == 4
    clean = bankcard.undotted(dotted, 48)
    assert all(clean[m].min() > 200 for m in counters)


def test_without_the_feature_nothing_changes():
    """Clean digits without dots, and the loops of 6, 8 and 9 holding the same faint smudge: unchanged
    (a 6 with its loop cleared of a smudge is still a 6, but the loop is no zero's counter)."""
    plain = _line("6899 8696 9689", dot=None)
    assert np.array_equal(bankcard.undotted(plain, 48), plain)
    smudged = plain.copy()
    ink = (plain < 128).astype(np.uint8) * 255
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    for i, (_, _, _, parent) in enumerate(hierarchy[0]):
        if parent >= 0 and hierarchy[0][parent][3] < 0:
            (cx, cy), _ = cv2.minEnclosingCircle(contours[i])
            cv2.circle(smudged, (int(cx), int(cy)), 3, 170, -1)
    assert not np.array_equal(smudged, plain)
    assert np.array_equal(bankcard.undotted(smudged, 48), smudged)


def _foil_card(number: str) -> np.ndarray:
    """A flat card (BGR, 10 px/mm): light-blue, the number as light foil faces over a dark embossed
    shadow offset up and left, slightly blurred, as the alt3131_0273 scan."""
    w, h = 856, 540
    card = Image.new("RGB", (w, h), (118, 160, 190))
    grouped = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    d = ImageDraw.Draw(card)
    d.text((100, 318), grouped, fill=(40, 50, 60), font=_font(46))
    d.text((103, 321), grouped, fill=(235, 240, 240), font=_font(46))
    a = cv2.GaussianBlur(np.asarray(card), (0, 0), 1.0)
    return cv2.cvtColor(a, cv2.COLOR_RGB2BGR)


def test_foil_card_reads_and_its_near_misses_never_pass():
    r = bankcard.check_card_number(_foil_card(GOOD))
    assert r.status != "fail", r                                       # a sound card is never failed
    if r.status == "pass":
        assert r.value == GOOD, r
    for near in NEAR:
        r = bankcard.check_card_number(_foil_card(near))
        assert r.status != "pass", (near, r)


def test_undotted_keeps_light_digits_on_dark_alone():
    """Light digits on a dark card: the counters are what lies inside the holes; nothing is painted."""
    light = 255 - _line("0080 5880", dot=None)
    assert np.array_equal(bankcard.undotted(light, 48), light)
