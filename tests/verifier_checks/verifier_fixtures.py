"""Helpers for the verifier tests: a rendered document on a desk like a phone photo, a registration-table fragment."""
import cv2
import numpy as np
from PIL import Image, ImageDraw

from verifier.synth import common


def on_desk(doc_rgb, border: int = 70, colour=(60, 50, 40), angle: float = 3.0) -> np.ndarray:
    """BGR photo-like image: the document slightly rotated on a plain desk."""
    bgr = cv2.cvtColor(np.array(doc_rgb), cv2.COLOR_RGB2BGR)
    img = cv2.copyMakeBorder(bgr, border, border, border, border, cv2.BORDER_CONSTANT, value=colour)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=colour)


def table_page(name: str, shaded: bool = True, photo: bool = True, level: str = "本科") -> np.ndarray:
    """A registration-table fragment: label cell (shaded), the name cell, more rows, a portrait block."""
    img = Image.new("RGB", (1100, 520), (250, 250, 248))
    d = ImageDraw.Draw(img)
    f = common.font(30)
    rows = [("姓名", name), ("性别", "男"), ("民族", "汉族"), ("层次", level)]
    for i, (label, value) in enumerate(rows):
        y = 40 + i * 60
        if shaded:
            d.rectangle([40, y, 200, y + 60], fill=(214, 226, 238))
        d.rectangle([40, y, 800, y + 60], outline=(120, 120, 120), width=2)
        d.line([200, y, 200, y + 60], fill=(120, 120, 120), width=2)
        d.text((80, y + 14), label, fill=(20, 20, 20), font=f)
        d.text((220, y + 14), value, fill=(20, 20, 20), font=f)
    out = cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)
    if photo:
        # A portrait beside the rows: hair, eyes and clothes give dark blotches at every height.
        rng = np.random.default_rng(3)
        blotches = cv2.resize(rng.integers(30, 250, (28, 17)).astype(np.uint8), (170, 220),
                              interpolation=cv2.INTER_NEAREST)
        out[40:260, 830:1000] = blotches[..., None]
    return out


def registration_scan(name: str, em: int = 26, blur: float = 0.7) -> np.ndarray:
    """An A4 registration record scanned at 300 dpi (2480 x 3508), its table printed em px high, blurred by
    a Gaussian of sigma blur px (0.7: a slightly soft scan)."""
    w, h = 2480, 3508
    img = Image.new("RGB", (w, h), (250, 250, 248))
    d = ImageDraw.Draw(img)
    f = common.font(em)
    d.text((740, 200), "教育部学历证书电子注册备案表", fill=(20, 20, 20), font=common.font(2 * em))
    rows = [("姓名", name), ("性别", "女"), ("民族", "汉族"), ("证件号码", "42128119980716994X"),
            ("学校名称", "国家开放大学"), ("层次", "专科起点本科")]
    step = int(2.2 * em)
    for i, (label, value) in enumerate(rows):
        y = 500 + i * step
        d.rectangle([200, y, 2200, y + step], outline=(120, 120, 120), width=3)
        d.line([600, y, 600, y + step], fill=(120, 120, 120), width=3)
        d.text((260, y + int(0.6 * em)), label, fill=(20, 20, 20), font=f)
        d.text((640, y + int(0.6 * em)), value, fill=(20, 20, 20), font=f)
    return cv2.GaussianBlur(cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR), (0, 0), blur)
