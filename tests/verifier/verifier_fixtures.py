"""Helpers for the verifier tests: put a rendered document on a desk like a phone photo."""
import cv2
import numpy as np


def on_desk(doc_rgb, border: int = 70, colour=(60, 50, 40), angle: float = 3.0) -> np.ndarray:
    """BGR photo-like image: the document slightly rotated on a plain desk."""
    bgr = cv2.cvtColor(np.array(doc_rgb), cv2.COLOR_RGB2BGR)
    img = cv2.copyMakeBorder(bgr, border, border, border, border, cv2.BORDER_CONSTANT, value=colour)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=colour)
