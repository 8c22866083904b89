"""Stamp-pad and pen ink on paper: round union seals, square name stamps, red fingerprints, red pen marks.

Ink is an alpha mask (0..1) modulated by uneven pressure, then multiplied onto the page in one ink colour,
so a seal over printed text leaves the text visible through it, as with real stamp ink.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.alt_synth import fonts

SEAL_INKS = {            # RGB; stamp pads range from orange-red to magenta
    "classic": (205, 28, 38), "pink": (226, 52, 78), "magenta": (196, 26, 84), "orange": (232, 74, 48),
    "dark": (168, 24, 32),
}
GREY_INK = (96, 96, 98)


def _pressure(rng: np.random.Generator, size: int, faint: bool) -> np.ndarray:
    """Ink density field: low-frequency pressure falloff (a tilted stamp) times fine grain."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size - 0.5
    ang = rng.uniform(0, 2 * np.pi)
    tilt = 1 - rng.uniform(0.0, 0.55 if faint else 0.3) * np.clip(xx * np.cos(ang) + yy * np.sin(ang) + 0.5, 0, 1)
    blot = cv2.resize(rng.random((6, 6)).astype(np.float32), (size, size), interpolation=cv2.INTER_CUBIC)
    grain = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), max(1.0, size / 300))
    grain = np.clip((grain - grain.mean()) * 4 + 0.8, 0, 1)
    return np.clip(tilt * (0.75 + 0.35 * blot) * (0.55 + 0.45 * grain), 0, 1)


def round_seal_mask(rng: np.random.Generator, radius: int, text: str, code: str | None,
                    double_ring: bool, bottom_text: str | None = None) -> np.ndarray:
    """Float mask (0..1) of a round seal: thick ring, optional thin inner ring, five-point star, arc text."""
    size = 2 * radius + 8
    img = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(img)
    c = size / 2
    ring = max(3, int(radius * rng.uniform(0.045, 0.065)))
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=ring)
    inner_r = radius - ring
    if double_ring:
        r2 = radius * 0.86
        d.ellipse([c - r2, c - r2, c + r2, c + r2], outline=255, width=max(1, ring // 3))
        inner_r = r2
    star_r = radius * rng.uniform(0.26, 0.34)
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = star_r if i % 2 == 0 else star_r * 0.382
        pts.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    d.polygon(pts, fill=255)
    serif = rng.random() < 0.5
    span = math.radians(rng.uniform(215, 260))
    size_ch = int(min(radius * rng.uniform(0.22, 0.27), (inner_r * 0.72) * span / (len(text) * 1.02)))
    _arc(img, text, c, inner_r - size_ch * 0.75, size_ch, span=span,
         serif=serif, centre_angle=-math.pi / 2, outward=True)
    if code:
        _arc(img, code, c, inner_r - size_ch * 0.35, max(6, int(size_ch * 0.4)), span=math.radians(70),
             serif=False, centre_angle=math.pi / 2, outward=False)
    if bottom_text:
        f = fonts.cjk(int(size_ch * 0.8), serif=serif, bold=True)
        tw = d.textlength(bottom_text, font=f)
        d.text((c - tw / 2, c + radius * 0.38), bottom_text, fill=255, font=f)
    return np.asarray(img, np.float32) / 255


def _arc(img: Image.Image, text: str, c: float, r: float, size: int, span: float, serif: bool,
         centre_angle: float, outward: bool) -> None:
    f = fonts.cjk(size, serif=serif, bold=True)
    n = len(text)
    for i, ch in enumerate(text):
        k = (i + 0.5) / n - 0.5
        a = centre_angle + (k * span if outward else -k * span)
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size * 0.5, size * 0.35), ch, fill=255, font=f)
        # Top of each glyph points away from the centre (top arc) or towards it (bottom code).
        rot = -math.degrees(a) - 90 if outward else -math.degrees(a) + 90
        glyph = glyph.rotate(rot, resample=Image.BILINEAR)
        x, y = int(c + r * math.cos(a) - size), int(c + r * math.sin(a) - size)
        box = (x, y, x + size * 2, y + size * 2)
        img.paste(Image.fromarray(np.maximum(np.asarray(img.crop(box)), np.asarray(glyph))), box[:2])


