"""The uploaded bank card is compared with the number the applicant typed for the payment (JSON API, verified
inline): the same card passes on one reading, and a new typed number checks the same upload again against it."""
import io

import pytest
from factories import batch, valid_id_number
from factories.applicants import luhn_complete, portal_client
from factories.review import api_applicant

from backoffice.demo.documents import render_documents
from backoffice.domain.enums import DocumentKind
from backoffice.extensions import db
from backoffice.models import Application, AuditEvent, Document, VerificationResult
from backoffice.services.verification import latest_result

pytestmark = pytest.mark.postgres

NAME = "林小燕"
CARD = luhn_complete("621700123456789012")
OTHER = luhn_complete("622202020011223344")


def _card_check(document: Document) -> dict:
    db.session.expire_all()
    result = latest_result(db.session.get(Document, document.id))
    return next(c for c in result.result["checks"] if c["name"] == "card_number_valid")


def test_the_card_upload_is_checked_against_the_typed_number_and_again_when_that_changes(app, client, orgs):
    number = valid_id_number(41)
    b = batch(orgs["GZ"], required_documents=["bank_card"])
    db.session.commit()
    headers = api_applicant(client, NAME, 41)
    assert client.put("/api/v1/me/bank-card", json={"card_number": CARD}, headers=headers).status_code == 200
    r = client.post("/api/v1/applications", json={"batch_id": b.id, "org_id": orgs["YX-METRO"].id}, headers=headers)
    assert r.status_code == 201, r.json
    app_id = r.json["id"]
    image = render_documents(5, NAME, number, orgs["YX-METRO"].name, CARD, None)[DocumentKind.BANK_CARD]
    r = client.put(f"/api/v1/applications/{app_id}/documents/bank_card", headers=headers,
                   data={"file": (io.BytesIO(image), "card.jpg")}, content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    document = db.session.execute(db.select(Document).filter_by(application_id=app_id)).scalar_one()

    check = _card_check(document)
    assert (check["status"], check["value"]) == ("pass", CARD) and "与申请填写的一致" in check["detail"]
    assert "bank_card:card_number_valid" not in db.session.get(Application, app_id).flags

    # The worker types another card: the same upload is checked again, now against that number.
    assert client.put("/api/v1/me/bank-card", json={"card_number": OTHER}, headers=headers).status_code == 200
    check = _card_check(document)
    assert check["status"] != "pass" and check["value"] == CARD
    assert "bank_card:card_number_valid" in db.session.get(Application, app_id).flags
    # The worker's page says what to do about it.
    worker_view = portal_client(app, db.session.get(Application, app_id).applicant)
    told = worker_view.get(f"/portal/applications/{app_id}/checks").json["bank_card"]
    assert told["state"] == "problems" and "与您填写的卡号不一致" in told["problems"][0]
    assert db.session.execute(db.select(db.func.count()).select_from(VerificationResult)
                              .filter_by(document_id=document.id)).scalar() == 2
    assert db.session.execute(db.select(AuditEvent).filter_by(action="document_verification_requeued")) \
        .scalar_one().detail == {"via": "card_changed"}
    # Back to the first number: the first result is the current one again, nothing is verified a third time.
    assert client.put("/api/v1/me/bank-card", json={"card_number": CARD}, headers=headers).status_code == 200
    assert _card_check(document)["status"] == "pass"
    assert "bank_card:card_number_valid" not in db.session.get(Application, app_id).flags
