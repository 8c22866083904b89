"""Round official seals (red, or grey as on a photocopy) and red non-seal confounders."""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from verifier.synth.common import font

SEAL_RED = [(214, 35, 40), (200, 20, 30), (228, 60, 60), (190, 40, 50)]


def seal_layer(rng: np.random.Generator, radius: int, text: str) -> Image.Image:
    """A white RGB tile with a round seal (ring, star, arc text) in black ink; colourise by blending."""
    size = radius * 2 + 8
    tile = Image.new("L", (size, size), 255)
    d = ImageDraw.Draw(tile)
    c = size / 2
    ring = max(3, radius // 14)
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=0, width=ring)
    _star(d, c, c, radius * 0.3)
    _arc_text(tile, text, c, radius * 0.72, int(radius * 0.27))
    # Ink never lands evenly: knock out random specks so the seal looks stamped, not drawn.
    arr = np.array(tile)
    holes = rng.random(arr.shape) < rng.uniform(0.0, 0.18)
    arr[holes & (arr < 128)] = 200
    return Image.fromarray(arr)


def stamp(page: Image.Image, rng: np.random.Generator, center, radius: int, text: str, grey: bool = False):
    """Multiply-blend a seal onto page (in place semantics: returns the new page)."""
    ink = (110, 110, 110) if grey else SEAL_RED[rng.integers(len(SEAL_RED))]
    mask = seal_layer(rng, radius, text).rotate(float(rng.uniform(-25, 25)), fillcolor=255)
    colour = Image.new("RGB", mask.size, ink)
    white = Image.new("RGB", mask.size, (255, 255, 255))
    tile = Image.composite(white, colour, mask)
    x, y = int(center[0] - mask.size[0] / 2), int(center[1] - mask.size[1] / 2)
    region = page.crop((x, y, x + mask.size[0], y + mask.size[1]))
    page.paste(ImageChops.multiply(region, tile), (x, y))
    return page


def _star(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.4
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=0)


def _arc_text(tile: Image.Image, text: str, c: float, r: float, size: int) -> None:
    f = font(size, bold=True)
    span = math.radians(min(250, 22 * len(text)))
    for i, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("L", (size * 2, size * 2), 255)
        ImageDraw.Draw(glyph).text((size * 0.5, size * 0.4), ch, fill=0, font=f)
        glyph = glyph.rotate(-math.degrees(a) - 90, fillcolor=255)
        x, y = c + r * math.cos(a) - size, c + r * math.sin(a) - size
        tile.paste(ImageChops.darker(tile.crop((int(x), int(y), int(x) + size * 2, int(y) + size * 2)), glyph),
                   (int(x), int(y)))


def red_pen_marks(page: Image.Image, rng: np.random.Generator, area) -> None:
    """Ticks, underlines and a scribbled loop in red pen: red, but not a seal."""
    d = ImageDraw.Draw(page)
    x0, y0, x1, y1 = area
    red = (210, 30, 35)
    for _ in range(int(rng.integers(2, 5))):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        kind = rng.integers(3)
        if kind == 0:
            d.line([(x, y), (x + 25, y + 30), (x + 80, y - 40)], fill=red, width=5)
        elif kind == 1:
            d.line([(x, y), (x + rng.uniform(200, 500), y + rng.uniform(-8, 8))], fill=red, width=4)
        else:  # an open, hand-drawn loop around some text (not a closed, even ring)
            r = rng.uniform(60, 120)
            d.arc([x - r * 1.8, y - r, x + r * 1.8, y + r], rng.uniform(0, 60), rng.uniform(250, 320),
                  fill=red, width=4)
