"""Printed pages at k px/mm: the subsidy application form (a ruled table with a pasted photo and the unit union's
round seal in its 基层工会意见 cell), and the other uploads (diploma, 学历证书电子注册备案表, 学籍在线验证报告,
tuition receipt). Each renderer returns (PIL image, info dict of what was drawn)."""
from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.alt_synth import fonts, ink, people
from bench.alt_synth.portrait import non_face, plain_haar_face, portrait

A4 = (210.0, 297.0)
BLACK = (22, 22, 24)
RED = (206, 32, 38)
PEN_BLUE = (26, 40, 110)


class Page:
    """A blank sheet with mm-based drawing helpers."""

    def __init__(self, rng: np.random.Generator, k: float, size_mm=A4, paper=None):
        self.rng, self.k = rng, k
        w, h = int(size_mm[0] * k), int(size_mm[1] * k)
        tone = paper or (int(rng.uniform(246, 254)), int(rng.uniform(246, 254)), int(rng.uniform(242, 250)))
        self.img = Image.new("RGB", (w, h), tone)
        self.d = ImageDraw.Draw(self.img)
        self.serif = rng.random() < 0.55          # forms are often set in 宋体
        self.heavy = rng.random() < 0.25          # printed with a stroke: a weight between the stock ones
        self.drawn: list[tuple[str, float, float, float, str]] = []     # (text, x, y, mm, anchor) as printed

    def font(self, mm: float, bold: bool = False, serif: bool | None = None, mono: bool = False):
        return fonts.cjk(mm * self.k, serif=self.serif if serif is None else serif, bold=bold, mono=mono)

    def text(self, x, y, s, mm=3.6, fill=BLACK, bold=False, serif=None, anchor="lm"):
        stroke = max(1, int(self.k / 7)) if self.heavy and not bold else 0
        self.drawn.append((s, x, y, mm, anchor))
        self.d.text((x * self.k, y * self.k), s, fill=fill, font=self.font(mm, bold, serif), anchor=anchor,
                    stroke_width=stroke, stroke_fill=fill)

    def width(self, s, mm=3.6, bold=False) -> float:
        return self.d.textlength(s, font=self.font(mm, bold)) / self.k

    def line(self, x0, y0, x1, y1, fill=BLACK, w=0.3):
        self.d.line([(x0 * self.k, y0 * self.k), (x1 * self.k, y1 * self.k)], fill=fill,
                    width=max(1, int(w * self.k)))

    def rect(self, x0, y0, x1, y1, fill=BLACK, w=0.3):
        self.d.rectangle([x0 * self.k, y0 * self.k, x1 * self.k, y1 * self.k], outline=fill,
                         width=max(1, int(w * self.k)))

    def hand(self, x, y, s, mm=4.5, colour=PEN_BLUE):
        """Handwriting stand-in: each character jittered, tilted and slightly resized."""
        cx = x
        for ch in s:
            size = mm * self.rng.uniform(0.85, 1.15)
            f = fonts.cjk(size * self.k, serif=False, bold=self.rng.random() < 0.5)
            tile = Image.new("L", (int(size * self.k * 1.6),) * 2, 0)
            ImageDraw.Draw(tile).text((size * self.k * 0.3, size * self.k * 0.2), ch, fill=255, font=f)
            tile = tile.rotate(self.rng.uniform(-12, 12), resample=Image.BILINEAR)
            m = np.asarray(tile, np.float32) / 255
            ink.apply_ink(self.img, m, ((cx + size * 0.5) * self.k, (y + self.rng.uniform(-0.6, 0.6)) * self.k),
                          colour, 0.95, self.rng)
            cx += size * self.rng.uniform(0.85, 1.05)
        self.d = ImageDraw.Draw(self.img)

    def paste_photo(self, photo: Image.Image, x, y, angle: float, shadow: bool):
        """A paper photo glued on: slightly rotated, with the edge shadow of its thickness."""
        rgba = photo.convert("RGBA").rotate(angle, resample=Image.BICUBIC, expand=True)
        px, py = int(x * self.k - rgba.size[0] / 2), int(y * self.k - rgba.size[1] / 2)
        if shadow:
            sh = Image.new("RGBA", rgba.size, (0, 0, 0, 0))
            sh.putalpha(rgba.getchannel("A").point(lambda a: int(a * 0.35)))
            self.img.paste((90, 90, 90), (px + max(1, int(self.k * 0.3)), py + max(1, int(self.k * 0.4))), sh)
        self.img.paste(rgba, (px, py), rgba)
        self.d = ImageDraw.Draw(self.img)


