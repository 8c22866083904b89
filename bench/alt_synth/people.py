"""Identities for the alternative generator: names, ID numbers (GB 11643), addresses, bank card numbers (Luhn).

Independent of verifier/synth: its own name pools, real-looking region codes tied to addresses and issuing
authorities, and its own kinds of mistakes (roster typos, doctored check characters, family members' cards).
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from verifier.checksums import gb11643_check_char, luhn_check_digit, luhn_valid

TODAY = dt.date(2025, 10, 20)   # the date every label of this generator is computed against

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁"
            "任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔")
COMPOUND = ["欧阳", "司徒", "上官", "诸葛"]
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建文志国峰新亮振晨博锋成康彬坤东海"
GIVEN_F = "芳娜敏静丽艳娟霞燕玲桂丹萍红玉兰琳雪倩颖琴慧莉婷晶梅月凤秀英娇媛妍洁璐瑶蕾薇菲露晓"
ETHNIC = ["汉"] * 20 + ["壮", "回", "满", "苗", "瑶", "土家", "蒙古", "侗", "畲"]

# region code, address prefix (as printed on the card), issuing authority (back of the card)
REGIONS = [
    ("440104", "广东省广州市越秀区", "广州市公安局越秀分局"),
    ("440105", "广东省广州市海珠区", "广州市公安局海珠分局"),
    ("440111", "广东省广州市白云区", "广州市公安局白云区分局"),
    ("440113", "广东省广州市番禺区", "广州市公安局番禺区分局"),
    ("440981", "广东省高州市", "高州市公安局"),
    ("445202", "广东省揭阳市榕城区", "揭阳市公安局榕城分局"),
    ("441302", "广东省惠州市惠城区", "惠州市公安局惠城分局"),
    ("430104", "湖南省长沙市岳麓区", "长沙市公安局岳麓分局"),
    ("431021", "湖南省桂阳县", "桂阳县公安局"),
    ("450103", "广西壮族自治区南宁市青秀区", "南宁市公安局青秀分局"),
    ("360102", "江西省南昌市东湖区", "南昌市公安局东湖分局"),
    ("411002", "河南省许昌市魏都区", "许昌市公安局魏都分局"),
    ("421281", "湖北省赤壁市", "赤壁市公安局"),
    ("510104", "四川省成都市锦江区", "成都市公安局锦江区分局"),
    ("500103", "重庆市渝中区", "重庆市公安局渝中区分局"),
    ("350102", "福建省福州市鼓楼区", "福州市公安局鼓楼分局"),
    ("522601", "贵州省凯里市", "凯里市公安局"),
    ("140105", "山西省太原市小店区", "太原市公安局小店分局"),
]
STREETS = ["解放北路", "东风中路", "环市东路", "人民南路", "建设大马路", "新港西路", "中山四路", "沿江中路",
           "工业大道", "广园西路", "五一路", "八一大道"]
VILLAGES = ["石岭村", "新塘村", "大坪村", "上坑村", "龙湾村", "塘头村"]
UNITS = ["广州地铁集团有限公司", "广州港集团有限公司", "广州市第二建筑工程有限公司", "南方电网广州供电局",
         "广州白云国际机场股份有限公司", "广州市自来水有限公司", "广州珠江啤酒股份有限公司", "广州公交集团第一公共汽车有限公司",
         "广州市越秀区环境卫生所", "广州医药集团有限公司"]
SCHOOLS = ["广东开放大学", "广州大学", "华南师范大学", "广东工业大学", "广州番禺职业技术学院", "国家开放大学",
           "中山大学", "暨南大学", "广东技术师范大学", "广州城市职业学院"]
MAJORS = ["行政管理", "会计学", "机械设计制造及其自动化", "计算机科学与技术", "电气工程及其自动化", "工程管理",
          "汉语言文学", "人力资源管理", "土木工程", "护理学", "物流管理", "交通运输"]
LEVELS = ["专科", "专科起点本科", "高中起点专科", "本科", "硕士研究生"]
BANKS = [
    # name, english, BINs, colours (two gradient stops, RGB)
    ("中国工商银行", "INDUSTRIAL AND COMMERCIAL BANK OF CHINA", ["622202", "621226", "621558", "625330"],
     [(196, 18, 48), (120, 10, 30)]),
    ("中国建设银行", "CHINA CONSTRUCTION BANK", ["621700", "622700", "436742", "625362"], [(0, 61, 125), (40, 120, 190)]),
    ("中国农业银行", "AGRICULTURAL BANK OF CHINA", ["622848", "623052", "622845"], [(0, 133, 119), (160, 210, 190)]),
    ("中国银行", "BANK OF CHINA", ["621661", "621785", "456351", "601382"], [(166, 30, 40), (230, 200, 190)]),
    ("招商银行", "CHINA MERCHANTS BANK", ["621483", "622588", "621286"], [(205, 30, 40), (250, 235, 225)]),
    ("交通银行", "BANK OF COMMUNICATIONS", ["622260", "622262", "621069"], [(25, 45, 110), (180, 190, 220)]),
    ("广州农商银行", "GUANGZHOU RURAL COMMERCIAL BANK", ["623259", "621695"], [(20, 110, 60), (200, 180, 60)]),
    ("中国邮政储蓄银行", "POSTAL SAVINGS BANK OF CHINA", ["621799", "622188", "621098"], [(0, 120, 60), (245, 245, 235)]),
]


def name(rng: np.random.Generator, female: bool, surname: str | None = None) -> str:
    if surname is None:
        surname = COMPOUND[rng.integers(len(COMPOUND))] if rng.random() < 0.03 else SURNAMES[rng.integers(len(SURNAMES))]
    pool = GIVEN_F if female else GIVEN_M
    n = 1 if rng.random() < 0.3 else 2
    return surname + "".join(pool[rng.integers(len(pool))] for _ in range(n))


def surname_of(full: str) -> str:
    return full[:2] if full[:2] in COMPOUND else full[0]


def other_same_surname(rng: np.random.Generator, full: str, female: bool) -> str:
    while True:
        other = name(rng, female if rng.random() < 0.7 else not female, surname_of(full))
        if other != full:
            return other


def name_typo(rng: np.random.Generator, full: str, female: bool) -> str:
    """One given-name character differs (a roster typo or a near-homophone), length unchanged."""
    s = len(surname_of(full))
    pool = GIVEN_F if female else GIVEN_M
    while True:
        i = int(rng.integers(s, len(full)))
        out = full[:i] + pool[rng.integers(len(pool))] + full[i + 1:]
        if out != full:
            return out


def birth(rng: np.random.Generator) -> dt.date:
    """Working age on TODAY: born 1968-2004."""
    return dt.date(1968, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 36)))


def id_number(rng: np.random.Generator, region: str, born: dt.date, female: bool) -> str:
    seq = int(rng.integers(0, 500)) * 2 + (0 if female else 1)
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + gb11643_check_char(body)


def wrong_check(rng: np.random.Generator, number: str) -> str:
    right = number[17]
    choices = [c for c in "0123456789X" if c != right]
    return number[:17] + choices[int(rng.integers(len(choices)))]


def near_miss(rng: np.random.Generator, number: str, count: int, fix_check: bool) -> str:
    """count digits of the first 17 differ (or, for count 2, sometimes two adjacent digits swapped)."""
    chars = list(number)
    if count == 2 and rng.random() < 0.4:
        while True:
            i = int(rng.integers(0, 16))
            if chars[i] != chars[i + 1]:
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
                break
    else:
        for i in rng.choice(17, size=count, replace=False):
            chars[i] = str((int(chars[i]) + int(rng.integers(1, 10))) % 10)
    out = "".join(chars)
    return out[:17] + gb11643_check_char(out[:17]) if fix_check else out


def address(rng: np.random.Generator, prefix: str) -> str:
    r = rng.random()
    if r < 0.5:
        return f"{prefix}{STREETS[rng.integers(len(STREETS))]}{int(rng.integers(1, 400))}号"
    if r < 0.8:
        return (f"{prefix}{STREETS[rng.integers(len(STREETS))]}{int(rng.integers(1, 90))}号大院"
                f"{int(rng.integers(1, 30))}栋{int(rng.integers(1, 30))}0{int(rng.integers(1, 6))}房")
    return f"{prefix}{VILLAGES[rng.integers(len(VILLAGES))]}{int(rng.integers(1, 12))}巷{int(rng.integers(1, 60))}号"


def card_number(rng: np.random.Generator, bins: list[str], valid: bool) -> str:
    length = int(rng.choice([16, 19, 19, 19, 16, 18, 17], p=[0.3, 0.2, 0.2, 0.15, 0.05, 0.05, 0.05]))
    body = bins[int(rng.integers(len(bins)))]
    body += "".join(str(int(d)) for d in rng.integers(0, 10, length - len(body) - 1))
    number = body + luhn_check_digit(body)
    while not valid and luhn_valid(number):
        if rng.random() < 0.5:      # one digit misprinted
            i = int(rng.integers(6, length))
            number = number[:i] + str((int(number[i]) + int(rng.integers(1, 10))) % 10) + number[i + 1:]
        else:                       # two neighbours swapped
            i = int(rng.integers(6, length - 1))
            number = number[:i] + number[i + 1] + number[i] + number[i + 2:]
    return number


def card_groups(rng: np.random.Generator, number: str) -> list[str]:
    """Print grouping: 4-4-4-4 for 16, 6-13 or 4-4-4-4-3 for 19, 4-4-4-4-x or 6-rest otherwise."""
    n = len(number)
    if n == 16:
        sizes = [4, 4, 4, 4]
    elif n == 19:
        sizes = [6, 13] if rng.random() < 0.4 else [4, 4, 4, 4, 3]
    else:
        sizes = [6, n - 6] if rng.random() < 0.4 else [4, 4, 4, 4, n - 16]
    out, i = [], 0
    for s in sizes:
        out.append(number[i:i + s])
        i += s
    return out


def chinese_numeral_date(d: dt.date, with_day: bool = True) -> str:
    """二〇一九年九月一日 — how diplomas print dates."""
    digits = "〇一二三四五六七八九"
    year = "".join(digits[int(c)] for c in str(d.year))

    def small(n: int) -> str:
        if n < 10:
            return digits[n]
        if n == 10:
            return "十"
        if n < 20:
            return "十" + digits[n - 10]
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return f"{year}年{small(d.month)}月" + (f"{small(d.day)}日" if with_day else "")
