"""`name_match` on free-layout documents (diploma, registration record, status report, receipt)."""
from __future__ import annotations

import re

import cv2
import numpy as np

from verifier import ocr
from verifier.checks.common import CJK, gray
from verifier.result import FAIL, PASS, UNSURE, CheckResult

# Labels after which the holder's name is printed on these documents.
NAME_LABELS = ("姓名", "学生", "交款人", "缴款人", "付款人", "考生")
OCR_WIDTH = 1400


def page_text(doc: np.ndarray, timeout: float = 20) -> str | None:
    g = gray(doc)
    scale = min(1.0, OCR_WIDTH / g.shape[1])
    g = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return ocr.ocr_text(g, lang="chi_sim", psm=6, timeout=timeout)


def cjk_count(text: str | None) -> int:
    return len(CJK.findall(text or ""))


def check_name_in_text(text: str | None, expected: str | None) -> CheckResult:
    """Pass on an exact hit; fail only if a labelled name is read and differs; else unsure."""
    if text is None:
        return CheckResult("name_match", UNSURE, 0.0, None, "文字识别失败，请人工核对姓名", None)
    flat = re.sub(r"\s+", "", text)
    expected = "".join(CJK.findall(expected or ""))
    if not expected:
        return CheckResult("name_match", UNSURE, 0.0, None, "名单中无姓名，无法比对", None)
    if expected in flat:
        return CheckResult("name_match", PASS, 0.9, expected, "文件中姓名与名单一致", None)
    labelled = labelled_name(flat, len(expected))
    if labelled and labelled[0] == expected[0] and labelled != expected:
        # Same surname, different given name: the near miss we must not pass. OCR noise could also
        # produce this, so only a fail with moderate confidence.
        return CheckResult("name_match", FAIL, 0.7, labelled,
                           f"文件中姓名为 {labelled}，与名单 {expected} 不一致", None)
    if labelled and not set(labelled) & set(expected):
        return CheckResult("name_match", FAIL, 0.6, labelled,
                           f"文件中姓名为 {labelled}，与名单 {expected} 不一致", None)
    return CheckResult("name_match", UNSURE, 0.3, labelled, "未在文件中找到名单姓名，请人工核对", None)


def labelled_name(flat: str, length: int) -> str | None:
    for label in NAME_LABELS:
        i = flat.find(label)
        if i >= 0:
            tail = flat[i + len(label):].lstrip(":：")
            chars = CJK.findall(tail[:length + 1])
            if len(chars) >= 2:
                return "".join(chars[:length])
    return None
