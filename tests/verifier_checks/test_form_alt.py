"""Application form checks on stamp ink and layouts unlike verifier.synth's: a seal in pale, grainy, unevenly
pressed ink (ring broken into pieces) must pass; the same seal in grey toner, red thumbprints, square name
stamps, red pen loops and red titles must not; a face photo at the very top of a cropped scan must be found."""
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.alt_synth.portrait import portrait
from verifier import document, geometry, pipeline
from verifier.checks import photo, seal
from verifier.synth import common, pages

PINK = (226, 52, 78)            # RGB stamp-pad inks
MAGENTA = (196, 26, 84)
GREY = (96, 96, 98)


def _page() -> Image.Image:
    """A plain A4 page at 150 dpi with a ruled table and some black text, like the form's lower half."""
    page = Image.new("RGB", (1240, 1754), (250, 250, 247))
    d = ImageDraw.Draw(page)
    f = common.font(30)
    d.text((330, 120), "职工教育补助申请表", fill=(20, 20, 20), font=common.font(60, bold=True))
    for y in range(300, 1600, 130):
        d.line([(110, y), (1130, y)], fill=(30, 30, 30), width=2)
        d.text((140, y + 45), "基层工会意见：情况属实，同意申报。", fill=(25, 25, 25), font=f)
    d.line([(110, 300), (110, 1600)], fill=(30, 30, 30), width=2)
    d.line([(300, 300), (300, 1600)], fill=(30, 30, 30), width=2)
    d.text((880, 1340), "（盖章）", fill=(25, 25, 25), font=f)
    return page


def _seal_mask(radius: int) -> np.ndarray:
    """Float mask of a round seal: thin ring, five-point star, lettering along the upper arc."""
    size = 2 * radius + 8
    img = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(img)
    c = size / 2
    ring = max(3, int(radius * 0.05))
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=ring)
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = radius * 0.3 if i % 2 == 0 else radius * 0.3 * 0.382
        pts.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    d.polygon(pts, fill=255)
    text = "广州市某某有限公司工会委员会"
    ch = int(radius * 0.24)
    f = common.font(ch, bold=True)
    span = math.radians(240)
    for i, t in enumerate(text):
        a = -math.pi / 2 + ((i + 0.5) / len(text) - 0.5) * span
        glyph = Image.new("L", (ch * 2, ch * 2), 0)
        ImageDraw.Draw(glyph).text((ch * 0.5, ch * 0.35), t, fill=255, font=f)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BILINEAR)
        rr = radius - ring - ch * 0.8
        x, y = int(c + rr * math.cos(a) - ch), int(c + rr * math.sin(a) - ch)
        box = (x, y, x + 2 * ch, y + 2 * ch)
        img.paste(Image.fromarray(np.maximum(np.asarray(img.crop(box)), np.asarray(glyph))), box[:2])
    return np.asarray(img, np.float32) / 255


