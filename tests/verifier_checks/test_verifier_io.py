"""Bad uploads give a failing `readable` (never a traceback); PDFs are read from their first page."""
import io

import numpy as np
import pytest
from PIL import Image

import verifier
from verifier.io import MAX_PIXELS, UnreadableError, load_image


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _readable(result: dict) -> dict:
    return next(c for c in result["checks"] if c["name"] == "readable")


def _assert_unreadable(result: dict, kind: str):
    assert _readable(result)["status"] == "fail"
    others = [c for c in result["checks"] if c["name"] != "readable"]
    assert {c["name"] for c in others} == set(verifier.KIND_CHECKS[kind])
    assert all(c["status"] == "unsure" for c in others)
    assert set(result["flags"]) == {c["name"] for c in result["checks"]}


@pytest.mark.parametrize("data", [b"", b"\x00garbage" * 100, b"\xff\xd8\xff\xe0" + b"\x00" * 50,
                                  b"%PDF-1.4\nnot really a pdf", "你好".encode()])
def test_garbage_is_unreadable(data):
    _assert_unreadable(verifier.verify_bytes(data, "id_card_front", {"name": "张伟"}), "id_card_front")


def test_truncated_jpeg_is_unreadable():
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (600, 800, 3), np.uint8)).save(buf, "JPEG")
    data = buf.getvalue()[: len(buf.getvalue()) // 3]
    _assert_unreadable(verifier.verify_bytes(data, "bank_card"), "bank_card")


def test_decompression_bomb_rejected_from_header():
    # 1-bit PNG: tiny file, 64 megapixels once decoded.
    data = _png(Image.new("1", (8000, 8000)))
    assert len(data) < 100_000 and 8000 * 8000 > MAX_PIXELS
    with pytest.raises(UnreadableError):
        load_image(data)
    _assert_unreadable(verifier.verify_bytes(data, "application_form"), "application_form")


def test_tiny_image_unreadable():
    data = _png(Image.new("RGB", (200, 120), (255, 255, 255)))
    _assert_unreadable(verifier.verify_bytes(data, "id_card_back"), "id_card_back")


def test_missing_file(tmp_path):
    _assert_unreadable(verifier.verify_path(tmp_path / "nope.jpg", "diploma"), "diploma")


def test_pdf_first_page_loaded():
    from verifier.synth import common
    page = Image.new("RGB", (1240, 1754), (255, 255, 255))
    from PIL import ImageDraw
    ImageDraw.Draw(page).text((100, 100), "毕业证书 学生 张伟", fill=(0, 0, 0), font=common.font(60))
    buf = io.BytesIO()
    page.save(buf, format="PDF", resolution=150)
    image = load_image(buf.getvalue())
    assert image.ndim == 3 and image.shape[0] > image.shape[1] > 1000
    assert _readable(verifier.verify_bytes(buf.getvalue(), "diploma", {"name": "张伟"}))["status"] == "pass"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        verifier.verify_bytes(b"x", "passport")


def test_evidence_crop_returns_png():
    data = _png(Image.new("RGB", (800, 600), (200, 10, 10)))
    out = verifier.evidence_crop(data, [100, 100, 50, 40])
    crop = Image.open(io.BytesIO(out))
    assert crop.format == "PNG" and crop.size == (50 + 32, 40 + 32)
