"""Upload validation: size, type by content, truncated images, decompression bombs, PDFs; stored as sent."""
import io

import pytest
from factories.intake import jpeg_bytes, pdf_bytes, png_bytes

from backoffice.domain import uploads as rules
from backoffice.services import upload_files
from backoffice.extensions import db
from backoffice.models import Document


def _bomb() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("1", (12000, 12000), 0).save(buf, "PNG")  # 144 MP of nothing, a few KB on disk
    return buf.getvalue()


def test_accepts_png_jpeg_and_pdf_by_content():
    assert upload_files.inspect(png_bytes((30, 20))) == rules.Inspected("image/png", "png", 30, 20, len(png_bytes((30, 20))))
    assert upload_files.inspect(jpeg_bytes()).mime == "image/jpeg"
    pdf = upload_files.inspect(pdf_bytes())
    assert pdf.mime == "application/pdf" and pdf.width > 0 and pdf.height > pdf.width


@pytest.mark.parametrize("data,code", [
    (b"", "empty_file"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * (3 * 1024 * 1024 - 7), "file_too_large"),  # 3 MB + 1 byte
    (b"MZ\x90\x00 this is an exe renamed to photo.jpg", "unsupported_type"),
    (b"GIF89a" + b"0" * 100, "unsupported_type"),
    (b"%PDF-1.4 not really a pdf", "corrupt_file"),
])
def test_rejects(data, code):
    with pytest.raises(rules.UploadRejected) as exc:
        upload_files.inspect(data)
    assert exc.value.code == code and exc.value.message


NO_PAGE_TREE = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_pdf_without_a_page_is_refused_not_stored_as_a_blank_page():
    for data in (NO_PAGE_TREE, _blank_pdf()):
        with pytest.raises(rules.UploadRejected) as exc:
            upload_files.inspect(data)
        assert exc.value.code == "pdf_blank_page" and "空白" in exc.value.message


def _blank_pdf() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(buf, "PDF")
    return buf.getvalue()


def test_a_long_pdf_keeps_only_its_first_page():
    import pypdfium2 as pdfium
    long = pdf_bytes(pages=40)
    kept = upload_files.inspect(long)
    assert kept.size == len(kept.data) < len(long)
    assert len(pdfium.PdfDocument(kept.data)) == 1


def test_exactly_3_mb_is_allowed_by_size():
    data = jpeg_bytes()
    padded = data + b"\x00" * (3 * 1024 * 1024 - len(data))  # JPEG decoders ignore bytes after EOI
    assert len(padded) == 3 * 1024 * 1024
    assert upload_files.inspect(padded).mime == "image/jpeg"


def test_truncated_jpeg_is_rejected():
    data = jpeg_bytes((400, 300))
    with pytest.raises(rules.UploadRejected) as exc:
        upload_files.inspect(data[: len(data) // 2])
    assert exc.value.code == "corrupt_file"


def test_decompression_bomb_is_rejected_before_decoding():
    with pytest.raises(rules.UploadRejected) as exc:
        upload_files.inspect(_bomb())
    assert exc.value.code == "too_many_pixels"


def test_png_with_jpeg_name_is_stored_as_png(client, app, orgs):
    from factories.intake import draft, make_batch, worker

    from backoffice.services.applicants import issue_token
    batch = make_batch(orgs["GZ"])
    a = worker(1, orgs["HZ-PORT"], orgs["GZ"])
    application = draft(a, batch, orgs["HZ-PORT"], kinds=())
    db.session.commit()
    headers = {"Authorization": f"Bearer {issue_token(a.id, a.token_version)}"}
    url = f"/api/v1/applications/{application.id}/documents/id_card_front"
    r = client.put(url, headers=headers, data={"file": (io.BytesIO(png_bytes()), "photo.jpg")},
                   content_type="multipart/form-data")
    assert r.status_code == 201 and r.json["mime"] == "image/png"
    doc = db.session.get(Document, r.json["id"])
    assert doc.storage_key.endswith(".png") and doc.original_name == "photo.jpg"
    from backoffice.services import storage
    assert storage.load(doc.storage_key) == png_bytes()  # the original bytes, not a re-encoding
    over = client.put(url, headers=headers, data={"file": (io.BytesIO(b"\xff\xd8\xff" + b"0" * (3 * 1024 * 1024 - 2)),
                                                           "big.jpg")}, content_type="multipart/form-data")
    assert over.status_code == 413 and over.json["error"] == "file_too_large"
    bomb = client.put(url, headers=headers, data={"file": (io.BytesIO(_bomb()), "b.png")},
                      content_type="multipart/form-data")
    assert bomb.status_code == 422 and bomb.json["error"] == "too_many_pixels"
    pdf = client.put(url, headers=headers, data={"file": (io.BytesIO(pdf_bytes()), "scan.pdf")},
                     content_type="multipart/form-data")
    assert pdf.status_code == 201 and pdf.json["mime"] == "application/pdf"
    kinds = db.session.execute(db.select(Document.kind).filter_by(application_id=application.id)).scalars().all()
    assert len(kinds) == 1  # the PDF replaced the PNG of the same kind


def test_api_refuses_a_pdf_without_a_page_with_both_messages(client, app, orgs):
    from factories.intake import draft, make_batch, worker

    from backoffice.services.applicants import issue_token
    person = worker(3, orgs["YX-METRO"], orgs["GZ"])
    application = draft(person, make_batch(orgs["GZ"]), orgs["YX-METRO"], kinds=())
    db.session.commit()
    headers = {"Authorization": f"Bearer {issue_token(person.id, person.token_version)}"}
    r = client.put(f"/api/v1/applications/{application.id}/documents/id_card_front", headers=headers,
                   data={"file": (io.BytesIO(NO_PAGE_TREE), "scan.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.json["error"] == "pdf_blank_page"
    assert "blank" in r.json["detail"] and "空白" in r.json["message"]
    assert db.session.execute(db.select(Document).filter_by(application_id=application.id)).first() is None