def _ink(page: Image.Image, mask: np.ndarray, centre, rgb, opacity: float, seed: int = 0) -> Image.Image:
    """Multiply ink onto the page with a tilted-pressure falloff and fine grain, as a stamp pad leaves it."""
    rng = np.random.default_rng(seed)
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / max(h, w) - 0.5
    tilt = 1 - 0.35 * np.clip(xx * 0.8 + yy * 0.6 + 0.5, 0, 1)
    grain = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 1.0)
    grain = np.clip((grain - grain.mean()) * 4 + 0.8, 0, 1)
    alpha = cv2.GaussianBlur(mask * tilt * (0.55 + 0.45 * grain) * opacity, (0, 0), 0.7)[..., None]
    arr = np.asarray(page, np.float32).copy()
    x0, y0 = int(centre[0] - w / 2), int(centre[1] - h / 2)
    region = arr[y0:y0 + h, x0:x0 + w]
    arr[y0:y0 + h, x0:x0 + w] = region * (1 - alpha + alpha * np.array(rgb, np.float32) / 255)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _bgr(page: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def _fingerprint(w: int, h: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = (xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2)
    r = np.sqrt(u ** 2 + v ** 2)
    ridges = 0.5 + 0.5 * np.sin(r * 45 + 1.5 * np.sin(np.arctan2(v, u) * 2) + v * 4)
    return (ridges > 0.45).astype(np.float32) * np.clip((1 - r) * 6, 0, 1)


def _name_stamp(side: int) -> np.ndarray:
    img = Image.new("L", (side + 4, side + 4), 0)
    d = ImageDraw.Draw(img)
    d.rectangle([2, 2, side, side], outline=255, width=max(2, side // 14))
    f = common.font(int(side * 0.38), bold=True)
    for i, ch in enumerate("王建国印"):
        d.text((side * (0.52 if i < 2 else 0.1), side * (0.08 + 0.45 * (i % 2))), ch, fill=255, font=f)
    return np.asarray(img, np.float32) / 255


def test_pale_grainy_seal_passes_where_the_saturation_mask_breaks_it():
    img = _bgr(_ink(_page(), _seal_mask(125), (900, 1330), PINK, 0.6))
    small = seal.white_balance(cv2.resize(img, None, fx=seal.WORK_WIDTH / img.shape[1],
                                          fy=seal.WORK_WIDTH / img.shape[1], interpolation=cv2.INTER_AREA))
    first = seal._hsv_seal(small, seal.WORK_WIDTH / img.shape[1])
    assert first is None or first.status != "pass"          # the first pass alone misses it
    result = seal.check_seal(img)
    assert result.status == "pass"
    x, y, w, h = result.box
    assert abs(x + w / 2 - 900) < 25 and abs(y + h / 2 - 1330) < 25


def test_magenta_seal_over_red_table_rules_passes():
    page = _page()
    d = ImageDraw.Draw(page)
    for y in (1210, 1460):
        d.line([(110, y), (1130, y)], fill=(205, 28, 38), width=3)
    d.line([(760, 1100), (760, 1600)], fill=(205, 28, 38), width=3)
    assert seal.check_seal(_bgr(_ink(page, _seal_mask(120), (880, 1330), MAGENTA, 0.75, seed=3))).status == "pass"


def test_same_seal_in_grey_toner_never_passes():
    grey = _bgr(_ink(_page(), _seal_mask(125), (900, 1330), GREY, 0.85))
    assert seal.check_seal(grey).status != "pass"
    warm = np.clip(grey * np.array([0.72, 0.88, 1.0]), 0, 255).astype(np.uint8)     # BGR: a warm lamp
    assert seal.check_seal(warm).status != "pass"
    copy = cv2.cvtColor(cv2.cvtColor(_bgr(_ink(_page(), _seal_mask(125), (900, 1330), PINK, 0.8)),
                                     cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert seal.check_seal(copy).status == "unsure"


def test_no_seal_with_red_confounders_does_not_pass():
    page = _page()
    d = ImageDraw.Draw(page)
    d.text((330, 120), "职工教育补助申请表", fill=(205, 25, 30), font=common.font(60, bold=True))
    d.ellipse([600, 700, 900, 830], outline=(210, 30, 40), width=4)                 # pen loop round a word
    d.line([(300, 900), (700, 905)], fill=(210, 30, 40), width=4)                   # red underline
    page = _ink(page, _fingerprint(80, 104), (700, 1180), (205, 28, 38), 0.8, seed=1)
    page = _ink(page, _name_stamp(95), (860, 1180), PINK, 0.85, seed=2)
    assert seal.check_seal(_bgr(page)).status != "pass"
    # A thumbprint pressed large (a close-up) is ridged all over: not a seal either.
    big = _ink(_page(), _fingerprint(300, 300), (900, 1330), (205, 28, 38), 0.9, seed=4)
    assert seal.check_seal(_bgr(big)).status != "pass"


def test_red_ring_without_lettering_or_star_is_not_a_seal():
    page = _page()
    ImageDraw.Draw(page).ellipse([780, 1210, 1020, 1450], outline=(205, 28, 38), width=7)
    assert seal.check_seal(_bgr(page)).status != "pass"


def _cropped_scan(photo_kind: str) -> np.ndarray:
    """A form scanned cropped to the table: the photo box sits at the very top right, the face is small."""
    page = pages.application_form(np.random.default_rng(21), "王建国", "44010619850312001X", common.UNITS[0],
                                  photo_kind, "red", False)
    img = cv2.cvtColor(np.array(page), cv2.COLOR_RGB2BGR)
    y0 = pages.PHOTO_BOX[1]
    crop = img[y0 - 10:, :]
    return cv2.resize(crop, (1240, 1754), interpolation=cv2.INTER_AREA)


def test_face_at_the_top_of_a_cropped_scan_is_found():
    img = _cropped_scan("face")
    assert photo.check_photo(img).status == "pass"
    r = {c.name: c for c in pipeline.run_checks(cv2.rotate(img, cv2.ROTATE_180), "application_form")}
    assert r["photo_present"].status == "pass"


def test_cropped_scan_without_a_face_still_fails():
    assert photo.check_photo(_cropped_scan("blank")).status == "fail"
    assert photo.check_photo(_cropped_scan("nonface")).status == "fail"


def test_photo_without_an_outline_keeps_its_proportions():
    """No page outline found in a landscape photo: the whole photo becomes the document, turned page-wise up
    but not squeezed into A4 proportions, so a round seal stays round (an ellipse 1.26 times taller than
    wide before, which the circle search at seal size misses)."""
    photo_img = np.full((1400, 2490, 3), 236, np.uint8)
    cv2.circle(photo_img, (1200, 700), 60, (40, 40, 200), 4)
    assert geometry.find_quad(photo_img, 1240 / 1754) is None
    doc = document.locate(photo_img, "application_form")
    h, w = doc.doc.shape[:2]
    assert h > w and abs(h / w - 2490 / 1400) < 0.01
    ys, xs = np.nonzero(doc.doc[..., 2].astype(int) - doc.doc[..., 0] > 100)
    assert abs((xs.max() - xs.min()) / (ys.max() - ys.min()) - 1) < 0.03
    # A seal on such a page is found in the upload, where the reviewer sees it.
    page = _ink(_page(), _seal_mask(125), (900, 1330), PINK, 0.85)
    desk = np.random.default_rng(5).normal(236, 2.0, (1400, 2490, 3))
    small = np.asarray(page.resize((760, 1075)).rotate(8, expand=True, fillcolor=(236, 236, 236)), np.float32)
    desk[100:100 + small.shape[0], 500:500 + small.shape[1]] = small
    img = _bgr(Image.fromarray(np.clip(desk, 0, 255).astype(np.uint8)))
    assert geometry.find_quad(img, 1240 / 1754) is None
    found = {c.name: c for c in pipeline.run_checks(img, "application_form")}["seal_present"]
    assert found.status == "pass"
    x, y, bw, bh = found.box
    assert 500 < x + bw / 2 < 500 + small.shape[1] and 100 < y + bh / 2 < 100 + small.shape[0]


def _soft_portrait(seed: int = 7, width: int = 110, blur: float = 1.5) -> np.ndarray:
    """A drawn ID portrait pasted small and out of focus into a photo-box region: its eyes are soft."""
    img = cv2.cvtColor(np.asarray(portrait(np.random.default_rng(seed), 240, 320).convert("RGB")), cv2.COLOR_RGB2BGR)
    s = width / img.shape[1]
    small = cv2.GaussianBlur(cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA), (0, 0), blur)
    region = np.full((420, 420, 3), 245, np.uint8)
    region[60:60 + small.shape[0], 150:150 + small.shape[1]] = small
    return region


def test_small_blurred_portrait_is_found_and_its_grey_copy_too():
    region = _soft_portrait(blur=2.0)
    assert photo.find_faces(region)
    grey = cv2.cvtColor(cv2.cvtColor(region, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert photo.find_faces(grey)
    assert not photo.find_faces(np.full((420, 420, 3), 245, np.uint8))


def test_a_face_found_in_the_seal_of_a_page_without_outline_is_no_photo(monkeypatch):
    """Searching a whole photo for a face (no page outline) may find one in the seal's star and lettering."""
    img = _bgr(_ink(_page(), _seal_mask(125), (900, 1330), PINK, 0.85))
    assert document.NO_OUTLINE in document.locate(img, "application_form").notes
    real = photo.find_faces

    def seen_at(x, y):
        def find_faces(image, side=photo.SEARCH_SIDE):
            if side != pipeline.WHOLE_FACE_SIDE:
                return real(image, side)
            upright = image.shape == img.shape and image.strides == img.strides     # not turned
            return [([x - 40, y - 40, 80, 80], 0.5)] if upright else []
        return find_faces

    monkeypatch.setattr(photo, "find_faces", seen_at(900, 1330))
    checks = {c.name: c for c in pipeline.run_checks(img, "application_form")}
    assert (checks["seal_present"].status, checks["photo_present"].status) == ("pass", "fail")
    monkeypatch.setattr(photo, "find_faces", seen_at(900, 300))
    checks = {c.name: c for c in pipeline.run_checks(img, "application_form")}
    assert checks["photo_present"].status == "pass" and checks["photo_present"].box == [860, 260, 80, 80]
