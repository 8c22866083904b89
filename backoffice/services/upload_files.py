"""Opening an upload: an image must decode fully, a PDF must render a non-blank first page (Pillow, pdfium).

The limits, the type sniffing and the refusal messages are domain/uploads.py."""
from __future__ import annotations

import io
import warnings

import pypdfium2 as pdfium
from PIL import Image

from ..domain.uploads import ALLOWED, MAX_BYTES, MAX_PIXELS, Inspected, UploadRejected, check_envelope, check_pixels

PDF_RENDER_SCALE = 150 / 72  # first page at 150 dpi


def inspect(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> Inspected:
    """Accept the bytes as an upload or raise UploadRejected with a Chinese message."""
    kind = check_envelope(data, max_bytes)
    if kind == "pdf":
        data, (width, height) = _pdf_first_page(data, max_pixels)
    else:
        width, height = _image_size(data, kind, max_pixels)
    mime, ext = ALLOWED[kind]
    return Inspected(mime=mime, ext=ext, width=width, height=height, size=len(data), data=data)


def _image_size(data: bytes, kind: str, max_pixels: int) -> tuple[int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.format and img.format.lower() != kind:
                raise UploadRejected("unsupported_type", "文件内容与图片格式不符。")
            # The header is read before any pixel: refuse bombs before they are decompressed.
            check_pixels(img.width, img.height, max_pixels)
            img.load()  # truncated or corrupt files fail here
            return img.width, img.height
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected("too_many_pixels", "图片像素过大，请缩小后再上传。") from None
    except Exception:  # noqa: BLE001  (Pillow raises many kinds for broken files)
        raise UploadRejected("corrupt_file", "图片已损坏或不完整，请重新拍照上传。") from None


BLANK_LEVEL = 250  # the darkest pixel of a rendered page that carries nothing (paper white is 255)


def _pdf_first_page(data: bytes, max_pixels: int) -> tuple[bytes, tuple[int, int]]:
    """The first page as a PDF of its own (what reviewers and the verifier read; a 5000-page file is not kept
    whole) and its size at the render scale. A page tree that leads nowhere renders as a blank default page:
    a blank first page is refused, since there is nothing on it to review."""
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001
        raise UploadRejected("corrupt_file", "PDF 文件已损坏或已加密，无法打开。") from None
    try:
        if len(pdf) < 1:
            raise UploadRejected("pdf_no_page", "PDF 文件没有页面，请重新导出后上传。")
        page = pdf[0]
        w, h = page.get_size()
        width, height = round(w * PDF_RENDER_SCALE), round(h * PDF_RENDER_SCALE)
        if width * height > max_pixels or width <= 0 or height <= 0:
            raise UploadRejected("too_many_pixels", "PDF 页面尺寸过大。")
        bitmap = page.render(scale=PDF_RENDER_SCALE, grayscale=True)
        try:
            if bitmap.to_numpy().min() >= BLANK_LEVEL:
                raise UploadRejected("pdf_blank_page", "PDF 第一页是空白的，请把材料所在的页面放在第一页后上传。")
        finally:
            bitmap.close()
        if len(pdf) == 1:
            return data, (width, height)
        single = pdfium.PdfDocument.new()
        try:
            single.import_pages(pdf, [0])
            out = io.BytesIO()
            single.save(out)
            return out.getvalue(), (width, height)
        finally:
            single.close()
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001
        raise UploadRejected("corrupt_file", "PDF 第一页无法显示，请重新导出后上传。") from None
    finally:
        pdf.close()
