"""A roster entry whose name is corrected by a later import: the ID card already checked against the old name is
checked again against the corrected one (PostgreSQL, verified inline), and its flag follows."""
import io

import pytest
from factories import batch, valid_id_number
from factories.applicants import luhn_complete
from factories.review import admin_client, api_applicant

from backoffice.demo.documents import render_documents
from backoffice.domain.enums import DocumentKind
from backoffice.extensions import db
from backoffice.models import Application, AuditEvent, Document, VerificationResult
from backoffice.services.roster_import import import_roster
from backoffice.services.verification import latest_result

pytestmark = pytest.mark.postgres

NAME = "林小燕"
TYPO = "林晓燕"
HEADER = "姓名,身份证号,预报名批次,入学时间,学校,层次,单位代码"


def _roster(name: str, number: str) -> bytes:
    return "\n".join([HEADER, f"{name},{number},2024年秋季,2024-09-01,广东开放大学,大专,YX-METRO"]).encode()


def _name_check(document: Document) -> dict:
    db.session.expire_all()
    result = latest_result(db.session.get(Document, document.id))
    return next(c for c in result.result["checks"] if c["name"] == "name_match")


def test_a_corrected_roster_name_checks_the_id_card_again(app, client, orgs, login_as):
    number = valid_id_number(43)
    assert [r.status for r in import_roster("list.csv", _roster(TYPO, number), "2024年秋季").rows] == ["created"]
    b = batch(orgs["GZ"], required_documents=["id_card_front"])
    db.session.commit()
    headers = api_applicant(client, NAME, 43)
    r = client.post("/api/v1/applications", json={"batch_id": b.id, "org_id": orgs["YX-METRO"].id}, headers=headers)
    assert r.status_code == 201, r.json
    app_id = r.json["id"]
    assert db.session.get(Application, app_id).roster_entry.name == TYPO
    card = luhn_complete("621700123456789012")
    image = render_documents(7, NAME, number, orgs["YX-METRO"].name, card, None)[DocumentKind.ID_CARD_FRONT]
    r = client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=headers,
                   data={"file": (io.BytesIO(image), "id.jpg")}, content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    document = db.session.execute(db.select(Document).filter_by(application_id=app_id)).scalar_one()

    # Checked against the roster as it stood: the card's name is not the roster's.
    assert _name_check(document)["status"] != "pass"
    assert "id_card_front:name_match" in db.session.get(Application, app_id).flags

    # The union corrects the roster: the same upload is checked again, and the flag goes.
    assert [r.status for r in import_roster("list.csv", _roster(NAME, number), "2024年秋季").rows] == ["updated"]
    check = _name_check(document)
    assert (check["status"], check["value"]) == ("pass", NAME)
    assert "id_card_front:name_match" not in db.session.get(Application, app_id).flags
    assert db.session.execute(db.select(db.func.count()).select_from(VerificationResult)
                              .filter_by(document_id=document.id)).scalar() == 2
    event = db.session.execute(db.select(AuditEvent).filter_by(action="document_verification_requeued")).scalar_one()
    assert event.detail == {"via": "roster_changed"}
    # The console's audit log says why, in words.
    console = admin_client(app, login_as, "GZ")
    page = console.get(f"/admin/audit/details/?id={event.id}").text
    assert "重新核验材料" in page and "名单姓名更正" in page
    imported = db.session.execute(db.select(AuditEvent).filter_by(action="roster_imported")
                                  .order_by(AuditEvent.id.desc())).scalars().first()
    page = console.get(f"/admin/audit/details/?id={imported.id}").text
    assert "更新：1" in page and "错误行数：0" in page and "updated" not in page

    # Importing the same list again changes nothing and checks nothing again.
    assert [r.status for r in import_roster("list.csv", _roster(NAME, number), "2024年秋季").rows] == ["unchanged"]
    assert db.session.execute(db.select(db.func.count()).select_from(VerificationResult)
                              .filter_by(document_id=document.id)).scalar() == 2
