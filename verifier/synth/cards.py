"""Render ID card fronts/backs and bank cards at 20 px/mm (1712 x 1080)."""
from __future__ import annotations

import datetime as dt

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from verifier.synth.common import digit_font, font
from verifier.synth.faces import portrait

MM = 20
CARD = (int(85.6 * MM), int(54 * MM))
LABEL_BLUE = (60, 110, 170)
ADDRESSES = ["广州市天河区五山路381号", "北京市朝阳区建国路88号院3号楼", "上海市浦东新区张江路100弄5号",
             "南京市玄武区中山路12号", "成都市武侯区人民南路四段9号", "武汉市洪山区珞喻路1037号"]
AUTHORITIES = ["广州市公安局天河分局", "北京市公安局朝阳分局", "上海市公安局浦东分局", "南京市公安局玄武分局",
               "成都市公安局武侯分局", "武汉市公安局洪山分局"]


def _card_base(rng: np.random.Generator) -> Image.Image:
    """Pale card stock with the faint guilloche waves of a real ID card."""
    w, h = CARD
    base = np.array([rng.uniform(236, 250), rng.uniform(238, 250), rng.uniform(240, 252)])
    yy, xx = np.mgrid[0:h, 0:w]
    waves = 6 * np.sin(xx / rng.uniform(30, 60) + 3 * np.sin(yy / rng.uniform(60, 120)))
    arr = base[None, None, :] + waves[..., None] * np.array([0.3, 0.6, 1.0])
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    mask = Image.new("L", CARD, 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, h - 1], radius=3 * MM, fill=255)
    out = Image.new("RGB", CARD, (255, 255, 255))
    out.paste(img, (0, 0), mask)
    return out


