"""`readable`: the upload decodes, is large enough, and is not hopelessly blurred or dark."""
from __future__ import annotations

import cv2
import numpy as np

from verifier.checks.common import gray
from verifier.result import FAIL, PASS, CheckResult

MIN_SIDE = 480          # below this even the ID number is a few pixels tall
MIN_HIGHLIGHT = 60      # 99th-percentile grey level of the document: an under-exposed shot has no light parts
MIN_BRIGHTNESS = 20     # mean grey level; dark cards with light print sit near 40 and are fine
MIN_SHARPNESS = 0.16    # p99 gradient / contrast; blur spreads edges and pulls this down


def check_readable(original: np.ndarray, doc: np.ndarray) -> CheckResult:
    h, w = original.shape[:2]
    if min(h, w) < MIN_SIDE:
        return CheckResult("readable", FAIL, 0.95, [w, h], f"图片尺寸过小（{w}×{h}），请重新上传清晰原图", None)
    g = gray(doc)
    g = cv2.resize(g, (800, int(800 * g.shape[0] / g.shape[1])), interpolation=cv2.INTER_AREA)
    brightness, highlight = float(g.mean()), float(np.percentile(g, 99))
    if brightness < MIN_BRIGHTNESS or highlight < MIN_HIGHLIGHT:
        # Judged on the flattened document, by its light parts: a navy bank card is dark but legible.
        return CheckResult("readable", FAIL, 0.9, round(brightness, 1), "图片过暗，请在光线充足处重新拍摄", None)
    sharp = sharpness(g)
    if sharp < MIN_SHARPNESS:
        return CheckResult("readable", FAIL, 0.85, round(sharp, 3), "图片模糊，请重新拍摄或上传清晰扫描件", None)
    conf = min(0.99, 0.6 + (sharp - MIN_SHARPNESS) * 3)
    return CheckResult("readable", PASS, conf, round(sharp, 3), "图片清晰可读", None)


def sharpness(g: np.ndarray) -> float:
    """Strongest edges relative to contrast: ~0.3-0.5 for print, < 0.1 when badly out of focus."""
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.sqrt(gx * gx + gy * gy) / 8.0      # Sobel 3x3 gain is 4 per axis, x2 for the step
    lo, hi = np.percentile(g, [2, 98])
    contrast = max(float(hi - lo), 10.0)
    return float(np.percentile(mag, 99.5)) / contrast
