"""Second-generation PRC resident ID card (both sides) and bank cards, 85.6 x 54 mm at k px/mm.

Layout follows the real card: portrait side with 姓名/性别/民族/出生/住址/公民身份号码 in blue labels and
the photo on the right; emblem side with the national emblem, 中华人民共和国 / 居民身份证, 签发机关 and
有效期限. Bank cards: gradient or patterned stock, chip, embossed (relief, with or without foil) or flat
printed numbers in 4-4-4-4, 6-13 or 4-4-4-4-3 groups, UnionPay mark.
"""
from __future__ import annotations

import datetime as dt
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.alt_synth import fonts
from bench.alt_synth.portrait import portrait

W_MM, H_MM = 85.6, 54.0
LABEL = (20, 125, 190)
TEXT = (24, 22, 24)


def _size(k: float) -> tuple[int, int]:
    return int(W_MM * k), int(H_MM * k)


def _round_corners(img: Image.Image, k: float, outside=(255, 255, 255)) -> Image.Image:
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, img.size[0] - 1, img.size[1] - 1], radius=int(3.2 * k), fill=255)
    out = Image.new("RGB", img.size, outside)
    out.paste(img, (0, 0), mask)
    return out


def _id_stock(rng: np.random.Generator, k: float, back: bool) -> np.ndarray:
    """Pale card stock with guilloche rosettes and a faint radial wash (cyan/pink on the real card)."""
    w, h = _size(k)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / k
    base = np.array([rng.uniform(238, 248), rng.uniform(240, 249), rng.uniform(238, 246)], np.float32)
    cx, cy = rng.uniform(30, 60), rng.uniform(15, 40)
    r = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    th = np.arctan2(yy - cy, xx - cx)
    rosette = np.sin(r * 2.1 + 4 * np.sin(th * 12)) * 0.5 + 0.5
    lines = np.sin(xx * 1.7 + 2.0 * np.sin(yy * 0.35)) * 0.5 + 0.5
    tint1 = np.array([-14, -4, 4], np.float32) if back else np.array([-10, -2, 2], np.float32)
    tint2 = np.array([4, -10, -6], np.float32)
    arr = base + rosette[..., None] * tint1 * 0.6 + lines[..., None] * tint2 * 0.5
    wash = np.exp(-((xx - 70) ** 2 + (yy - 15) ** 2) / 600)[..., None] * np.array([-6, -2, 4], np.float32)
    return np.clip(arr + wash, 0, 255).astype(np.uint8)


def _spaced(d: ImageDraw.ImageDraw, xy, text: str, f, fill, pitch: float, stroke: int = 0) -> float:
    x, y = xy
    for ch in text:
        d.text((x, y), ch, fill=fill, font=f, stroke_width=stroke, stroke_fill=fill)
        x += pitch
    return x


