"""Fonts and random identities (names, ID numbers, card numbers) for the synthetic documents."""
from __future__ import annotations

import datetime as dt
import functools
import glob

import numpy as np
from PIL import ImageFont

from verifier.checksums import gb11643_check_char, luhn_check_digit, luhn_valid

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌玉珍辉鹏飞宇浩然子涵欣怡梓轩思远俊杰晓东春梅海燕丹凤佳琪婷雪松立新国庆永亮振华德明"
UNITS = ["市第一建筑公司", "华南电力设备厂", "市公交集团", "东方纺织有限公司", "人民医院", "市自来水公司",
         "汽车零部件厂", "城市燃气集团"]
REGIONS = ["440106", "110105", "310115", "320102", "510107", "420111", "370202", "330106", "130102", "610113"]
SCHOOLS = ["华南理工大学", "广东开放大学", "北京交通大学", "湖北工业大学", "四川农业大学", "山东理工大学"]


# Per-document typeface, set by the dataset writer: the held-out set comes from another renderer, so the
# checks must not depend on one face or one digit font.
STYLE = {"serif": False, "digits": "DejaVuSansMono"}
DIGIT_FONTS = {"DejaVuSansMono": "dejavu/DejaVuSansMono", "DejaVuSans": "dejavu/DejaVuSans",
               "LiberationMono": "liberation/LiberationMono", "LiberationSans": "liberation/LiberationSans",
               "DejaVuSerif": "dejavu/DejaVuSerif"}


def set_style(rng: np.random.Generator) -> None:
    STYLE["serif"] = bool(rng.random() < 0.35)
    STYLE["digits"] = str(rng.choice(list(DIGIT_FONTS), p=[0.4, 0.15, 0.15, 0.15, 0.15]))


def font(size: int, bold: bool = False, serif: bool | None = None) -> ImageFont.FreeTypeFont:
    """Noto CJK (simplified Chinese face of the .ttc) at size, in the current document's family."""
    return _font(size, bold, STYLE["serif"] if serif is None else serif)


@functools.lru_cache(maxsize=None)
def _font(size: int, bold: bool, serif: bool) -> ImageFont.FreeTypeFont:
    family = "Serif" if serif else "Sans"
    weight = "Bold" if bold else "Regular"
    paths = glob.glob(f"/usr/share/fonts/opentype/noto/Noto{family}CJK-{weight}.ttc")
    # index 2 of the Noto CJK collections is the SC (simplified Chinese) face
    return ImageFont.truetype(paths[0], size, index=2)


def digit_font(size: int, bold: bool = False, mono: bool = True) -> ImageFont.FreeTypeFont:
    return _digit_font(size, bold, STYLE["digits"] if mono else "DejaVuSans")


@functools.lru_cache(maxsize=None)
def _digit_font(size: int, bold: bool, name: str) -> ImageFont.FreeTypeFont:
    base = DIGIT_FONTS[name]
    if name.startswith("Liberation"):
        return ImageFont.truetype(f"/usr/share/fonts/truetype/{base}-{'Bold' if bold else 'Regular'}.ttf", size)
    return ImageFont.truetype(f"/usr/share/fonts/truetype/{base}{'-Bold' if bold else ''}.ttf", size)


def cjk_font_path() -> str:
    return glob.glob("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")[0]


def random_name(rng: np.random.Generator, surname: str | None = None) -> str:
    surname = surname or SURNAMES[rng.integers(len(SURNAMES))]
    n = 1 if rng.random() < 0.35 else 2
    return surname + "".join(GIVEN[rng.integers(len(GIVEN))] for _ in range(n))


def same_surname_other(rng: np.random.Generator, name: str) -> str:
    """A different name that shares the surname (the classic near-miss)."""
    while True:
        other = random_name(rng, name[0])
        if other != name:
            return other


def random_birth(rng: np.random.Generator) -> dt.date:
    return dt.date(1965, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 38)))


def random_id(rng: np.random.Generator, birth: dt.date, female: bool) -> str:
    seq = int(rng.integers(0, 50)) * 2 + (0 if female else 1)
    body = REGIONS[rng.integers(len(REGIONS))] + birth.strftime("%Y%m%d") + f"{int(rng.integers(0, 10))}{seq:02d}"
    return body + gb11643_check_char(body)


def mutate_digits(rng: np.random.Generator, number: str, count: int, keep_check: bool) -> str:
    """Change count digits of number; if keep_check, recompute the GB 11643 check char."""
    chars = list(number)
    positions = rng.choice(range(14, 17) if count == 1 else range(0, 17), size=count, replace=False)
    for p in positions:
        chars[p] = str((int(chars[p]) + int(rng.integers(1, 10))) % 10)
    out = "".join(chars)
    return out[:17] + gb11643_check_char(out[:17]) if keep_check else out


def random_card(rng: np.random.Generator, valid: bool = True) -> str:
    prefix = ["622202", "621700", "622848", "621226", "625965", "436742", "622588", "621483"]
    length = int(rng.choice([16, 19, 19, 16, 17, 18]))
    body = prefix[rng.integers(len(prefix))]
    body += "".join(str(int(d)) for d in rng.integers(0, 10, length - len(body) - 1))
    number = body + luhn_check_digit(body)
    if not valid:
        while luhn_valid(number):
            i = int(rng.integers(6, length))
            number = number[:i] + str((int(number[i]) + int(rng.integers(1, 10))) % 10) + number[i + 1:]
    return number


def chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
