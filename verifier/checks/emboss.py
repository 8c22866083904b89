"""Raised (embossed) digits without foil: the digits are the card's own colour, seen only by their bevel.

Under a directional light the brightness change on a relief is, to first order, the derivative of the
relief height along the light direction: one side of each stroke is lit, the other in shadow, and the top
of the stroke is the same colour as the card. Thresholding the brightness therefore gives outlines or half
strokes, which Tesseract reads poorly. Here the light axis is estimated from the image (a lit edge and a
shadowed edge lie one stroke width apart along it), and the height map is recovered by dividing by the
directional derivative in the Fourier domain (regularised where the derivative carries no information).
The result shows the digits as solid dark strokes on white, whatever the card colour or the light.
"""
from __future__ import annotations

import cv2
import numpy as np

AXES = tuple(np.pi * a / 24 for a in range(24))    # every 7.5 degrees; the sign is settled later


def deviation(g: np.ndarray, digit_height: float) -> np.ndarray:
    """Brightness minus the smooth card background, in units of local contrast."""
    g = g.astype(np.float32)
    d = g - cv2.GaussianBlur(g, (0, 0), digit_height / 2)
    sd = np.sqrt(cv2.GaussianBlur(d * d, (0, 0), digit_height)) + 2
    return d / sd


def light_axis(d: np.ndarray, stroke: float) -> float:
    """Angle (radians) of the axis along which lit and shadowed edges pair up: there the image is most
    anti-correlated with itself shifted by about a stroke width."""
    h, w = d.shape
    scores = []
    for ang in AXES:
        m = np.float32([[1, 0, stroke * np.cos(ang)], [0, 1, stroke * np.sin(ang)]])
        s = cv2.warpAffine(d, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
        scores.append(float((d * s).mean()))
    return AXES[int(np.argmin(scores))]


def height(d: np.ndarray, angle: float, eps: float) -> np.ndarray:
    """Least-squares (Tikhonov) inverse of the directional derivative along angle."""
    h, w = d.shape
    pad = max(8, h // 4)
    dp = cv2.copyMakeBorder(d, pad, pad, pad, pad, cv2.BORDER_REFLECT)
    ky = np.fft.fftfreq(dp.shape[0])[:, None] * 2 * np.pi
    kx = np.fft.fftfreq(dp.shape[1])[None, :] * 2 * np.pi
    symbol = np.cos(angle) * np.sin(kx) + np.sin(angle) * np.sin(ky)
    spec = np.fft.fft2(dp) * (-1j * symbol) / (symbol ** 2 + eps)
    return np.real(np.fft.ifft2(spec))[pad:pad + h, pad:pad + w]


def _render(hm: np.ndarray, digit_height: float) -> np.ndarray:
    """Digits dark on white. Raised strokes are a small share of the area of the digit line, so there the
    height map is skewed towards them; that settles the sign the light axis leaves open. (Measured on the
    strongest band one digit high: logos or a second line elsewhere must not decide it.)"""
    energy = ((hm - np.median(hm)) ** 2).mean(axis=1)
    k = max(1, int(digit_height + 0.5))
    band = np.convolve(energy, np.ones(k), mode="same")
    mid = int(np.argmax(band))
    rows = hm[max(0, mid - k // 2):mid + k // 2 + 1]
    c = rows - rows.mean()
    if float((c ** 3).mean()) < 0:
        hm = -hm
    lo, hi = np.percentile(hm, 50), np.percentile(hm, 99.5)
    return np.clip(255 - (hm - lo) / (hi - lo + 1e-6) * 255, 0, 255).astype(np.uint8)


def relief_views(g: np.ndarray, digit_height: float, eps_list=(0.02, 0.1)) -> list[np.ndarray]:
    """Height-map renderings of a grey image holding embossed digits about digit_height px tall."""
    d = deviation(g, digit_height)
    angle = light_axis(d, max(2.0, 0.13 * digit_height))
    return [_render(height(d, angle, eps), digit_height) for eps in eps_list]
