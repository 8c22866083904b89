"""The console side of verification: flag icons, the flag filter, scoped evidence, pages, requeue, CLI."""
import pytest
from factories.verification import make_application, seeded_document
from support import csrf_token, logout

from backoffice.domain.enums import VerificationStatus as VS
from backoffice.models import Document
from backoffice.services import verification
from backoffice.verification.ui import FlagFilter


@pytest.fixture
def verified(app, db, orgs):
    """An HZ-PORT application whose form has no seal, verified inline (no Redis in this app)."""
    document = seeded_document(orgs["HZ-PORT"], seal=False)
    verification.request_verification([document.id])
    db.session.expire_all()
    return db.session.get(Document, document.id)


def _flag_arg(app) -> str:
    admin = app.extensions["admin"][0]
    view = next(v for v in admin._views if getattr(v, "endpoint", None) == "applications")
    return next(arg for arg, (_, flt) in view._filter_args.items() if isinstance(flt, FlagFilter))


def test_inline_verification_flags_the_missing_seal(verified):
    assert verified.verification_status == VS.DONE
    assert verified.application.flags == ["application_form:seal_present"]


def test_application_list_shows_flag_icons_with_chinese_tooltips(client, login_as, verified):
    login_as("HZ")
    page = client.get("/admin/applications/")
    assert page.status_code == 200
    assert "fa-certificate" in page.text and "申请表（贴照片、盖工会章）：未检测到公章" in page.text


def test_flag_filter_keeps_only_matching_applications(app, db, client, login_as, orgs, verified):
    clean = make_application(orgs["HZ-PORT"], name="李秀英", id_number="440106199001010011")
    db.session.commit()
    login_as("HZ")
    arg = _flag_arg(app)
    page = client.get(f"/admin/applications/?flt1_{arg}=seal_present")
    assert page.status_code == 200
    assert f"/admin/verification/application/{verified.application_id}" in page.text
    assert f"/admin/verification/application/{clean.id}" not in page.text
    none = client.get(f"/admin/applications/?flt1_{arg}=card_number_valid")
    assert f"/admin/verification/application/{verified.application_id}" not in none.text


def test_evidence_is_scoped_to_the_admins_subtree(client, login_as, verified):
    login_as("YX")
    assert client.get(f"/admin/verification/evidence/{verified.id}/full.png").status_code == 404
    assert client.get(f"/admin/verification/application/{verified.application_id}").status_code == 404
    logout(client)
    login_as("HZ")
    crop = client.get(f"/admin/verification/evidence/{verified.id}/photo_present.png")
    assert crop.status_code == 200 and crop.mimetype == "image/png" and crop.data.startswith(b"\x89PNG")
    assert client.get(f"/admin/verification/evidence/{verified.id}/no_such_check.png").status_code == 404


def test_document_and_application_pages_show_checks_and_evidence(client, login_as, verified):
    login_as("HZ-PORT")
    details = client.get(f"/admin/documents/details/?id={verified.id}")
    assert details.status_code == 200
    assert "未检测到公章" not in details.text or "不通过" in details.text
    assert "已加盖公章" in details.text and f"/admin/verification/evidence/{verified.id}/photo_present.png" in details.text
    page = client.get(f"/admin/verification/application/{verified.application_id}")
    assert page.status_code == 200 and "申请表（贴照片、盖工会章）：未检测到公章" in page.text


def test_failed_document_is_shown_and_requeued_from_the_list_action(app, db, client, login_as, orgs, monkeypatch):
    document = seeded_document(orgs["HZ-PORT"])
    monkeypatch.setattr("verifier.verify_bytes", lambda *a, **k: 1 / 0)
    verification.request_verification([document.id])
    db.session.expire_all()
    assert db.session.get(Document, document.id).verification_status == VS.FAILED
    monkeypatch.undo()
    login_as("HZ")
    overview = client.get("/admin/verification/")
    assert overview.status_code == 200 and "ZeroDivisionError" in overview.text
    listing = client.get("/admin/applications/")
    assert "自动核验失败" in listing.text
    docs = client.get("/admin/documents/")
    r = client.post("/admin/documents/action/", data={"action": "verify_requeue", "rowid": str(document.id),
                                                      "csrf_token": csrf_token(docs.text)})
    assert r.status_code == 302
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.verification_status == VS.DONE and document.application.flags == []


def test_requeue_form_ignores_documents_outside_the_subtree(app, db, client, login_as, orgs, monkeypatch):
    document = seeded_document(orgs["HZ-PORT"])
    document.verification_status = VS.FAILED
    db.session.commit()
    login_as("YX")
    assert "没有核验失败的材料" in client.get("/admin/verification/").text   # HZ's failure is not listed to YX
    page = client.get("/admin/documents/")   # any page with a form gives the session's token
    client.post("/admin/verification/requeue", data={"document_id": str(document.id),
                                                      "csrf_token": csrf_token(page.text)})
    db.session.expire_all()
    assert db.session.get(Document, document.id).verification_status == VS.FAILED


def test_cli_requeue_failed_and_status(app, db, orgs):
    document = seeded_document(orgs["YX-METRO"])
    document.verification_status = VS.FAILED
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-requeue", "--failed"])
    assert result.exit_code == 0 and "已重新提交 1 份" in result.output
    db.session.expire_all()
    assert db.session.get(Document, document.id).verification_status == VS.DONE
    status = runner.invoke(args=["verify-status"])
    assert "done\t1" in status.output
    assert "已重新提交 0 份" in runner.invoke(args=["verify-sweep"]).output
