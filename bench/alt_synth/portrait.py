"""ID-style portraits rendered from a relief model (height field + Lambert light), and non-face fillers.

The existing generator draws faces from flat concentric ellipses; here the face is a height field (head
ellipsoid, brow ridge, eye sockets, nose, cheeks, lips) lit by a random key light, with an albedo map for
skin, brows, eyes, lips and hair, so shading falls off sideways and under the brows as on a photo.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.alt_synth import fonts

SKIN = [(226, 187, 160), (214, 170, 140), (238, 200, 176), (198, 152, 120), (222, 178, 150), (186, 140, 110)]
BACKDROP = [(250, 250, 250), (236, 238, 240), (88, 156, 226), (120, 175, 235), (214, 224, 236), (178, 32, 40)]


def plain_haar_face(img: Image.Image) -> bool:
    """Does OpenCV's stock frontal-face cascade (default settings) find a face in this portrait?

    Recorded as a trait only, so a photo_present miss can be told apart from a drawing that no stock
    detector would call a face.
    """
    g = cv2.equalizeHist(cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2GRAY))
    casc = _stock_cascade()
    side = int(min(g.shape) * 0.2)
    return len(casc.detectMultiScale(g, 1.1, 5, minSize=(side, side))) > 0


_CASCADE = []


def _stock_cascade():
    if not _CASCADE:
        _CASCADE.append(cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml"))
    return _CASCADE[0]


def _gauss(u, v, cu, cv, su, sv):
    return np.exp(-(((u - cu) / su) ** 2 + ((v - cv) / sv) ** 2))


def portrait(rng: np.random.Generator, w: int, h: int, backdrop=None, grey: bool = False) -> Image.Image:
    """A head-and-shoulders ID photo, RGB, size (w, h)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    bg = np.array(backdrop if backdrop is not None else BACKDROP[rng.choice(len(BACKDROP), p=[.3, .2, .2, .1, .15, .05])],
                  np.float32)
    # Backdrop with a soft studio falloff.
    fall = 1 - rng.uniform(0.0, 0.12) * ((xx / w - 0.5) ** 2 + (yy / h - 0.4) ** 2) * 4
    img = bg[None, None, :] * fall[..., None]

    a = w * rng.uniform(0.25, 0.30)                  # face half width
    b = a * rng.uniform(1.22, 1.36)                  # face half height
    cx = w / 2 + rng.uniform(-0.03, 0.03) * w
    cy = h * rng.uniform(0.40, 0.46)
    u, v = (xx - cx) / a, (yy - cy) / b
    skin = np.array(SKIN[rng.integers(len(SKIN))], np.float32) * rng.uniform(0.93, 1.05)
    hair_c = rng.uniform(14, 48) * np.array([1.0, rng.uniform(0.85, 1.0), rng.uniform(0.75, 0.95)], np.float32)
    female = rng.random() < 0.5

    # Clothes: dark jacket, sometimes a light shirt collar (a V) — drawn as masks.
    shoulder_y = cy + b * rng.uniform(1.18, 1.3)
    sh = ((xx - cx) / (w * 0.58)) ** 2 + ((yy - (shoulder_y + h * 0.42)) / (h * 0.48)) ** 2 < 1
    cloth = rng.uniform(15, 70) * rng.uniform(0.8, 1.25, 3).astype(np.float32) if rng.random() < 0.75 else \
        rng.uniform(150, 230) * rng.uniform(0.85, 1.1, 3).astype(np.float32)
    cloth_shade = 0.85 + 0.15 * np.clip(1 - np.abs(xx - cx) / (w * 0.55), 0, 1)
    img = np.where(sh[..., None], cloth * cloth_shade[..., None], img)
    if rng.random() < 0.6:
        collar = sh & (np.abs(xx - cx) < (yy - shoulder_y + b * 0.15) * 0.45) & (yy < shoulder_y + b * 0.9)
        img = np.where(collar[..., None], np.array([235, 235, 232], np.float32), img)

    # Long hair behind the shoulders for some.
    if female and rng.random() < 0.6:
        back_hair = (((xx - cx) / (a * 1.35)) ** 2 + ((yy - cy - b * 0.35) / (b * 1.35)) ** 2 < 1)
        img = np.where(back_hair[..., None], hair_c * 1.1, img)

    # Neck: a shaded cylinder.
    neck = (np.abs(xx - cx) < a * 0.52) & (yy > cy + b * 0.5) & (yy < shoulder_y + b * 0.25)
    neck_shade = 0.72 + 0.15 * np.cos(np.clip((xx - cx) / (a * 0.52), -1, 1) * np.pi / 2)
    img = np.where(neck[..., None], skin * neck_shade[..., None] * 0.9, img)

    # Ears.
    for s in (-1, 1):
        ear = ((xx - (cx + s * a * 0.98)) / (a * 0.16)) ** 2 + ((yy - (cy - b * 0.02)) / (b * 0.2)) ** 2 < 1
        img = np.where(ear[..., None], skin * 0.8, img)

    # Height field of the face.
    r2 = u ** 2 + v ** 2
    inside = r2 < 1
    z = np.sqrt(np.clip(1 - r2, 0, 1)) * 1.0
    z += 0.10 * _gauss(u, v, 0, -0.34, 0.7, 0.08)                        # brow ridge
    for s in (-1, 1):
        z -= 0.17 * _gauss(u, v, s * 0.38, -0.14, 0.22, 0.13)            # eye sockets
        z += 0.06 * _gauss(u, v, s * 0.42, 0.18, 0.22, 0.14)             # cheekbones
    z += 0.22 * _gauss(u, v, 0, 0.05, 0.09, 0.28)                         # nose bridge
    z += 0.18 * _gauss(u, v, 0, 0.30, 0.14, 0.09)                         # nose tip
    z += 0.05 * _gauss(u, v, 0, 0.58, 0.28, 0.07)                         # lips
    z -= 0.04 * _gauss(u, v, 0, 0.70, 0.2, 0.04)                          # under the lip
    gz_y, gz_x = np.gradient(z * a)
    normal = np.dstack([-gz_x, -gz_y, np.ones_like(z)])
    normal /= np.linalg.norm(normal, axis=2, keepdims=True)
    light = np.array([rng.uniform(-0.5, 0.5), rng.uniform(-0.45, -0.05), 1.0])
    light /= np.linalg.norm(light)
    lambert = np.clip((normal * light).sum(axis=2), 0, 1)
    ambient = rng.uniform(0.35, 0.5)
    shade = ambient + (1 - ambient) * lambert
    # Rim darkening at the jaw and temples.
    shade *= 1 - 0.25 * np.clip(r2 - 0.6, 0, 1)

    albedo = np.broadcast_to(skin, (h, w, 3)).copy()
    lips = (((u) / 0.26) ** 2 + ((v - 0.6) / 0.07) ** 2) < 1
    albedo[lips] = skin * np.array([0.78, 0.55, 0.55])
    for s in (-1, 1):
        ex, ey = s * 0.38, -0.12
        eye = ((u - ex) / 0.17) ** 2 + ((v - ey) / 0.055) ** 2 < 1
        iris = ((u - ex - rng.uniform(-0.01, 0.01)) / 0.075) ** 2 + ((v - ey) / 0.058) ** 2 < 1
        lid = (((u - ex) / 0.19) ** 2 + ((v - ey + 0.03) / 0.06) ** 2 < 1) & ~eye & (v < ey)
        albedo[eye] = (228, 226, 220)
        albedo[eye & iris] = (40, 28, 24)
        albedo[lid] = skin * 0.45
        brow_v = -0.33 + 0.05 * ((u - s * 0.38) / 0.25) ** 2
        brow = (np.abs(v - brow_v) < rng.uniform(0.022, 0.034)) & (np.abs(u - s * 0.38) < 0.24)
        albedo[brow] = hair_c * 1.3
        nostril = ((u - s * 0.07) / 0.045) ** 2 + ((v - 0.36) / 0.022) ** 2 < 1
        albedo[nostril] = skin * 0.35
    face = albedo * shade[..., None]
    img = np.where(inside[..., None], face, img)

    # Hair on top: a cap above a wavy hairline, down the sides.
    hairline = -0.5 + 0.08 * np.cos(u * rng.uniform(2, 4)) + (0.15 if female else 0) * (np.abs(u) > 0.5)
    side = 0.05 if female else rng.uniform(-0.3, -0.12)
    cap = (u ** 2 / 1.16 + ((v + 0.08) / 1.08) ** 2 < 1) & ((v < hairline) | ((np.abs(u) > 0.88) & (v < side)))
    cap |= ((u / 1.12) ** 2 + ((v + 0.12) / 1.1) ** 2 < 1) & (v < -0.62)
    tex = 1 + 0.12 * np.sin(xx * rng.uniform(0.4, 0.9) + np.sin(yy * 0.1) * 3)
    hair_shade = 0.8 + 0.4 * np.clip(1 - (v + 1) / 0.6, 0, 1) * rng.uniform(0.3, 1)
    img = np.where(cap[..., None], hair_c * (tex * hair_shade)[..., None], img)

    img = np.clip(img, 0, 255).astype(np.uint8)
    img = cv2.GaussianBlur(img, (0, 0), max(0.6, w / 420))
    noise = rng.normal(0, rng.uniform(1.5, 4), img.shape[:2] + (1,))
    img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if grey:
        g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        img = np.dstack([g, g, g])
    return Image.fromarray(img)


