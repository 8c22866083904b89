"""The portal as a worker uses it: register from the demo roster, apply, upload, submit, see rank and status."""
import io

import pytest
from factories.intake import png_bytes
from support import assert_portal_logged_in, assert_sent_to_login, csrf_token

from backoffice.demo.seed import DEMO_PROGRAMME, PER_STATE, seed_demo_world
from backoffice.domain.enums import ApplicationState
from backoffice.extensions import db
from backoffice.models import Application, Batch, RosterEntry


@pytest.fixture
def demo(app):
    seed_demo_world()
    return app


def _post(client, url, data, page_url=None, **kw):
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kw)


def test_demo_roster_worker_registers_applies_uploads_submits_and_sees_rank(client, demo):
    entries = db.session.execute(db.select(RosterEntry).order_by(RosterEntry.id)).scalars().all()
    entry = entries[PER_STATE * len(ApplicationState) + 5]  # one of the 40 without an account
    batch = db.session.execute(db.select(Batch).join(Batch.programme).filter_by(name=DEMO_PROGRAMME)).scalar_one()
    expected_rank = batch.allocated_count + 1
    assert client.get("/portal/").status_code == 200
    r = _post(client, "/portal/register", {"name": entry.name, "id_number": entry.id_number,
                                           "mobile": "13912345678", "password": "Good-Password-1"})
    assert_portal_logged_in(client, r, entry.name)
    assert "您符合本批次的申报条件" in client.get("/portal/").text
    r = _post(client, f"/portal/batches/{batch.id}/apply", {"org_id": str(entry.org_id)})
    assert r.status_code == 302
    app_url = r.headers["Location"]
    app_id = int(app_url.rstrip("/").rsplit("/", 1)[1])
    page = client.get(app_url)
    assert "暂时不能提交" in page.text and "尚未上传" in page.text
    for kind in batch.required_documents:
        r = _post(client, f"/portal/applications/{app_id}/documents",
                  {"kind": kind, "file": (io.BytesIO(png_bytes(color=(1, 2, len(kind)))), f"{kind}.png")},
                  page_url=app_url, content_type="multipart/form-data")
        assert r.status_code == 302
    page = client.get(app_url)
    assert "未上传" not in page.text and "暂时不能提交" not in page.text
    r = _post(client, f"/portal/applications/{app_id}/submit", {}, page_url=app_url, follow_redirects=True)
    assert f"第 {expected_rank} 号名额" in r.text
    assert "审核中" in r.text and f"第 <strong>{expected_rank}</strong> 号" in r.text
    application = db.session.get(Application, app_id)
    assert application.state == ApplicationState.IN_REVIEW and application.quota_rank == expected_rank


def test_portal_refuses_strangers_and_other_peoples_applications(client, demo):
    assert_sent_to_login(client.get("/portal/applications/1"), "/portal/login")
    r = _post(client, "/portal/login", {"id_number": "nobody", "password": "x"})
    assert "身份证号或密码错误" in r.text
    mine = db.session.execute(db.select(Application).order_by(Application.id)).scalars().first()
    theirs = db.session.execute(db.select(Application).where(Application.applicant_id != mine.applicant_id)
                                ).scalars().first()
    r = _post(client, "/portal/login", {"id_number": mine.applicant.id_number, "password": "demo-Worker-2021"})
    assert_portal_logged_in(client, r, mine.applicant.name)
    assert client.get(f"/portal/applications/{mine.id}").status_code == 200
    assert client.get(f"/portal/applications/{theirs.id}").status_code == 404


def test_register_form_explains_mistakes_in_chinese(client, app):
    r = _post(client, "/portal/register", {"name": "王", "id_number": "110105194912310021", "mobile": "123",
                                           "password": "short"})
    assert r.status_code == 200
    for text in ("校验位", "手机号码", "密码至少需要"):
        assert text in r.text