def id_front(rng, name: str, id_number: str, female: bool, birth: dt.date) -> Image.Image:
    img = _card_base(rng)
    d = ImageDraw.Draw(img)
    lab, val = font(int(3.0 * MM)), font(int(3.3 * MM))
    d.text((6 * MM, 7 * MM), "姓 名", fill=LABEL_BLUE, font=lab)
    nx, ny = rng.uniform(15, 17.5), rng.uniform(6.0, 7.2)
    d.text((nx * MM, ny * MM), name, fill=(15, 15, 15),
           font=font(int(rng.uniform(3.8, 4.6) * MM), bold=bool(rng.random() < 0.3)))
    d.text((6 * MM, 14 * MM), "性 别", fill=LABEL_BLUE, font=lab)
    d.text((16 * MM, 13.8 * MM), "女" if female else "男", fill=(15, 15, 15), font=val)
    d.text((26 * MM, 14 * MM), "民 族", fill=LABEL_BLUE, font=lab)
    d.text((36 * MM, 13.8 * MM), "汉", fill=(15, 15, 15), font=val)
    d.text((6 * MM, 20.5 * MM), "出 生", fill=LABEL_BLUE, font=lab)
    d.text((16 * MM, 20.3 * MM), f"{birth.year}  年  {birth.month}  月  {birth.day}  日", fill=(15, 15, 15),
           font=val)
    d.text((6 * MM, 27.5 * MM), "住 址", fill=LABEL_BLUE, font=lab)
    addr = ADDRESSES[rng.integers(len(ADDRESSES))]
    for i in range(0, len(addr), 11):
        d.text((16 * MM, (27.3 + 5 * i // 11) * MM), addr[i:i + 11], fill=(15, 15, 15), font=val)
    d.text((6 * MM, 45.5 * MM), "公民身份号码", fill=LABEL_BLUE, font=lab)
    num_font = digit_font(int(rng.uniform(3.7, 4.3) * MM), bold=bool(rng.random() < 0.8))
    num_x = rng.uniform(27.5, 30.5) * MM
    while d.textlength(id_number, font=num_font) + num_x > 83 * MM:
        num_x -= MM
    d.text((num_x, rng.uniform(44.3, 45.3) * MM), id_number, fill=(10, 10, 10), font=num_font)
    photo = portrait(rng, int(24 * MM), int(30 * MM)).convert("RGB")
    img.paste(_fade_edges(photo, img.crop((56 * MM, 7 * MM, 80 * MM, 37 * MM))), (56 * MM, 7 * MM))
    return img


def _fade_edges(photo: Image.Image, under: Image.Image) -> Image.Image:
    # ID photos are printed onto the card: the backdrop melts into the card stock.
    arr = np.array(photo).astype(np.float32)
    bg = arr[2:6, 2:6].reshape(-1, 3).mean(0)
    dist = np.linalg.norm(arr - bg, axis=2)
    alpha = np.clip(dist / 60, 0, 1)[..., None]
    return Image.fromarray((arr * alpha + np.array(under) * (1 - alpha)).astype(np.uint8))


def validity_text(start: dt.date, years: int | None) -> str:
    if years is None:
        return f"{start:%Y.%m.%d}-长期"
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return f"{start:%Y.%m.%d}-{end:%Y.%m.%d}"


def id_back(rng, validity: str) -> Image.Image:
    img = _card_base(rng)
    d = ImageDraw.Draw(img)
    # National emblem stand-in: red disc with gold detail (red, round, but filled and not a seal ring).
    d.ellipse([7 * MM, 5 * MM, 25 * MM, 23 * MM], fill=(215, 40, 40))
    d.ellipse([11 * MM, 9 * MM, 21 * MM, 19 * MM], fill=(235, 190, 60))
    d.rectangle([12 * MM, 12 * MM, 20 * MM, 14 * MM], fill=(215, 40, 40))
    d.text((32 * MM, 8 * MM), "中华人民共和国", fill=(20, 20, 20), font=font(int(5 * MM), bold=True))
    d.text((30 * MM, 17 * MM), "居民身份证", fill=(20, 20, 20), font=font(int(7.2 * MM), bold=True))
    lab, val = font(int(3.0 * MM)), font(int(3.2 * MM))
    d.text((20 * MM, 38 * MM), "签发机关", fill=(20, 20, 20), font=lab)
    d.text((35 * MM, 37.8 * MM), AUTHORITIES[rng.integers(len(AUTHORITIES))], fill=(20, 20, 20), font=val)
    d.text((20 * MM, 45 * MM), "有效期限", fill=(20, 20, 20), font=lab)
    d.text((35 * MM, 44.8 * MM), validity, fill=(20, 20, 20), font=val)
    return img


BANKS = [("中国工商银行", (200, 30, 40)), ("中国建设银行", (20, 60, 140)), ("中国农业银行", (20, 120, 100)),
         ("招商银行", (180, 20, 30)), ("中国银行", (160, 20, 30)), ("交通银行", (30, 50, 120))]


def group_digits(number: str, six_first: bool = False) -> str:
    """4-4-4-4(-3) as most cards print it; 6-13 as some 19-digit UnionPay debit cards do."""
    if six_first:
        return f"{number[:6]} {number[6:]}"
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def bank_card(rng, number: str) -> Image.Image:
    w, h = CARD
    bank, colour = BANKS[rng.integers(len(BANKS))]
    c0, c1 = np.array(colour, float), np.array(colour, float) * rng.uniform(0.4, 1.6)
    t = np.linspace(0, 1, w)[None, :, None] * 0.6 + np.linspace(0, 1, h)[:, None, None] * 0.4
    arr = c0 * (1 - t) + c1 * t
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    mask = Image.new("L", CARD, 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, h - 1], radius=3 * MM, fill=255)
    out = Image.new("RGB", CARD, (255, 255, 255))
    out.paste(img, (0, 0), mask)
    d = ImageDraw.Draw(out)
    d.text((6 * MM, 4 * MM), bank, fill=(255, 255, 255), font=font(int(4.5 * MM), bold=True))
    d.rounded_rectangle([9 * MM, 17 * MM, 20 * MM, 26 * MM], radius=MM, fill=(212, 180, 90))
    silver = rng.random() < 0.5
    valid = f"VALID THRU {int(rng.integers(1, 13)):02d}/{int(rng.integers(26, 33))}"
    grouped = group_digits(number, six_first=len(number) == 19 and rng.random() < 0.5)
    _embossed(out, (8 * MM, 31 * MM), grouped, digit_font(int(5.2 * MM), bold=True), silver)
    d.text((30 * MM, 40 * MM), valid, fill=(235, 235, 235), font=digit_font(int(2.2 * MM)))
    d.rectangle([66 * MM, 42 * MM, 80 * MM, 51 * MM], fill=(230, 230, 230))
    d.text((67.5 * MM, 43.5 * MM), "银联", fill=(200, 20, 30), font=font(int(4.2 * MM), bold=True))
    return out


def _embossed(img: Image.Image, xy, text: str, f, silver: bool) -> None:
    """Raised digits: a dark shadow, a light highlight, then the face (silver foil or white)."""
    x, y = xy
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    d.text((x + 4, y + 4), text, fill=(0, 0, 0, 150), font=f)
    d.text((x - 2, y - 2), text, fill=(255, 255, 255, 120), font=f)
    d.text((x, y), text, fill=(205, 205, 210, 255) if silver else (248, 248, 248, 255), font=f)
    layer = layer.filter(ImageFilter.GaussianBlur(1.2))
    img.paste(layer, (0, 0), layer)
