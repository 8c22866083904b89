"""Load uploaded bytes (JPEG, PNG or the first page of a PDF) into a BGR numpy image, safely."""
from __future__ import annotations

import io as _io
import warnings

import cv2
import numpy as np
from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000          # decompression-bomb guard, checked from the header before decoding
MAX_BYTES = 60 * 1024 * 1024
PDF_RENDER_LONG_SIDE = 2400      # enough for OCR of A4 at ~200 dpi

# We do our own header check; Pillow's own guard would only warn below 2x its limit.
Image.MAX_IMAGE_PIXELS = None


class UnreadableError(Exception):
    """The upload cannot be turned into an image; the message is shown to reviewers (Chinese)."""


def load_image(data: bytes) -> np.ndarray:
    """Decode bytes to a BGR uint8 image, or raise UnreadableError with a Chinese reason."""
    if not data:
        raise UnreadableError("文件为空")
    if len(data) > MAX_BYTES:
        raise UnreadableError("文件过大")
    if data[:5] == b"%PDF-":
        return _load_pdf(data)
    return _load_raster(data)


def _load_raster(data: bytes) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img = Image.open(_io.BytesIO(data))
            w, h = img.size              # header only, nothing decoded yet
            if w * h > MAX_PIXELS:
                raise UnreadableError(f"图片像素过多（{w}×{h}），请压缩后重新上传")
            img.load()
            img = ImageOps.exif_transpose(img)   # phone photos carry their rotation in EXIF
            img = img.convert("RGB")
    except UnreadableError:
        raise
    except Exception as exc:  # Pillow raises many types for corrupt or truncated data
        raise UnreadableError("无法解码图片，文件可能已损坏或格式不支持") from exc
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def _load_pdf(data: bytes) -> np.ndarray:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:
        raise UnreadableError("无法打开PDF文件，文件可能已损坏") from exc
    try:
        if len(pdf) < 1:
            raise UnreadableError("PDF文件没有页面")
        page = pdf[0]
        pw, ph = page.get_size()
        if pw <= 0 or ph <= 0:
            raise UnreadableError("PDF页面尺寸无效")
        scale = min(PDF_RENDER_LONG_SIDE / max(pw, ph), 8.0)
        bitmap = page.render(scale=scale)
        rgb = np.array(bitmap.to_pil().convert("RGB"))
    except UnreadableError:
        raise
    except Exception as exc:
        raise UnreadableError("PDF页面无法渲染") from exc
    finally:
        pdf.close()
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def encode_png(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("PNG encoding failed")
    return buf.tobytes()
