"""Busy desks and light effects for synthetic photos: wood, keyboards, cloth, other papers, shadows, glare."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

from verifier.synth.common import font


def background(rng: np.random.Generator, W: int, H: int) -> np.ndarray:
    """A BGR desk of size (W, H); the kinds are the clutter that breaks document outline detection."""
    kind = int(rng.integers(7))
    base = rng.integers(30, 200, 3).astype(np.float32)
    if kind == 0:
        img = _wood(rng, W, H, base)
    elif kind == 1:   # flat desk with noise
        img = np.broadcast_to(base, (H, W, 3)) + rng.normal(0, 6, (H, W, 1))
    elif kind == 2:   # blotchy cloth / clutter
        small = rng.integers(0, 255, (H // 80 + 1, W // 80 + 1, 3)).astype(np.float32)
        img = cv2.resize(small, (W, H), interpolation=cv2.INTER_CUBIC) * 0.5 + base * 0.5
    elif kind == 3:
        img = _keyboard(rng, W, H)
    elif kind == 4:
        img = _woven(rng, W, H, base)
    elif kind == 5:
        img = _papers(rng, W, H, base)
    else:             # granite / speckled laminate
        small = rng.normal(0, 40, (H // 3 + 1, W // 3 + 1, 1)).astype(np.float32)
        img = base + cv2.resize(small, (W, H), interpolation=cv2.INTER_NEAREST)[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def _wood(rng, W, H, base):
    yy = np.linspace(0, 1, H)[:, None]
    xx = np.linspace(0, 1, W)[None, :]
    if rng.random() < 0.5:          # grain along either axis
        xx, yy = yy * (W / H), xx * (H / W)
    grain = np.sin((xx * rng.uniform(20, 60) + 3 * np.sin(yy * rng.uniform(3, 9))) * np.pi)
    fine = np.sin((xx * rng.uniform(150, 300) + np.sin(yy * rng.uniform(10, 30))) * np.pi)
    return base[None, None, :] * (0.85 + 0.12 * grain[..., None] + 0.05 * fine[..., None])


def _keyboard(rng, W, H):
    """Rows of keys with letters: many strong rectangles, the worst case for quad finding."""
    dark = rng.random() < 0.6
    img = Image.new("RGB", (W, H), (25, 25, 28) if dark else (200, 200, 205))
    d = ImageDraw.Draw(img)
    key = int(rng.uniform(0.045, 0.08) * max(W, H))
    f = font(max(10, key // 3))
    key_col = (45, 45, 50) if dark else (240, 240, 240)
    ink = (220, 220, 220) if dark else (30, 30, 30)
    for row, y in enumerate(range(-key // 2, H, int(key * 1.1))):
        for x in range(-(row * key // 3) % key - key, W, int(key * 1.1)):
            d.rounded_rectangle([x, y, x + key, y + key], radius=key // 8, fill=key_col)
            d.text((x + key // 4, y + key // 5), "QWERTYUIOPASDFGHJKLZXCVBNM"[int(rng.integers(26))],
                   fill=ink, font=f)
    return np.array(img)[..., ::-1].astype(np.float32)


def _woven(rng, W, H, base):
    """Checks, stripes or gingham: a regular pattern with strong straight edges."""
    yy, xx = np.mgrid[0:H, 0:W]
    p = int(rng.uniform(20, 90))
    other = rng.integers(30, 230, 3).astype(np.float32)
    a = ((xx // p) % 2).astype(np.float32)
    b = ((yy // p) % 2).astype(np.float32) if rng.random() < 0.7 else np.zeros_like(a)
    t = ((a + b) / 2)[..., None]
    return base * (1 - t) + other * t + rng.normal(0, 4, (H, W, 1))


def _papers(rng, W, H, base):
    """Other printed sheets lying around under and next to the document."""
    img = Image.fromarray(np.clip(np.broadcast_to(base, (H, W, 3)), 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    size = max(14, int(H / 60))
    f = font(size)
    for _ in range(int(rng.integers(2, 5))):
        x0, y0 = rng.uniform(-0.3, 0.8) * W, rng.uniform(-0.3, 0.8) * H
        x1, y1 = x0 + rng.uniform(0.3, 0.7) * W, y0 + rng.uniform(0.3, 0.8) * H
        shade = int(rng.uniform(200, 250))
        d.rectangle([x0, y0, x1, y1], fill=(shade, shade, shade - 5), outline=(150, 150, 150))
        for y in np.arange(y0 + size, y1 - size, size * 1.8):
            d.text((x0 + size, y), "申请人材料复印件核对无误" * 3, fill=(60, 60, 60), font=f)
    return np.array(img)[..., ::-1].astype(np.float32)


def shadow(img: np.ndarray, rng) -> np.ndarray:
    """A soft shadow (a hand or the phone) over one side of the photo."""
    h, w = img.shape[:2]
    mask = np.zeros((h // 4, w // 4), np.float32)
    pts = (rng.uniform(0, 1, (5, 2)) * [w // 4, h // 4]).astype(np.int32)
    edge = int(rng.integers(4))
    corner = [[0, 0], [w // 4, 0], [w // 4, h // 4], [0, h // 4]]
    pts = np.vstack([pts, corner[edge], corner[(edge + 1) % 4]])
    cv2.fillPoly(mask, [cv2.convexHull(pts)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), max(3, w / 80))
    mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    k = 1 - rng.uniform(0.25, 0.5) * mask
    return np.clip(img.astype(np.float32) * k[..., None], 0, 255).astype(np.uint8)


def glare(img: np.ndarray, rng) -> np.ndarray:
    """A bright, soft reflection blob (laminated cards and glossy paper)."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h:4, 0:w:4].astype(np.float32)
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    rx, ry = rng.uniform(0.04, 0.12) * w, rng.uniform(0.03, 0.08) * h
    blob = np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2))
    blob = cv2.resize(blob.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    strength = rng.uniform(0.3, 0.6)
    out = img.astype(np.float32) * (1 - strength * blob[..., None]) + 255 * strength * blob[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)