def _wrap_label(label: str, width_mm: float, mm: float) -> list[str]:
    per = max(1, int(width_mm / (mm * 1.05)))
    return [label[i:i + per] for i in range(0, len(label), per)]


def _cell_label(p: Page, x0, y0, x1, y1, label, mm, fill=BLACK):
    lines = _wrap_label(label, x1 - x0 - 2, mm)
    step = mm * 1.35
    top = (y0 + y1) / 2 - step * (len(lines) - 1) / 2
    for i, ln in enumerate(lines):
        p.text((x0 + x1) / 2, top + i * step, ln, mm, fill=fill, anchor="mm")


def application_form(rng: np.random.Generator, k: float, person: dict, photo: str, seal: str,
                     extras: set[str]) -> tuple[Image.Image, dict]:
    """photo: face | nonface; seal: red | none; extras: red_title, red_lines, red_note, red_pen, fingerprint,
    name_stamp, seal_faint, seal_low. Returns the page and what was drawn."""
    p = Page(rng, k)
    info: dict = {}
    lc = RED if "red_lines" in extras else BLACK
    left = rng.uniform(17, 24)
    right = A4[0] - rng.uniform(17, 24)
    if rng.random() < 0.5:
        p.text(left, 13, "附件" + str(int(rng.integers(1, 4))), 3.6, bold=True, serif=False)
    year = int(rng.choice([2024, 2025]))
    title = str(rng.choice([f"{year}年度职工学历提升补助申请表", "职工学历（学位）教育补助申请表",
                            "广州市职工学历提升补助申报表", "职工教育补助申请审批表"]))
    tsize = rng.uniform(5.6, 7.2)
    while p.width(title, tsize, bold=True) > right - left:
        tsize *= 0.93
    p.text(A4[0] / 2, rng.uniform(22, 27), title, tsize, fill=RED if "red_title" in extras else BLACK, bold=True,
           anchor="mm")
    mm = rng.uniform(3.3, 3.9)
    sub_y = rng.uniform(33, 37)
    p.text(left, sub_y, "填报单位：" + person["unit"][:14], mm * 0.9)
    p.text(right - 48, sub_y, "填表日期：" + f"{year}年{int(rng.integers(3, 11))}月{int(rng.integers(1, 28))}日",
           mm * 0.9)
    top = sub_y + rng.uniform(5, 8)
    rh = rng.uniform(10, 12.5)
    pw = rng.uniform(34, 39)
    lw = rng.uniform(21, 25)
    mid = right - pw
    handwritten = rng.random() < 0.3
    lw_w = 0.5 if rng.random() < 0.5 else 0.3

    def val(x, y, s, size=mm):
        if handwritten:
            p.hand(x + 1.5, y, s, size * 1.15)
        else:
            p.text(x + 2, y, s, size)

    born = person["born"]
    # Rows 1-2: six cells beside the photo column.
    cols = [left, left + lw, left + lw + (mid - left - lw) * 0.27, left + lw + (mid - left - lw) * 0.45,
            left + lw + (mid - left - lw) * 0.62, left + lw + (mid - left - lw) * 0.8, mid]
    rows = [("姓名", person["name"], "性别", "女" if person["female"] else "男", "出生年月", f"{born.year}.{born.month:02d}"),
            ("民族", person["ethnic"], "政治面貌", str(rng.choice(["群众", "中共党员", "共青团员"])), "文化程度",
             str(rng.choice(["高中", "中专", "大专"])))]
    y = top
    for r in rows:
        for i, txt in enumerate(r):
            x0, x1 = cols[i], cols[i + 1]
            if i % 2 == 0:
                _cell_label(p, x0, y, x1, y + rh, txt, mm * 0.95)
            else:
                val(x0, y + rh / 2, txt)
        y += rh
    for label, value in (("身份证号码", person["id_number"]), ("工作单位", person["unit"])):
        _cell_label(p, left, y, left + lw, y + rh, label, mm * 0.95)
        val(left + lw, y + rh / 2, value)
        y += rh
    # Grid lines of the photo block.
    for yy in np.arange(top, y + 0.01, rh):
        p.line(left, yy, mid, yy, lc, lw_w)
    for i, x in enumerate(cols):
        p.line(x, top, x, top + 2 * rh, lc, lw_w)
    p.line(left + lw, top + 2 * rh, left + lw, y, lc, lw_w)
    p.rect(mid, top, right, y, lc, lw_w)
    photo_box = (mid, top, right, y)
    _cell_label(p, mid, top, right, y, "照片", mm * 1.1, fill=(120, 120, 120))
    info["photo"] = _put_photo(p, rng, photo, photo_box)
    if info["photo"] == "face":
        info["portrait_plain_haar"] = p.portrait_plain_haar

    # Full-width rows.
    c2 = [left, left + lw, left + lw + (right - left - lw) * 0.42, left + lw + (right - left - lw) * 0.58, right]
    phone = "1" + str(int(rng.choice([3, 5, 8]))) + "".join(str(int(v)) for v in rng.integers(0, 10, 9))
    enrol = dt.date(int(rng.integers(2021, 2025)), 9, 1)
    full = [("联系电话", phone, "岗位/工种", str(rng.choice(["司机", "电工", "调度员", "维修工", "文员", "安全员"]))),
            ("就读院校", person["school"], "专业", person["major"]),
            ("学历层次", person["level"], "学习形式", str(rng.choice(["业余", "函授", "网络教育", "脱产"]))),
            ("入学时间", f"{enrol.year}年{enrol.month}月", "毕业时间", f"{enrol.year + int(rng.integers(2, 4))}年7月")]
    for a, b, c, dv in full:
        _cell_label(p, c2[0], y, c2[1], y + rh, a, mm * 0.95)
        val(c2[1], y + rh / 2, b, mm * (0.9 if len(b) > 10 else 1))
        _cell_label(p, c2[2], y, c2[3], y + rh, c, mm * 0.95)
        val(c2[3], y + rh / 2, dv, mm * (0.85 if len(dv) > 9 else 1))
        for x in c2[1:4]:
            p.line(x, y, x, y + rh, lc, lw_w)
        p.line(left, y + rh, right, y + rh, lc, lw_w)
        y += rh
    amount = int(rng.choice([1000, 1200, 1500]))
    _cell_label(p, left, y, left + lw, y + rh, "申请金额", mm * 0.95)
    big = {1000: "壹仟", 1200: "壹仟贰佰", 1500: "壹仟伍佰"}[amount]
    p.text(left + lw + 2, y + rh / 2, f"人民币{big}元整（¥{amount}.00）", mm)
    p.line(left + lw, y, left + lw, y + rh, lc, lw_w)
    p.line(left, y + rh, right, y + rh, lc, lw_w)
    y += rh
    # 个人承诺 with the applicant's signature (and maybe a red thumbprint or a square name stamp).
    h1 = rng.uniform(27, 33)
    _cell_label(p, left, y, left + lw, y + h1, "个人承诺", mm * 0.95)
    p.text(left + lw + 3, y + 6, "本人承诺所填信息及提交材料真实有效，如有虚假，愿承担相应责任。", mm * 0.88)
    sig_x, sig_y = left + lw + (right - left - lw) * 0.45, y + h1 - 8
    p.text(sig_x, sig_y, "申请人签名：", mm)
    p.hand(sig_x + p.width("申请人签名：", mm) + 1, sig_y, person["name"], mm * 1.4, colour=(20, 20, 30))
    p.text(right - 30, sig_y + 0.5, "年   月   日", mm * 0.9)
    if "fingerprint" in extras:
        fw = int(rng.uniform(11, 14) * k)
        ink.apply_ink(p.img, ink.fingerprint_mask(rng, fw, int(fw * 1.3)),
                      ((sig_x + p.width("申请人签名：", mm) + 18) * k, sig_y * k), ink.SEAL_INKS["classic"],
                      rng.uniform(0.6, 0.85), rng, angle=rng.uniform(-20, 20))
    if "name_stamp" in extras:
        side = int(rng.uniform(12, 17) * k)
        ink.apply_ink(p.img, ink.square_name_stamp(rng, side, person["name"][:3]),
                      ((sig_x + p.width("申请人签名：", mm) + 30) * k, (sig_y - 1) * k),
                      ink.SEAL_INKS[str(rng.choice(list(ink.SEAL_INKS)))], rng.uniform(0.65, 0.9), rng,
                      angle=rng.uniform(-8, 8))
    p.d = ImageDraw.Draw(p.img)
    p.line(left + lw, y, left + lw, y + h1, lc, lw_w)
    p.line(left, y + h1, right, y + h1, lc, lw_w)
    y += h1
    # 基层工会意见: where the unit union stamps.
    h2 = rng.uniform(38, 46)
    _cell_label(p, left, y, left + lw, y + h2, "基层工会意见", mm * 0.95)
    p.text(left + lw + 3, y + 7, str(rng.choice(["经审核，该职工情况属实，同意申报。", "情况属实，同意推荐。",
                                                   "同意申报。"])), mm)
    p.text(left + lw + 3, y + h2 - 9, "负责人：", mm)
    p.hand(left + lw + 3 + p.width("负责人：", mm), y + h2 - 9, people.name(rng, rng.random() < 0.5), mm * 1.3,
           colour=(20, 20, 30))
    stamp_x = right - rng.uniform(28, 42)
    p.text(stamp_x - 8, y + h2 - 16, "（盖章）", mm)
    p.text(right - 32, y + h2 - 7, f"{year}年{int(rng.integers(3, 11))}月{int(rng.integers(1, 28))}日", mm * 0.9)
    p.line(left + lw, y, left + lw, y + h2, lc, lw_w)
    p.line(left, y + h2, right, y + h2, lc, lw_w)
    seal_centre = (stamp_x, y + h2 - rng.uniform(12, 19) + (8 if "seal_low" in extras else 0))
    y += h2
    h3 = rng.uniform(24, 30)
    _cell_label(p, left, y, left + lw, y + h3, "上级工会审核意见", mm * 0.95)
    p.text(right - 45, y + h3 - 13, "（盖章）", mm)
    p.text(right - 32, y + h3 - 6, "年   月   日", mm * 0.9)
    p.line(left + lw, y, left + lw, y + h3, lc, lw_w)
    y += h3
    p.rect(left, top, right, y, lc, lw_w * 1.6)
    note = "注：本表一式两份，须附身份证、学历（学籍）证明及学费票据复印件。"
    p.text(left, y + 6, note, mm * 0.85, fill=RED if "red_note" in extras else BLACK)
    if "red_pen" in extras:
        info["red_pen"] = ink.red_pen(p.img, rng, ((left + lw) * k, (top + 2 * rh) * k, (right - 40) * k,
                                                   (top + 9 * rh) * k), k)
        p.d = ImageDraw.Draw(p.img)
    if seal == "red":
        info["seal_ink"], info["seal_opacity"] = _union_seal(p, rng, seal_centre, person["unit"],
                                                             faint="seal_faint" in extras)
    info["photo_box_mm"] = [round(v, 1) for v in photo_box]
    return p.img, info


