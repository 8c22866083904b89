"""Upload rules: size limits, the file's type from its content (magic bytes), and the messages for refusals.

Opening the file (decoding an image fully, rendering a PDF's first page) is services/upload_files.py: it needs
Pillow and pdfium, which the domain does not import."""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_BYTES = 3 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a phone photo is ~12 MP; past this it is a bomb, not a scan

ALLOWED = {"jpeg": ("image/jpeg", "jpg"), "png": ("image/png", "png"), "pdf": ("application/pdf", "pdf")}


class UploadRejected(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Inspected:
    mime: str
    ext: str
    width: int
    height: int
    size: int
    data: bytes = field(default=b"", repr=False, compare=False)  # what is stored: a PDF keeps its first page only


def sniff(data: bytes) -> str | None:
    """The real type by magic bytes; the file name and the browser's claim are ignored."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:5] == b"%PDF-":
        return "pdf"
    return None


def check_envelope(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """What can be told before opening the file: not empty, not too big, a type we take. Returns the type."""
    if not data:
        raise UploadRejected("empty_file", "文件是空的，请重新选择。")
    if len(data) > max_bytes:
        raise UploadRejected("file_too_large", f"文件超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传。")
    kind = sniff(data)
    if kind is None:
        raise UploadRejected("unsupported_type", "只能上传 jpg、jpeg、png 图片或 pdf 文件。")
    return kind


def check_pixels(width: int, height: int, max_pixels: int = MAX_PIXELS) -> None:
    """Refuse decompression bombs from the header's size, before any pixel is decoded."""
    if width * height > max_pixels:
        raise UploadRejected("too_many_pixels", "图片像素过大，请缩小后再上传。")