def non_face(rng: np.random.Generator, w: int, h: int) -> tuple[Image.Image | None, str]:
    """Something in the photo box that is not a person's face: (image or None for an empty box, kind)."""
    kind = str(rng.choice(["empty", "placeholder", "scenery", "qr", "back_of_head", "flower"],
                          p=[0.3, 0.2, 0.15, 0.1, 0.1, 0.15]))
    if kind == "empty":
        return None, kind
    img = Image.new("RGB", (w, h), (246, 246, 242))
    d = ImageDraw.Draw(img)
    if kind == "placeholder":
        f = fonts.cjk(max(12, w // 7))
        for i, line in enumerate(["粘贴近期", "一寸免冠", "彩色照片"]):
            tw = d.textlength(line, font=f)
            d.text(((w - tw) / 2, h * 0.3 + i * w / 5.5), line, fill=(110, 110, 110), font=f)
    elif kind == "scenery":
        arr = np.zeros((h, w, 3), np.float32)
        t = np.linspace(0, 1, h)[:, None, None]
        arr[:] = np.array([110, 170, 235]) * (1 - t) + np.array([220, 235, 250]) * t
        ridge = (h * (0.55 + 0.1 * np.sin(np.arange(w) / w * rng.uniform(4, 9)))).astype(int)
        for x in range(w):
            arr[ridge[x]:, x] = (50, 110 + 20 * np.sin(x / 13), 60)
        arr += rng.normal(0, 6, (h, w, 1))
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    elif kind == "qr":
        n = 25
        cells = rng.random((n, n)) < 0.5
        for (r0, c0) in ((0, 0), (0, n - 7), (n - 7, 0)):
            cells[r0:r0 + 7, c0:c0 + 7] = False
            cells[r0, c0:c0 + 7] = cells[r0 + 6, c0:c0 + 7] = True
            cells[r0:r0 + 7, c0] = cells[r0:r0 + 7, c0 + 6] = True
            cells[r0 + 2:r0 + 5, c0 + 2:c0 + 5] = True
        big = cv2.resize((~cells).astype(np.uint8) * 255, (int(w * 0.8), int(w * 0.8)), interpolation=cv2.INTER_NEAREST)
        arr = np.array(img)
        y0, x0 = (h - big.shape[0]) // 2, (w - big.shape[1]) // 2
        arr[y0:y0 + big.shape[0], x0:x0 + big.shape[1]] = big[..., None]
        img = Image.fromarray(arr)
    elif kind == "back_of_head":
        bg = BACKDROP[rng.integers(len(BACKDROP))]
        d.rectangle([0, 0, w, h], fill=bg)
        cloth = tuple(int(c) for c in rng.integers(20, 80, 3))
        d.ellipse([-w * 0.1, h * 0.72, w * 1.1, h * 1.6], fill=cloth)
        d.rectangle([w * 0.38, h * 0.6, w * 0.62, h * 0.8], fill=(190, 150, 120))
        hair = tuple(int(c) for c in rng.integers(10, 40, 3))
        d.ellipse([w * 0.2, h * 0.12, w * 0.8, h * 0.72], fill=hair)
    else:  # flower / still life
        d.rectangle([0, 0, w, h], fill=(235, 228, 210))
        cx, cy, r = w / 2, h * 0.42, w * 0.12
        petal = tuple(int(c) for c in rng.integers(120, 250, 3))
        for k in range(7):
            ang = k * 2 * np.pi / 7
            px, py = cx + 1.6 * r * np.cos(ang), cy + 1.6 * r * np.sin(ang)
            d.ellipse([px - r, py - r, px + r, py + r], fill=petal)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(240, 200, 40))
        d.line([(cx, cy + r), (cx, h)], fill=(40, 120, 40), width=max(2, w // 40))
    return img, kind