def _union_seal(p: Page, rng, centre, unit: str, faint: bool, colour=None, text=None) -> tuple[str, float]:
    k = p.k
    radius = int(rng.uniform(19, 22) * k)
    text = text or unit[:14] + str(rng.choice(["工会委员会", "工会委员会", "工会"]))
    code = "".join(str(int(v)) for v in rng.integers(0, 10, 13)) if rng.random() < 0.5 else None
    mask = ink.round_seal_mask(rng, radius, text, code, double_ring=rng.random() < 0.2)
    name = colour or str(rng.choice(list(ink.SEAL_INKS), p=[0.35, 0.2, 0.15, 0.15, 0.15]))
    opacity = rng.uniform(0.38, 0.55) if faint else rng.uniform(0.7, 0.95)
    ink.apply_ink(p.img, mask, (centre[0] * k, centre[1] * k), ink.SEAL_INKS[name], opacity, rng,
                  angle=rng.uniform(-35, 35), faint=faint)
    p.d = ImageDraw.Draw(p.img)
    return name, round(float(opacity), 2)


def _put_photo(p: Page, rng, photo: str, box) -> str:
    x0, y0, x1, y1 = box
    bh = y1 - y0
    pw = 25.0 if bh < 47 or rng.random() < 0.6 else 33.0
    ph = pw * 1.4
    while ph > bh - 2:
        pw, ph = pw * 0.95, ph * 0.95
    w, h = int(pw * p.k), int(ph * p.k)
    if photo == "face":
        img = portrait(rng, w, h)
        kind = "face"
        p.portrait_plain_haar = plain_haar_face(img)
    else:
        img, kind = non_face(rng, w, h)
        if img is None:
            return "empty"
    cx = (x0 + x1) / 2 + rng.uniform(-1.5, 1.5)
    cy = (y0 + y1) / 2 + rng.uniform(-1.5, 1.5)
    p.paste_photo(img, cx, cy, rng.uniform(-2.5, 2.5), shadow=rng.random() < 0.6)
    return kind


