"""Typefaces for the alternative generator.

Only what the machine has: Noto Sans/Serif CJK (Regular, Bold; the Mono CJK face inside the same .ttc) and
DejaVu (Condensed, ExtraLight, Mono, Serif). Heavier or lighter weights than the files offer are made with a
stroke (faux heavy) so documents do not all share the two stock weights.
"""
from __future__ import annotations

import functools

from PIL import ImageFont

NOTO = "/usr/share/fonts/opentype/noto/Noto{family}CJK-{weight}.ttc"
DEJAVU = "/usr/share/fonts/truetype/dejavu/{name}.ttf"
# Face index inside the Noto CJK collections: 2 = SC, 7 = Mono SC (Sans only).
SC, MONO_SC = 2, 7

DIGIT_FACES = ["DejaVuSansCondensed-Bold", "DejaVuSansCondensed", "DejaVuSans-Bold", "DejaVuSerifCondensed-Bold",
               "DejaVuSansMono-Bold", "DejaVuSans-ExtraLight", "noto-mono", "noto-mono-bold", "noto-sans-bold"]


@functools.cache
def cjk(size: int, serif: bool = False, bold: bool = False, mono: bool = False) -> ImageFont.FreeTypeFont:
    family = "Serif" if serif else "Sans"
    weight = "Bold" if bold else "Regular"
    index = MONO_SC if (mono and not serif) else SC
    return ImageFont.truetype(NOTO.format(family=family, weight=weight), max(6, int(size)), index=index)


@functools.cache
def digits(size: int, face: str) -> ImageFont.FreeTypeFont:
    size = max(6, int(size))
    if face == "noto-mono":
        return ImageFont.truetype(NOTO.format(family="Sans", weight="Regular"), size, index=MONO_SC)
    if face == "noto-mono-bold":
        return ImageFont.truetype(NOTO.format(family="Sans", weight="Bold"), size, index=MONO_SC)
    if face == "noto-sans-bold":
        return ImageFont.truetype(NOTO.format(family="Sans", weight="Bold"), size, index=SC)
    return ImageFont.truetype(DEJAVU.format(name=face), size)


def stroke_for(face: str, size: int) -> int:
    """ExtraLight digits are too thin for print; give them a stroke (an OCR-B-like weight)."""
    return max(1, size // 22) if face == "DejaVuSans-ExtraLight" else 0