def id_front(rng: np.random.Generator, name: str, female: bool, ethnic: str, born: dt.date, addr: str,
             number: str, k: float) -> tuple[Image.Image, dict]:
    img = Image.fromarray(_id_stock(rng, k, back=False))
    d = ImageDraw.Draw(img)
    heavy = rng.random() < 0.4                        # faux-heavy values: a weight the fonts lack
    lab = fonts.cjk(2.75 * k)
    val = fonts.cjk(3.1 * k, bold=rng.random() < 0.3)
    stroke = max(1, int(k / 14)) if heavy else 0
    dx, dy = rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6)     # print registration varies card to card

    def at(x, y):
        return ((x + dx) * k, (y + dy) * k)
    _spaced(d, at(6.8, 7.6), "姓名", lab, LABEL, 4.6 * k)
    nf = fonts.cjk(rng.uniform(3.6, 4.2) * k, bold=rng.random() < 0.5)
    d.text(at(16.5, 6.9), name, fill=TEXT, font=nf, stroke_width=stroke, stroke_fill=TEXT)
    _spaced(d, at(6.8, 14.0), "性别", lab, LABEL, 4.6 * k)
    d.text(at(16.5, 13.5), "女" if female else "男", fill=TEXT, font=val, stroke_width=stroke, stroke_fill=TEXT)
    _spaced(d, at(27.0, 14.0), "民族", lab, LABEL, 4.6 * k)
    d.text(at(36.5, 13.5), ethnic, fill=TEXT, font=val, stroke_width=stroke, stroke_fill=TEXT)
    _spaced(d, at(6.8, 20.4), "出生", lab, LABEL, 4.6 * k)
    x = 16.5
    for part, unit in ((str(born.year), "年"), (str(born.month), "月"), (str(born.day), "日")):
        d.text(at(x, 19.9), part, fill=TEXT, font=val, stroke_width=stroke, stroke_fill=TEXT)
        x += d.textlength(part, font=val) / k + 1.2
        d.text(at(x, 20.4), unit, fill=LABEL, font=lab)
        x += 4.5
    _spaced(d, at(6.8, 26.8), "住址", lab, LABEL, 4.6 * k)
    per_line = 11
    for i in range(0, min(len(addr), per_line * 3), per_line):
        d.text(at(16.5, 26.3 + 5.0 * i / per_line), addr[i:i + per_line], fill=TEXT, font=val,
               stroke_width=stroke, stroke_fill=TEXT)
    _spaced(d, at(6.8, 45.6), "公民身份号码", lab, LABEL, 3.05 * k)
    face = str(rng.choice(["DejaVuSansMono-Bold", "noto-mono-bold", "noto-mono", "DejaVuSans-ExtraLight",
                           "DejaVuSansCondensed-Bold"], p=[0.3, 0.25, 0.15, 0.15, 0.15]))
    size = rng.uniform(3.9, 4.5) * k
    nfont = fonts.digits(size, face)
    pitch = rng.uniform(2.85, 3.05) * k
    start = rng.uniform(27.0, 29.0)
    start = min(start, 83.0 - 18 * pitch / k)
    _spaced(d, at(start, 44.6), number, nfont, (14, 14, 16), pitch, stroke=fonts.stroke_for(face, int(size)))
    # Photo: printed onto the card, its pale backdrop melting into the stock.
    pw, ph = int(26 * k), int(32 * k)
    px, py = int((53.0 + dx) * k), int((6.5 + dy) * k)
    photo = np.asarray(portrait(rng, pw, ph, backdrop=(246, 246, 246)), np.float32)
    under = np.asarray(img.crop((px, py, px + pw, py + ph)), np.float32)
    diff = np.abs(photo - 246).max(axis=2)
    alpha = np.clip((diff - 14) / 40, 0, 1)[..., None]
    img.paste(Image.fromarray((photo * alpha + under * (1 - alpha)).astype(np.uint8)), (px, py))
    return _round_corners(img, k), {"digit_face": face, "heavy": heavy}


def emblem(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    """National emblem stand-in: red disc in a gold wheat ring, five gold stars, gate silhouette."""
    gold, red = (226, 180, 60), (210, 36, 40)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=gold)
    for i in range(22):                                    # wheat ears around the rim
        a = i / 22 * 2 * math.pi
        ex, ey = cx + r * 0.9 * math.cos(a), cy + r * 0.9 * math.sin(a)
        d.ellipse([ex - r * 0.12, ey - r * 0.07, ex + r * 0.12, ey + r * 0.07], fill=(200, 150, 40))
    d.ellipse([cx - r * 0.72, cy - r * 0.72, cx + r * 0.72, cy + r * 0.72], fill=red)
    for sx, sy, s in ((0, -0.42, 0.17), (-0.3, -0.28, 0.08), (-0.15, -0.15, 0.08), (0.15, -0.15, 0.08),
                      (0.3, -0.28, 0.08)):
        pts = []
        for i in range(10):
            a = -math.pi / 2 + i * math.pi / 5
            rr = (s if i % 2 == 0 else s * 0.4) * r
            pts.append((cx + sx * r + rr * math.cos(a), cy + sy * r + rr * math.sin(a)))
        d.polygon(pts, fill=gold)
    d.rectangle([cx - r * 0.45, cy + r * 0.05, cx + r * 0.45, cy + r * 0.4], fill=gold)
    d.polygon([(cx - r * 0.55, cy + r * 0.08), (cx, cy - r * 0.05), (cx + r * 0.55, cy + r * 0.08)], fill=gold)
    for i in range(5):
        gx = cx - r * 0.35 + i * r * 0.175
        d.rectangle([gx - r * 0.04, cy + r * 0.22, gx + r * 0.04, cy + r * 0.4], fill=red)


