"""Draw ID-photo-like portraits (and non-face fillers) good enough for a Haar frontal-face cascade."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SKIN = [(233, 196, 170), (224, 180, 150), (210, 165, 130), (240, 205, 180), (198, 150, 115)]
BACKDROPS = [(255, 255, 255), (67, 142, 219), (200, 30, 40), (235, 240, 245)]


def portrait(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    """A frontal head-and-shoulders portrait of size (w, h)."""
    img = Image.new("RGB", (w, h), BACKDROPS[rng.integers(len(BACKDROPS))])
    d = ImageDraw.Draw(img)
    cx = w / 2 + rng.uniform(-0.03, 0.03) * w
    fw, fh = w * rng.uniform(0.50, 0.58), h * rng.uniform(0.46, 0.52)
    top = h * rng.uniform(0.14, 0.2)
    skin = np.array(SKIN[rng.integers(len(SKIN))])
    hair = tuple(int(v) for v in rng.integers(10, 50, 3))
    cloth = tuple(int(v) for v in rng.integers(10, 90, 3))
    # Shoulders and neck first, the head is drawn over them.
    d.ellipse([cx - w * 0.62, top + fh * 1.05, cx + w * 0.62, h * 1.6], fill=cloth)
    d.rectangle([cx - fw * 0.22, top + fh * 0.8, cx + fw * 0.22, top + fh * 1.15], fill=_c(skin * 0.85))
    d.ellipse([cx - fw * 0.58, top - fh * 0.12, cx + fw * 0.58, top + fh * 0.62], fill=hair)
    _shaded_face(d, cx, top, fw, fh, skin)
    d.chord([cx - fw * 0.52, top - fh * 0.1, cx + fw * 0.52, top + fh * 0.42], 180, 360, fill=hair)
    _features(d, rng, cx, top, fw, fh, skin, hair)
    return img.filter(ImageFilter.GaussianBlur(max(w / 260, 0.6)))


def _shaded_face(d, cx, top, fw, fh, skin):
    # Concentric ellipses give darker cheeks/edges and a lighter centre, like real lighting.
    for i in range(8):
        k = 1 - i * 0.07
        shade = 0.78 + 0.03 * i
        d.ellipse([cx - fw / 2 * k, top + fh * (1 - k) * 0.4, cx + fw / 2 * k, top + fh * (1 - (1 - k) * 0.3)],
                  fill=_c(skin * shade))


def _features(d, rng, cx, top, fw, fh, skin, hair):
    ey = top + fh * rng.uniform(0.40, 0.45)
    dx, ew, eh = fw * 0.21, fw * 0.13, fh * 0.045
    for sx in (-1, 1):
        ex = cx + sx * dx
        d.polygon([(ex - ew * 1.1, ey - eh * 2.6), (ex + ew * 1.1, ey - eh * 2.9),
                   (ex + ew * 1.1, ey - eh * 2.1), (ex - ew * 1.1, ey - eh * 1.9)], fill=hair)
        d.ellipse([ex - ew * 1.2, ey - eh * 1.6, ex + ew * 1.2, ey + eh * 1.6], fill=_c(skin * 0.7))
        d.ellipse([ex - ew, ey - eh, ex + ew, ey + eh], fill=(235, 235, 230))
        d.ellipse([ex - eh * 1.1, ey - eh * 1.1, ex + eh * 1.1, ey + eh * 1.1], fill=(25, 20, 20))
    ny = top + fh * 0.66
    d.polygon([(cx, ey), (cx - fw * 0.08, ny), (cx + fw * 0.08, ny)], fill=_c(skin * 0.86))
    d.line([(cx - fw * 0.03, ey + eh), (cx - fw * 0.05, ny)], fill=_c(skin * 1.08), width=max(1, int(fw * 0.03)))
    for sx in (-1, 1):
        d.ellipse([cx + sx * fw * 0.05 - fw * 0.025, ny - fh * 0.012, cx + sx * fw * 0.05 + fw * 0.025,
                   ny + fh * 0.02], fill=_c(skin * 0.55))
    my = top + fh * 0.79
    d.chord([cx - fw * 0.17, my - fh * 0.035, cx + fw * 0.17, my + fh * 0.04], 0, 180,
            fill=(150, 60, 60))


def non_face(rng: np.random.Generator, w: int, h: int, font_path: str) -> Image.Image:
    """Something in the photo box that is not a face: noise texture, text, a landscape, or a logo."""
    from PIL import ImageFont
    kind = rng.integers(4)
    if kind == 0:
        arr = rng.integers(0, 255, (h // 6 + 1, w // 6 + 1, 3), dtype=np.uint8)
        return Image.fromarray(arr).resize((w, h), Image.BILINEAR)
    img = Image.new("RGB", (w, h), (245, 245, 240))
    d = ImageDraw.Draw(img)
    if kind == 1:
        font = ImageFont.truetype(font_path, max(12, w // 8))
        for i in range(6):
            d.text((w * 0.08, h * (0.06 + i * 0.15)), "照片此处粘贴"[i % 6] * 3, fill=(40, 40, 40), font=font)
    elif kind == 2:
        d.rectangle([0, 0, w, h * 0.55], fill=(120, 170, 230))
        d.polygon([(0, h * 0.7), (w * 0.4, h * 0.3), (w * 0.8, h * 0.65), (w, h * 0.5), (w, h), (0, h)],
                  fill=(60, 110, 60))
        d.ellipse([w * 0.65, h * 0.08, w * 0.85, h * 0.2], fill=(250, 220, 90))
    else:
        d.ellipse([w * 0.2, h * 0.25, w * 0.8, h * 0.7], outline=(30, 60, 150), width=max(2, w // 25))
        d.rectangle([w * 0.35, h * 0.4, w * 0.65, h * 0.55], fill=(200, 40, 40))
    return img


def _c(rgb) -> tuple[int, int, int]:
    return tuple(int(min(255, max(0, v))) for v in rgb)
