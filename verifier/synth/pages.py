"""Render A4 pages (application form, diploma, registration record, status report, receipt) at 200 dpi."""
from __future__ import annotations

from PIL import Image, ImageDraw

from verifier.synth import seal as sealmod
from verifier.synth.common import SCHOOLS, UNITS, chinese_date, cjk_font_path, font, random_birth
from verifier.synth.faces import non_face, portrait

A4 = (1654, 2339)
INK = (20, 20, 20)
PHOTO_BOX = (1270, 330, 1530, 690)   # x0, y0, x1, y1 on the form


def application_form(rng, name: str, id_number: str, unit: str, photo: str, seal: str,
                     red_confounders: bool) -> Image.Image:
    """photo: face|blank|nonface; seal: red|grey|none."""
    page = Image.new("RGB", A4, (252, 252, 250))
    d = ImageDraw.Draw(page)
    title_red = red_confounders and rng.random() < 0.6
    d.text((330, 150), "职工教育补助申请表", fill=(205, 25, 30) if title_red else INK, font=font(76, bold=True))
    _form_table(d, name, id_number, unit)
    _photo(page, rng, photo)
    d.text((150, 1880), "本人签名：", fill=INK, font=font(40))
    _signature(d, rng, (370, 1870))
    d.text((900, 1880), f"日期：{chinese_date(random_birth(rng).replace(year=2024))}", fill=INK, font=font(40))
    d.text((150, 2000), "基层工会意见：同意申报", fill=INK, font=font(40))
    d.text((1000, 2130), "（盖章）", fill=INK, font=font(40))
    if red_confounders:
        if rng.random() < 0.7:
            sealmod.red_pen_marks(page, rng, (200, 800, 1300, 1700))
        if rng.random() < 0.6:
            d.text((150, 2230), "注：红色字段为必填项，请如实填写。", fill=(210, 30, 35), font=font(36))
    if seal != "none":
        sealmod.stamp(page, rng, (int(rng.uniform(1050, 1300)), int(rng.uniform(1980, 2120))),
                      int(rng.uniform(150, 185)), unit[:8] + "工会委员会", grey=(seal == "grey"))
    return page


def _form_table(d, name, id_number, unit):
    f = font(40)
    rows = [("姓名", name), ("性别", "男"), ("身份证号", id_number), ("工作单位", unit),
            ("就读学校", SCHOOLS[len(name) % len(SCHOOLS)]), ("专业", "工商管理"), ("学历层次", "本科")]
    x0, x1, y = 120, 1560, 300
    for label, value in rows:
        right = 1240 if y < 700 else x1
        d.rectangle([x0, y, right, y + 100], outline=INK, width=3)
        d.line([(390, y), (390, y + 100)], fill=INK, width=3)
        d.text((x0 + 30, y + 28), label, fill=INK, font=f)
        d.text((420, y + 28), value, fill=INK, font=f)
        y += 100
    d.rectangle([x0, y, x1, y + 500], outline=INK, width=3)
    d.text((x0 + 30, y + 28), "申请理由：", fill=INK, font=f)
    for i, line in enumerate(["本人在职参加学历提升教育，现申请职工教育补助，", "所填信息真实有效。"]):
        d.text((x0 + 60, y + 110 + i * 70), line, fill=INK, font=f)
    d.rectangle([1240, 300, x1, 700], outline=INK, width=3)


def _photo(page, rng, photo):
    x0, y0, x1, y1 = PHOTO_BOX
    d = ImageDraw.Draw(page)
    if photo == "blank":
        d.text((x0 + 50, y0 + 150), "照片", fill=(150, 150, 150), font=font(44))
        return
    w, h = x1 - x0, y1 - y0
    img = portrait(rng, w, h) if photo == "face" else non_face(rng, w, h, cjk_font_path())
    page.paste(img, (x0, y0))


def _signature(d, rng, xy):
    x, y = xy
    pts = [(x + i * 18, y + 30 + rng.uniform(-25, 25)) for i in range(18)]
    d.line(pts, fill=(20, 30, 90), width=5, joint="curve")


def _page(title: str, lines: list[str], rng, title_size=70) -> Image.Image:
    page = Image.new("RGB", A4, (252, 252, 250))
    d = ImageDraw.Draw(page)
    tw = d.textlength(title, font=font(title_size, bold=True))
    d.text(((A4[0] - tw) / 2, 160), title, fill=INK, font=font(title_size, bold=True))
    size, left, step = int(rng.integers(38, 52)), int(rng.integers(110, 220)), int(rng.integers(80, 110))
    ruled = rng.random() < 0.35        # some records print each field in a ruled table row
    for i, line in enumerate(lines):
        d.text((left, 420 + i * step), line, fill=INK, font=font(size))
        if ruled:
            y = 420 + i * step - (step - size) // 2
            d.line([(left - 30, y), (A4[0] - left + 30, y)], fill=(90, 90, 90), width=2)
    return page


def _labelled(rng, label: str, value: str) -> str:
    """'姓名：张三' as other templates print it: spaced label, half-width colon, or a gap instead."""
    if label == "姓名" and rng.random() < 0.25:
        label = "姓 名"
    sep = str(rng.choice(["：", "：", ":", "： ", " : ", "   "]))
    return f"{label}{sep}{value}"


def diploma(rng, name: str) -> Image.Image:
    school = SCHOOLS[rng.integers(len(SCHOOLS))]
    b = random_birth(rng)
    lines = [f"学生 {name} ，性别 男 ，{b.year} 年 {b.month} 月 {b.day} 日生，", "于 2019 年 9 月至 2022 年 7 月在本校",
             "工商管理专业 专科起点本科 学习，修完教学计划", "规定的全部课程，成绩合格，准予毕业。", "",
             f"校名：{school}", f"证书编号：{int(rng.integers(10**15, 10**16))}"]
    page = _page("毕 业 证 书", lines, rng, 96)
    sealmod.stamp(page, rng, (1150, 1500), 170, school + "印")
    return page


def diploma_registration(rng, name: str, id_number: str) -> Image.Image:
    lines = [_labelled(rng, "姓名", name), "性别：男", f"证件号码：{id_number}", f"学校名称：{SCHOOLS[rng.integers(len(SCHOOLS))]}",
             "层次：本科", "专业：工商管理", "学历类别：成人教育", "毕（结）业：毕业", "在线验证码：A8K2M9QX7LP4"]
    return _page("教育部学历证书电子注册备案表", lines, rng, 64)


def student_status_report(rng, name: str, id_number: str) -> Image.Image:
    lines = [_labelled(rng, "姓名", name), "性别：女", f"证件号码：{id_number}", "民族：汉族", f"院校：{SCHOOLS[rng.integers(6)]}",
             "层次：专科起点本科", "学习形式：业余", "学籍状态：在籍（注册学籍）", "入学日期：2023年09月01日"]
    return _page("教育部学籍在线验证报告", lines, rng, 64)


def tuition_receipt(rng, name: str) -> Image.Image:
    amount = int(rng.integers(20, 90)) * 100
    lines = [_labelled(rng, "交款人", name), f"交款项目：学费（{UNITS[rng.integers(len(UNITS))][:2]}班）",
             f"金额（小写）：¥{amount:.2f}", "金额（大写）：人民币整", "收款方式：银行转账", "开票日期：2024年03月15日"]
    page = _page("收 款 收 据", lines, rng, 80)
    sealmod.stamp(page, rng, (1200, 1300), 160, SCHOOLS[rng.integers(6)] + "财务专用章")
    return page