def photocopy(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A black-and-white photocopy: grey, harder contrast, toner specks, a darker strip at one edge."""
    g = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY).astype(np.float32)
    g = np.clip((g - 40) * rng.uniform(1.1, 1.35) + 20, 0, 255)
    h, w = g.shape
    specks = rng.random((h, w)) < rng.uniform(0.0005, 0.003)
    g[specks] *= 0.3
    edge = int(rng.integers(4))
    ramp = np.clip(1 - np.linspace(0, 1, w if edge < 2 else h) * 12, 0, 1) * rng.uniform(0.1, 0.35)
    if edge == 0:
        g *= 1 - ramp[None, :]
    elif edge == 1:
        g *= 1 - ramp[::-1][None, :]
    elif edge == 2:
        g *= 1 - ramp[:, None]
    else:
        g *= 1 - ramp[::-1][:, None]
    g = cv2.GaussianBlur(g, (0, 0), 0.6)
    g = np.clip(g, 0, 255).astype(np.uint8)
    return Image.fromarray(np.dstack([g, g, g]))


# ---- the other uploads: name_match only ----------------------------------------------------------------------

def _other_name(rng, avoid: str) -> str:
    while True:
        n = people.name(rng, rng.random() < 0.5)
        if n[0] != avoid[0]:
            return n


def diploma(rng: np.random.Generator, k: float, person: dict, printed_name: str) -> tuple[Image.Image, dict]:
    """The inner page of a 毕业证书 (landscape): photo with a blind steel seal, Chinese-numeral dates."""
    p = Page(rng, k, size_mm=(250, 180), paper=(int(rng.uniform(240, 250)), int(rng.uniform(236, 246)),
                                                int(rng.uniform(225, 238))))
    w = 250
    p.rect(6, 6, w - 6, 174, fill=(150, 120, 60), w=1.2)
    photo = portrait(rng, int(33 * k), int(45 * k), backdrop=(88, 156, 226) if rng.random() < 0.6 else None)
    p.paste_photo(photo, 40, 48, 0.0, shadow=False)
    # Blind-embossed steel seal over the photo corner: relief only, no ink.
    arr = np.asarray(p.img).astype(np.float32)
    ring = ink.round_seal_mask(rng, int(14 * k), person["school"], None, False)
    hgt = cv2.GaussianBlur(ring, (0, 0), 0.15 * k)
    gy, gx = np.gradient(hgt)
    rel = (gx - gy) * 1.5 * k
    cy0, cx0 = int(62 * k - ring.shape[0] / 2), int(55 * k - ring.shape[1] / 2)
    sub = arr[cy0:cy0 + ring.shape[0], cx0:cx0 + ring.shape[1]]
    sub *= (1 + np.clip(rel, -0.25, 0.25))[: sub.shape[0], : sub.shape[1], None]
    p.img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    p.d = ImageDraw.Draw(p.img)
    p.text(40, 84, "证书编号：", 3.2)
    p.text(22, 90, "".join(str(int(v)) for v in rng.integers(0, 10, 18)), 3.2)
    p.text(160, 26, "毕 业 证 书", 11, bold=True, anchor="mm", fill=(120, 20, 20) if rng.random() < 0.4 else BLACK)
    born = person["born"]
    enrol = dt.date(int(rng.integers(2017, 2022)), 9, 1)
    grad = dt.date(enrol.year + 3, 7, 1)
    body = (f"学生 {printed_name} ，性别{'女' if person['female'] else '男'}，{people.chinese_numeral_date(born)}生，"
            f"于{people.chinese_numeral_date(enrol, False)}至{people.chinese_numeral_date(grad, False)}在本校"
            f"{person['major']}专业{person['level']}学习，修完教学计划规定的全部课程，成绩合格，准予毕业。")
    mm = rng.uniform(4.2, 5.0)
    per = int(130 / (mm * 1.02))
    for i in range(0, len(body), per):
        p.text(92, 48 + (i // per) * mm * 2.0, body[i:i + per], mm)
    p.text(100, 130, f"校  名：{person['school']}", mm)
    p.text(100, 142, "校（院）长：", mm)
    p.hand(100 + p.width("校（院）长：", mm), 142, _other_name(rng, printed_name), mm * 1.2, colour=(20, 20, 20))
    p.text(178, 156, people.chinese_numeral_date(grad), mm * 0.9)
    _union_seal(p, rng, (128, 134), "", faint=False, text=person["school"])
    return p.img, _name_at(p, printed_name)


def _name_at(p: Page, name: str) -> dict:
    """Where the holder's name was printed and how big: {"name_at": [x, y, size] in page pixels}, the centre of
    the name and its type size, for the label's name_px (how high the name ends up in the upload)."""
    for s, x, y, mm, anchor in p.drawn:
        i = s.find(name)
        if i >= 0 and anchor == "lm":
            centre = x + p.width(s[:i], mm) + p.width(name, mm) / 2
            return {"name_at": [round(centre * p.k, 1), round(y * p.k, 1), round(mm * p.k, 1)]}
    return {}      # the name broken over two lines of running text


def _record_table(p: Page, rng, rows: list[tuple[str, str]], top: float, left: float, right: float,
                  photo_cols: int, photo_rows: int, rh: float, mm: float, band=None) -> float:
    lw = 30
    pw = 36
    y = top
    for i, (label, value) in enumerate(rows):
        x_end = right - pw if i < photo_rows else right
        if band:
            p.d.rectangle([left * p.k, y * p.k, (left + lw) * p.k, (y + rh) * p.k], fill=band)
        _cell_label(p, left, y, left + lw, y + rh, label, mm)
        p.text(left + lw + 3, y + rh / 2, value, mm * (0.9 if len(value) > 16 else 1))
        p.rect(left, y, x_end, y + rh, (120, 120, 120), 0.25)
        p.line(left + lw, y, left + lw, y + rh, (120, 120, 120), 0.25)
        y += rh
    p.rect(right - pw, top, right, top + photo_rows * rh, (120, 120, 120), 0.25)
    for j in range(photo_cols):
        ph = portrait(rng, int(26 * p.k), int(35 * p.k), backdrop=(236, 238, 240))
        p.paste_photo(ph, right - pw / 2, top + (photo_rows * rh) * (j + 0.5) / photo_cols, 0, False)
    return y


def diploma_registration(rng: np.random.Generator, k: float, person: dict, printed_name: str):
    p = Page(rng, k, paper=(250, 252, 253))
    blue = (20, 90, 150)
    p.text(105, 24, "教育部学历证书电子注册备案表", 6.2, bold=True, fill=blue, anchor="mm", serif=False)
    p.text(22, 38, f"更新日期：{int(rng.integers(2023, 2026))}年{int(rng.integers(1, 13)):02d}月{int(rng.integers(1, 28)):02d}日", 3.2)
    code = "".join(str(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"))) for _ in range(16))
    p.text(120, 38, f"在线验证码：{code}", 3.2)
    born = person["born"]
    enrol = dt.date(int(rng.integers(2017, 2022)), 3, 1)
    rows = [("姓名", printed_name), ("性别", "女" if person["female"] else "男"),
            ("出生日期", f"{born.year}年{born.month:02d}月{born.day:02d}日"), ("民族", person["ethnic"] + "族"),
            ("证件号码", person["id_number"]), ("学校名称", person["school"]), ("层次", person["level"]),
            ("专业", person["major"]), ("学制", str(rng.choice(["2.5 年", "3 年", "5 年"]))),
            ("学历类别", "成人高等教育"), ("学习形式", str(rng.choice(["业余", "函授"]))),
            ("入学日期", f"{enrol.year}年{enrol.month:02d}月{enrol.day:02d}日"),
            ("毕（结）业日期", f"{enrol.year + 3}年01月10日"), ("毕（结）业", "毕业"),
            ("证书编号", "".join(str(int(v)) for v in rng.integers(0, 10, 18))),
            ("校（院）长姓名", _other_name(rng, printed_name))]
    y = _record_table(p, rng, rows, 46, 22, 188, 1, 5, rng.uniform(10, 12), rng.uniform(3.3, 3.8), band=(232, 242, 250))
    p.text(22, y + 10, "注：1.本《备案表》主要用于学历证书信息查询，可通过学信网在线验证。", 2.9)
    p.text(22, y + 16, "2.涂改、伪造本《备案表》属违法行为。", 2.9)
    return p.img, _name_at(p, printed_name)


def student_status_report(rng: np.random.Generator, k: float, person: dict, printed_name: str):
    p = Page(rng, k, paper=(252, 252, 250))
    p.text(105, 24, "教育部学籍在线验证报告", 6.4, bold=True, anchor="mm", serif=False)
    p.text(22, 37, f"更新日期：{int(rng.integers(2024, 2026))}年{int(rng.integers(1, 13)):02d}月{int(rng.integers(1, 28)):02d}日", 3.2)
    enrol = dt.date(int(rng.integers(2022, 2025)), 9, 1)
    born = person["born"]
    rows = [("姓名", printed_name), ("性别", "女" if person["female"] else "男"), ("证件号码", person["id_number"]),
            ("民族", person["ethnic"] + "族"), ("出生日期", f"{born.year}年{born.month:02d}月{born.day:02d}日"),
            ("院校", person["school"]), ("层次", person["level"]), ("院系", "继续教育学院"),
            ("班级", f"{enrol.year % 100}级{person['major'][:4]}{int(rng.integers(1, 5))}班"), ("专业", person["major"]),
            ("学号", "".join(str(int(v)) for v in rng.integers(0, 10, 12))), ("形式", str(rng.choice(["业余", "函授"]))),
            ("入学日期", f"{enrol.year}年{enrol.month:02d}月{enrol.day:02d}日"), ("学制", "2.5 年"),
            ("类型", "成人高等教育"), ("学籍状态", "正常（注册学籍）")]
    y = _record_table(p, rng, rows, 45, 22, 188, 2, 8, rng.uniform(9.5, 11), rng.uniform(3.3, 3.8))
    p.text(22, y + 10, "报告说明：本报告内容如有修改，请以学信网在线验证结果为准。", 2.9)
    return p.img, _name_at(p, printed_name)


def tuition_receipt(rng: np.random.Generator, k: float, person: dict, printed_name: str):
    """A 非税收入 / 收款 receipt (A5 landscape): red or blue print, school finance seal, other names on it."""
    colour = RED if rng.random() < 0.5 else (30, 70, 150)
    p = Page(rng, k, size_mm=(210, 140))
    title = str(rng.choice(["广东省非税收入电子票据", "学费收款收据", f"{person['school']}收费票据"]))
    p.text(105, 16, title, 6.5, bold=True, fill=colour, anchor="mm")
    p.line(60, 22, 150, 22, colour, 0.4)
    p.text(14, 30, f"票据代码：4406{int(rng.integers(1000, 9999))}", 3.1)
    p.text(120, 30, f"票据号码：00{int(rng.integers(10**7, 10**8))}", 3.1)
    p.text(14, 38, "交款人：", 3.6)
    p.text(14 + p.width("交款人：", 3.6) + 1, 38, printed_name, 3.6)
    p.text(95, 38, f"交款人统一社会信用代码：{person['id_number']}", 3.0)
    top, rh = 44, 9
    cols = [14, 44, 104, 124, 144, 196]
    heads = ["项目编码", "项目名称", "单位", "数量", "金额（元）"]
    amount = int(rng.integers(25, 90)) * 100
    rows = [heads, ["103050101", "学费", "学年", "1", f"{amount}.00"], ["", "", "", "", ""],
            ["金额合计（大写）", "", "", "", f"（小写）{amount}.00"]]
    for r, row in enumerate(rows):
        y = top + r * rh
        for c, txt in enumerate(row):
            if txt:
                p.text((cols[c] + cols[c + 1]) / 2, y + rh / 2, txt, 3.2, anchor="mm")
        p.line(cols[0], y, cols[-1], y, colour, 0.3)
    p.line(cols[0], top + len(rows) * rh, cols[-1], top + len(rows) * rh, colour, 0.3)
    for x in cols:
        p.line(x, top, x, top + len(rows) * rh, colour, 0.3)
    by = top + len(rows) * rh + 10
    p.text(14, by, "收款单位（章）：", 3.4)
    p.text(100, by, "复核人：", 3.4)
    p.text(100 + p.width("复核人：", 3.4) + 1, by, _other_name(rng, printed_name), 3.4)
    p.text(150, by, "收款人：", 3.4)
    p.text(150 + p.width("收款人：", 3.4) + 1, by, _other_name(rng, printed_name), 3.4)
    p.text(14, by + 10, f"开票日期：{int(rng.integers(2023, 2026))}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 28)):02d}", 3.2)
    _union_seal(p, rng, (52, by - 2), "", faint=False, text=person["school"] + "财务专用章")
    return p.img, _name_at(p, printed_name)
