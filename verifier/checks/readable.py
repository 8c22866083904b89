"""`readable`: the upload decodes, is not hopelessly small or dark, and its print can be made out."""
from __future__ import annotations

import cv2
import numpy as np

from verifier.checks.common import gray
from verifier.result import FAIL, PASS, UNSURE, CheckResult

MIN_LONG_SIDE = 200     # below this even a card's biggest print is under 8 px high: nobody reads it
SMALL_SIDE = 480        # short sides below this may still be legible: the readers decide (see settle)
MIN_HIGHLIGHT = 60      # 99th-percentile grey level: an under-exposed shot has no light parts
MIN_BRIGHTNESS = 20     # mean grey level; dark cards with light print sit near 40 and are fine
SHARP_SIDE = 1000       # sharpness is measured at most this long, never upscaled (upscaling itself blurs)
MIN_SHARPNESS = 0.12    # p99.5 gradient / contrast: print ~0.3-0.6, defocus that no reader gets through < 0.1
RETAKE = "请对准证件重新拍摄，避免反光"


def check_readable(image: np.ndarray) -> CheckResult:
    """FAIL when nobody could read the upload, UNSURE when it is small or soft (the readers settle that),
    PASS otherwise."""
    h, w = image.shape[:2]
    if max(h, w) < MIN_LONG_SIDE:
        return CheckResult("readable", FAIL, 0.95, [w, h], f"图片尺寸过小（{w}×{h}），{RETAKE}", None)
    g = gray(image)
    s = min(1.0, SHARP_SIDE / max(h, w))
    g = cv2.resize(g, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else g
    brightness, highlight = float(g.mean()), float(np.percentile(g, 99))
    if brightness < MIN_BRIGHTNESS or highlight < MIN_HIGHLIGHT:
        return CheckResult("readable", FAIL, 0.9, round(brightness, 1), "图片过暗，请在光线充足处重新拍摄", None)
    sharp = sharpness(g)
    if sharp < MIN_SHARPNESS:
        return CheckResult("readable", UNSURE, 0.5, round(sharp, 3), f"图片模糊，{RETAKE}", None)
    if min(h, w) < SMALL_SIDE:
        return CheckResult("readable", UNSURE, 0.5, [w, h], f"图片尺寸较小（{w}×{h}），{RETAKE}", None)
    return CheckResult("readable", PASS, min(0.99, 0.6 + sharp), round(sharp, 3), "图片清晰可读", None)


def settle(readable: CheckResult, checks: list[CheckResult]) -> CheckResult:
    """A small or soft upload is legible when a check found what it looks for, or read text and judged it
    (a number, a name, a date); otherwise a person would not make it out either."""
    if readable.status != UNSURE:
        return readable
    if any(c.status == PASS or c.status == FAIL and isinstance(c.value, str) for c in checks):
        return CheckResult("readable", PASS, 0.7, readable.value, "图片较小或不够清晰，但文字可以识别", None)
    return CheckResult("readable", FAIL, 0.8, readable.value, readable.detail, None)


def sharpness(g: np.ndarray) -> float:
    """Strongest edges relative to contrast: ~0.3-0.6 for print, < 0.1 when badly out of focus."""
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.sqrt(gx * gx + gy * gy) / 8.0      # Sobel 3x3 gain is 4 per axis, x2 for the step
    lo, hi = np.percentile(g, [2, 98])
    contrast = max(float(hi - lo), 10.0)
    return float(np.percentile(mag, 99.5)) / contrast