def validity_text(start: dt.date, years: int | None) -> tuple[str, dt.date | None]:
    if years is None:
        return f"{start:%Y.%m.%d}-长期", None
    try:
        end = start.replace(year=start.year + years)
    except ValueError:
        end = start.replace(year=start.year + years, day=28)
    return f"{start:%Y.%m.%d}-{end:%Y.%m.%d}", end


def id_back(rng: np.random.Generator, authority: str, validity: str, k: float) -> tuple[Image.Image, dict]:
    img = Image.fromarray(_id_stock(rng, k, back=True))
    d = ImageDraw.Draw(img)
    # The faint Great Wall band across the middle of the real card.
    yy = np.arange(int(W_MM * k))
    wall = (30 + 3 * np.sin(yy / k / 4) + 2 * (np.arange(len(yy)) // int(2 * k) % 2)) * k
    for x, y in zip(yy[::2], wall[::2]):
        d.line([(x, y), (x, y + 1.5 * k)], fill=(222, 226, 236))
    emblem(d, 14.5 * k, 13.5 * k, 8.3 * k)
    serif = rng.random() < 0.6
    _spaced(d, (28.5 * k, 8.2 * k), "中华人民共和国", fonts.cjk(4.4 * k, serif=serif, bold=True), TEXT, 6.6 * k)
    _spaced(d, (28.0 * k, 16.2 * k), "居民身份证", fonts.cjk(7.0 * k, serif=serif, bold=True), TEXT, 10.4 * k)
    lab, val = fonts.cjk(2.9 * k), fonts.cjk(3.3 * k, bold=rng.random() < 0.25)
    d.text((13.5 * k, 40.2 * k), "签发机关", fill=TEXT, font=lab)
    d.text((29.0 * k, 39.7 * k), authority, fill=TEXT, font=val)
    d.text((13.5 * k, 46.6 * k), "有效期限", fill=TEXT, font=lab)
    d.text((29.0 * k, 46.1 * k), validity, fill=TEXT, font=val)
    return _round_corners(img, k), {}


def _bank_stock(rng: np.random.Generator, k: float, colours) -> tuple[np.ndarray, str]:
    w, h = _size(k)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c0 = np.array(colours[0], np.float32) * rng.uniform(0.85, 1.1)
    c1 = np.array(colours[1], np.float32) * rng.uniform(0.85, 1.1)
    style = str(rng.choice(["linear", "radial", "waves", "circles", "flat", "photo"], p=[.25, .2, .15, .15, .1, .15]))
    if style == "radial":
        t = np.sqrt((xx / w - rng.uniform(0.2, 0.8)) ** 2 + (yy / h - rng.uniform(0.2, 0.8)) ** 2)
        t = np.clip(t / 0.9, 0, 1)
    elif style == "flat":
        t = np.zeros_like(xx) + 0.1
    else:
        ang = rng.uniform(0, np.pi)
        t = (xx / w * np.cos(ang) + yy / h * np.sin(ang))
        t = (t - t.min()) / (t.max() - t.min() + 1e-6)
    arr = c0 * (1 - t[..., None]) + c1 * t[..., None]
    if style == "waves":
        for i in range(int(rng.integers(3, 7))):
            yc = h * (0.2 + 0.15 * i) + 0.08 * h * np.sin(xx / w * rng.uniform(3, 8) + i)
            band = np.exp(-((yy - yc) / (0.03 * h)) ** 2)
            arr += band[..., None] * rng.uniform(15, 40)
    elif style == "circles":
        for _ in range(int(rng.integers(3, 8))):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.1, 0.5) * h
            ring = np.exp(-((np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) - r) / (0.02 * h)) ** 2)
            arr += ring[..., None] * rng.uniform(-30, 30)
    elif style == "photo":   # a scenic picture printed across the card (harbour skyline)
        sky = np.array([rng.uniform(150, 220), rng.uniform(170, 220), rng.uniform(200, 245)], np.float32)
        arr = arr * 0.35 + sky * 0.65
        # Designers keep the number on a calm part: the skyline rises only below the number line.
        skyline = h * (0.78 + 0.1 * (rng.random(int(w // (3 * k)) + 2) ** 2))
        col = np.repeat(skyline, int(3 * k))[:w]
        arr = np.where((yy > col[None, :])[..., None], arr * 0.45, arr)
        arr += rng.normal(0, 5, (h, w, 1))
    return np.clip(arr, 0, 255).astype(np.uint8), style


def _chip(d: ImageDraw.ImageDraw, k: float, x: float, y: float) -> None:
    d.rounded_rectangle([x * k, y * k, (x + 11) * k, (y + 8.5) * k], radius=int(1.2 * k), fill=(214, 182, 102),
                        outline=(160, 130, 60), width=max(1, int(k / 6)))
    for yy in (y + 2.8, y + 5.6):
        d.line([(x * k, yy * k), ((x + 11) * k, yy * k)], fill=(170, 140, 70), width=max(1, int(k / 8)))
    d.line([((x + 5.5) * k, y * k), ((x + 5.5) * k, (y + 8.5) * k)], fill=(170, 140, 70), width=max(1, int(k / 8)))


def _unionpay(d: ImageDraw.ImageDraw, k: float, x: float, y: float) -> None:
    for i, col in enumerate([(222, 30, 40), (0, 70, 150), (0, 130, 110)]):
        x0 = x + i * 5.2
        d.polygon([((x0 + 1.2) * k, y * k), ((x0 + 6.2) * k, y * k), ((x0 + 5.0) * k, (y + 9) * k),
                   (x0 * k, (y + 9) * k)], fill=col)
    d.text(((x + 2.2) * k, (y + 0.8) * k), "银联", fill=(255, 255, 255), font=fonts.cjk(3.6 * k, bold=True))
    d.text(((x + 1.8) * k, (y + 5.4) * k), "UnionPay", fill=(255, 255, 255), font=fonts.digits(2.2 * k, "DejaVuSans-Bold"))


def _embossed(img: Image.Image, k: float, xy, text: str, f, foil, light) -> None:
    """Raised digits: a height map from the glyphs, lit from `light`; foil tints the tops (or none)."""
    w, h = img.size
    m = Image.new("L", (w, h), 0)
    ImageDraw.Draw(m).text(xy, text, fill=255, font=f)
    mask = np.asarray(m, np.float32) / 255
    height = cv2.GaussianBlur(mask, (0, 0), max(0.8, 0.09 * k))
    gy, gx = np.gradient(height)
    lx, ly = light
    relief = (gx * lx + gy * ly) * 3.2 * k / 4
    arr = np.asarray(img, np.float32)
    if foil is not None:
        sheen = 0.85 + 0.3 * (np.arange(h)[:, None] / h - 0.5)
        arr = arr * (1 - mask[..., None]) + np.array(foil, np.float32) * sheen[..., None] * mask[..., None]
    arr = arr * (1 + np.clip(relief, -0.6, 0.6))[..., None] + 40 * np.clip(relief, 0, 1)[..., None]
    img.paste(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)))


def bank_card(rng: np.random.Generator, bank, groups: list[str], k: float) -> tuple[Image.Image, dict]:
    name, english, _, colours = bank
    stock, style = _bank_stock(rng, k, colours)
    img = Image.fromarray(stock)
    d = ImageDraw.Draw(img)
    dark_stock = float(np.asarray(img.convert("L")).mean()) < 140
    ink = (250, 250, 250) if dark_stock else (30, 30, 40)
    # Logo and bank name, top left.
    d.ellipse([5 * k, 4 * k, 11 * k, 10 * k], outline=ink, width=max(2, int(0.6 * k)))
    d.rectangle([7.3 * k, 5.5 * k, 8.7 * k, 8.5 * k], fill=ink)
    d.text((12.5 * k, 3.8 * k), name, fill=ink, font=fonts.cjk(4.0 * k, bold=True, serif=rng.random() < 0.3))
    d.text((12.5 * k, 8.9 * k), english[:34], fill=ink, font=fonts.digits(1.5 * k, "DejaVuSansCondensed"))
    d.text((66 * k, 4.5 * k), str(rng.choice(["借记卡", "储蓄卡", "信用卡", "工会会员卡"])), fill=ink,
           font=fonts.cjk(3.0 * k))
    _chip(d, k, rng.uniform(8, 11), rng.uniform(16.5, 19))
    for i in range(3):                                    # contactless waves
        r = (1.5 + i * 1.2) * k
        d.arc([27 * k - r, 21 * k - r, 27 * k + r, 21 * k + r], -40, 40, fill=ink, width=max(1, int(0.3 * k)))
    embossed = rng.random() < 0.6
    text = " ".join(groups)
    if embossed:
        face = str(rng.choice(["DejaVuSansMono-Bold", "noto-mono-bold", "DejaVuSansCondensed-Bold"]))
        size = rng.uniform(4.6, 5.4) * k
    else:
        face = str(rng.choice(["DejaVuSans", "DejaVuSansCondensed", "noto-mono", "noto-sans-bold",
                               "DejaVuSerifCondensed-Bold"]))
        size = rng.uniform(3.6, 4.8) * k
    f = fonts.digits(size, face)
    width = d.textlength(text, font=f)
    while width > 78 * k:
        size *= 0.94
        f = fonts.digits(size, face)
        width = d.textlength(text, font=f)
    x = rng.uniform(5.5, max(5.6, 80 * k / k - width / k - 1))
    y = rng.uniform(30.0, 34.5)
    if embossed:
        foil = [None, (205, 205, 210), (222, 190, 110), (245, 245, 245)][int(rng.integers(4))]
        _embossed(img, k, (x * k, y * k), text, f, foil, (rng.uniform(-1, -0.3), rng.uniform(-1, -0.3)))
        d = ImageDraw.Draw(img)
        look = "embossed-" + ("plain" if foil is None else "foil")
    else:
        colour = ink if rng.random() < 0.7 else ((200, 200, 205) if dark_stock else (60, 60, 60))
        d.text((x * k, y * k), text, fill=colour, font=f)
        look = "printed"
    # Valid-thru and holder name lines under the number.
    small = fonts.digits(2.4 * k, "DejaVuSansMono-Bold")
    d.text(((x + 16) * k, (y + 7.5) * k), f"{int(rng.integers(1, 13)):02d}/{int(rng.integers(26, 35))}",
           fill=ink, font=small)
    d.text(((x + 6) * k, (y + 7.8) * k), "VALID\nTHRU", fill=ink, font=fonts.digits(1.2 * k, "DejaVuSans"))
    if rng.random() < 0.5:
        d.text((x * k, (y + 12) * k), str(rng.choice(["ZHANG WEI", "LI NA", "CHEN JIE", "WANG FANG", "LIU YANG"])),
               fill=ink, font=fonts.digits(2.6 * k, "DejaVuSansMono"))
    _unionpay(d, k, rng.uniform(62, 66), rng.uniform(42, 43.5))
    if rng.random() < 0.4:
        d.text((40 * k, 50.2 * k), f"客服热线 955{int(rng.integers(10, 99))}", fill=ink, font=fonts.cjk(1.8 * k))
    return _round_corners(img, k), {"card_style": style, "digits": look, "digit_face": face}