def square_name_stamp(rng: np.random.Generator, side: int, name: str) -> np.ndarray:
    """A personal name stamp (名章): a square frame with the name in two columns, read right to left."""
    img = Image.new("L", (side + 4, side + 4), 0)
    d = ImageDraw.Draw(img)
    border = max(2, side // 14)
    d.rectangle([2, 2, side, side], outline=255, width=border)
    chars = list(name + ("印" if len(name) == 3 else "之印" if len(name) == 2 else ""))[:4]
    while len(chars) < 4:
        chars.append("印")
    cell = (side - 2 * border) / 2
    f = fonts.cjk(int(cell * 0.82), serif=True, bold=True)
    # column 1 (right) holds chars 0,1; column 2 (left) chars 2,3
    for i, ch in enumerate(chars):
        col = 1 - i // 2
        row = i % 2
        d.text((2 + border + col * cell + cell * 0.08, 2 + border + row * cell - cell * 0.05), ch, fill=255, font=f)
    return np.asarray(img, np.float32) / 255


def fingerprint_mask(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A red thumbprint (手印) beside a signature: an oval of curved ridges."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w / 2, h / 2
    u, v = (xx - cx) / (w / 2), (yy - cy) / (h / 2)
    r = np.sqrt(u ** 2 + v ** 2)
    theta = np.arctan2(v, u)
    ridges = 0.5 + 0.5 * np.sin(r * rng.uniform(38, 52) + 1.5 * np.sin(theta * 2 + rng.uniform(0, 6)) + v * 4)
    edge = np.clip((1 - r) * 6, 0, 1)
    return (ridges > 0.45).astype(np.float32) * edge


def apply_ink(page: Image.Image, mask: np.ndarray, xy, colour, opacity: float, rng: np.random.Generator,
              angle: float = 0.0, faint: bool = False) -> None:
    """Multiply an ink mask onto page (in place) with its centre at xy."""
    if angle:
        h, w = mask.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        mask = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_LINEAR)
    h, w = mask.shape
    alpha = mask * _pressure(rng, max(h, w), faint)[:h, :w] * opacity
    alpha = cv2.GaussianBlur(alpha, (0, 0), 0.7)
    x0, y0 = int(xy[0] - w / 2), int(xy[1] - h / 2)
    px0, py0 = max(0, x0), max(0, y0)
    px1, py1 = min(page.size[0], x0 + w), min(page.size[1], y0 + h)
    if px1 <= px0 or py1 <= py0:
        return
    a = alpha[py0 - y0:py1 - y0, px0 - x0:px1 - x0, None]
    ink = np.array(colour, np.float32) / 255
    region = np.asarray(page.crop((px0, py0, px1, py1)), np.float32)
    region = region * (1 - a + a * ink)
    page.paste(Image.fromarray(np.clip(region, 0, 255).astype(np.uint8)), (px0, py0))


def red_pen(page: Image.Image, rng: np.random.Generator, area, px_per_mm: float) -> list[str]:
    """Red ballpoint: ticks, an underline, a closed loop around a word. Returns what was drawn."""
    d = ImageDraw.Draw(page)
    x0, y0, x1, y1 = area
    colour = (int(rng.uniform(190, 225)), int(rng.uniform(20, 50)), int(rng.uniform(30, 60)))
    width = max(2, int(0.35 * px_per_mm))
    drawn = []
    for _ in range(int(rng.integers(1, 4))):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        kind = int(rng.integers(3))
        if kind == 0:
            s = px_per_mm * rng.uniform(3, 6)
            d.line([(x, y), (x + s * 0.4, y + s * 0.5), (x + s * 1.2, y - s * 0.6)], fill=colour, width=width)
            drawn.append("tick")
        elif kind == 1:
            L = px_per_mm * rng.uniform(25, 60)
            pts = [(x + t * L, y + np.sin(t * 6) * px_per_mm * 0.5) for t in np.linspace(0, 1, 20)]
            d.line(pts, fill=colour, width=width)
            drawn.append("underline")
        else:
            rx, ry = px_per_mm * rng.uniform(10, 22), px_per_mm * rng.uniform(4, 8)
            ts = np.linspace(0, 2 * np.pi * rng.uniform(1.02, 1.12), 60)
            pts = [(x + rx * np.cos(t) * (1 + 0.04 * np.sin(3 * t)), y + ry * np.sin(t)) for t in ts]
            d.line(pts, fill=colour, width=width)
            drawn.append("loop")
    return drawn
