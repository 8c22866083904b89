"""Turn a clean rendered document into a phone photo or a scan (background, tilt, light, blur, JPEG)."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from verifier.synth import scenes


def as_photo(doc: Image.Image, rng: np.random.Generator, quarter_turn: int = 0) -> np.ndarray:
    """A phone photo (BGR) of doc lying on a desk."""
    src = cv2.cvtColor(np.array(doc), cv2.COLOR_RGB2BGR)
    long_side = int(rng.integers(1600, 3001))
    aspect = rng.uniform(1.3, 1.4)
    portrait_doc = src.shape[0] > src.shape[1]
    W, H = (int(long_side / aspect), long_side) if portrait_doc else (long_side, int(long_side / aspect))
    canvas = scenes.background(rng, W, H)
    fill = rng.uniform(0.55, 0.85)
    scale = fill * min(W / src.shape[1], H / src.shape[0])
    dw, dh = src.shape[1] * scale, src.shape[0] * scale
    cx, cy = W / 2 + rng.uniform(-0.06, 0.06) * W, H / 2 + rng.uniform(-0.06, 0.06) * H
    angle = np.radians(rng.uniform(-10, 10))
    corners = np.array([[-dw / 2, -dh / 2], [dw / 2, -dh / 2], [dw / 2, dh / 2], [-dw / 2, dh / 2]])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = corners @ rot.T + [cx, cy]
    dst += rng.uniform(-0.05, 0.05, (4, 2)) * [dw, dh]       # perspective tilt
    sh, sw = src.shape[:2]
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), np.float32(dst))
    warped = cv2.warpPerspective(src, m, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((sh, sw), 255, np.uint8), m, (W, H))
    out = np.where(mask[..., None] > 127, warped, canvas)
    out = _lighting(out, rng)
    if rng.random() < 0.2:
        out = scenes.shadow(out, rng)
    if rng.random() < 0.15:
        out = scenes.glare(out, rng)
    out = _blur_noise(out, rng, rng.uniform(0, 1.3))
    return np.ascontiguousarray(np.rot90(out, quarter_turn))


def as_scan(doc: Image.Image, rng: np.random.Generator, grey: bool) -> np.ndarray:
    """A flatbed scan: white margin, nearly straight, maybe greyscale."""
    src = cv2.cvtColor(np.array(doc), cv2.COLOR_RGB2BGR)
    long_side = int(rng.integers(1600, 2601))
    s = long_side / max(src.shape[:2])
    src = cv2.resize(src, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    pad = int(rng.integers(0, 40))
    out = cv2.copyMakeBorder(src, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    h, w = out.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-1.0, 1.0), 1.0)
    out = cv2.warpAffine(out, rot, (w, h), borderValue=(255, 255, 255))
    out = _blur_noise(out, rng, rng.uniform(0, 0.6))
    if grey:
        out = cv2.cvtColor(cv2.cvtColor(out, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    return out


def unreadable(img: np.ndarray, rng: np.random.Generator, how: str) -> np.ndarray:
    if how == "blur":
        k = max(img.shape[:2]) / 2000
        return cv2.GaussianBlur(img, (0, 0), rng.uniform(9, 14) * k)
    if how == "dark":
        return (img.astype(np.float32) * rng.uniform(0.06, 0.13)).astype(np.uint8)
    s = rng.uniform(220, 340) / max(img.shape[:2])
    return cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)


def encode(img: np.ndarray, rng: np.random.Generator, png: bool = False) -> tuple[bytes, str]:
    if png:
        return cv2.imencode(".png", img)[1].tobytes(), "png"
    q = int(rng.integers(55, 96))
    return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes(), "jpg"


def _lighting(img: np.ndarray, rng) -> np.ndarray:
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h:8, 0:w:8].astype(np.float32)
    gx, gy = rng.uniform(-1, 1, 2)
    grad = 1 + rng.uniform(0.1, 0.35) * (gx * (xx / w - 0.5) + gy * (yy / h - 0.5)) * 2
    grad = grad * rng.uniform(0.75, 1.05)
    grad = cv2.resize(grad, (w, h), interpolation=cv2.INTER_LINEAR)
    # Warm lamps and cool daylight tint the whole photo (BGR gains): grey ink must not turn into red ink.
    tint = np.array([rng.uniform(0.72, 0.9), rng.uniform(0.88, 0.97), 1.0]) if rng.random() < 0.25 else \
        np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.85, 0.95)]) if rng.random() < 0.15 else np.ones(3)
    return np.clip(img.astype(np.float32) * grad[..., None] * tint, 0, 255).astype(np.uint8)


def _blur_noise(img: np.ndarray, rng, sigma: float) -> np.ndarray:
    if sigma > 0.3:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    noise = rng.normal(0, rng.uniform(0, 4), img.shape[:2] + (1,))
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
