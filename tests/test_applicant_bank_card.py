"""The applicant enters the card the subsidy is paid to (portal and API); a failed payment asks for a new card,
and the new card puts the application into the next payment batch."""
import pytest
from factories.applicants import (
    approved_for,
    luhn_complete,
    portal_client,
    post_page,
    worker,
)
from factories.review import admin_of, bank_result, make_batch

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Application, AuditEvent
from backoffice.services import payments

GOOD = luhn_complete("622202020011223344")
OTHER = luhn_complete("621700123456789012")


def _spaced(card: str) -> str:
    return " ".join(card[i:i + 4] for i in range(0, len(card), 4))


def test_api_sets_the_card_with_luhn_check_and_shows_it_masked(client, orgs):
    applicant, headers = worker(client, orgs, 301)
    r = client.get("/api/v1/me/bank-card", headers=headers)
    assert r.status_code == 200 and r.json == {"is_set": False, "masked": None, "payment_failures": []}
    bad_luhn = GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10)
    for body, code in (({"card_number": "12ab"}, "invalid_card"), ({"card_number": bad_luhn}, "invalid_card"),
                       ({}, "invalid_card")):
        r = client.put("/api/v1/me/bank-card", json=body, headers=headers)
        assert r.status_code == 422 and r.json["error"] == code and r.json["detail"].startswith("The card")
        assert r.json["message"]  # the Chinese text for people
    r = client.put("/api/v1/me/bank-card", data="not json", headers=headers, content_type="text/plain")
    assert r.status_code == 400 and r.json["error"] == "invalid_json"
    assert client.put("/api/v1/me/bank-card", json={"card_number": GOOD}).status_code == 401
    db.session.expire_all()
    assert applicant.bank_card is None  # nothing stored from the bad attempts
    r = client.put("/api/v1/me/bank-card", json={"card_number": _spaced(GOOD)}, headers=headers)
    assert r.status_code == 200 and r.json["masked"] == f"**** **** **** {GOOD[-4:]}" and r.json["is_set"]
    assert GOOD not in r.text
    db.session.expire_all()
    assert applicant.bank_card == GOOD
    event = db.session.execute(db.select(AuditEvent).filter_by(action="bank_card_changed")).scalar_one()
    assert event.actor_type == "applicant" and event.detail["new_last4"] == GOOD[-4:]


def test_portal_profile_validates_in_chinese_and_masks(app, client, orgs):
    applicant, _ = worker(client, orgs, 302)
    c = portal_client(app, applicant)
    page = c.get("/portal/profile")
    assert page.status_code == 200 and "未填写" in page.text
    r = post_page(c, "/portal/profile", {"bank_card": GOOD[:-1] + str((int(GOOD[-1]) + 3) % 10)})
    assert r.status_code == 200 and "银行卡号校验不通过" in r.text
    r = post_page(c, "/portal/profile", {"bank_card": "abc"})
    assert "12 到 19 位数字" in r.text
    r = post_page(c, "/portal/profile", {"bank_card": _spaced(GOOD)}, follow_redirects=True)
    assert "银行卡号已保存" in r.text and f"**** **** **** {GOOD[-4:]}" in r.text and GOOD not in r.text


def test_draft_without_a_card_warns_before_submit(app, client, orgs):
    batch = make_batch(orgs, required_documents=["bank_card"])
    applicant, headers = worker(client, orgs, 303)
    r = client.post("/api/v1/applications", json={"batch_id": batch.id, "org_id": orgs["YX-METRO"].id},
                    headers=headers)
    assert r.status_code == 201 and [w["code"] for w in r.json["warnings"]] == ["bank_card_missing"]
    c = portal_client(app, applicant)
    page = c.get(f"/portal/applications/{r.json['id']}")
    assert "您还没有填写银行卡号" in page.text and "与上传的银行卡照片一致" in page.text
    client.put("/api/v1/me/bank-card", json={"card_number": GOOD}, headers=headers)
    assert client.get(f"/api/v1/applications/{r.json['id']}", headers=headers).json["warnings"] == []
    assert "您还没有填写银行卡号" not in c.get(f"/portal/applications/{r.json['id']}").text


def _fail_payment(orgs, application: Application):
    city = admin_of("GZ")
    pb = payments.create_batch(application.batch, city)
    (d,) = pb.disbursements
    payments.import_results(pb, city, bank_result([(d.id, "失败", "户名与账号不符")]), "r.xlsx")
    db.session.expire_all()
    assert application.state == S.PAYMENT_FAILED


def test_failed_payment_asks_for_a_new_card_and_the_fix_joins_the_next_batch(app, client, orgs):
    batch = make_batch(orgs)
    applicant, headers = worker(client, orgs, 304)
    application = approved_for(applicant, batch, GOOD)
    _fail_payment(orgs, application)
    r = client.get(f"/api/v1/applications/{application.id}", headers=headers)
    assert r.json["state"] == "payment_failed"
    assert r.json["payment"] == {"status": "failed", "reason": "户名与账号不符", "retry_ready": False,
                                 "action": "update_bank_card"}
    c = portal_client(app, applicant)
    assert "户名与账号不符" in c.get("/portal/").text and "更新银行卡号" in c.get("/portal/").text
    page = c.get(f"/portal/applications/{application.id}")
    assert "补助发放失败" in page.text and "/portal/profile" in page.text
    # The same card again would fail again: refused, in Chinese and over the API.
    r = post_page(c, "/portal/profile", {"bank_card": GOOD})
    assert "该卡号已被银行退回" in r.text
    r = client.put("/api/v1/me/bank-card", json={"card_number": GOOD}, headers=headers)
    assert r.status_code == 422 and r.json["error"] == "card_refused"
    with pytest.raises(payments.PaymentError):  # still nothing to pay
        payments.create_batch(batch, admin_of("GZ"))
    r = post_page(c, "/portal/profile", {"bank_card": OTHER}, follow_redirects=True)
    assert "将在下一批次重新发放" in r.text
    r = client.get("/api/v1/me/bank-card", headers=headers)
    assert r.json["payment_failures"] == [{"application_id": application.id, "reason": "户名与账号不符",
                                           "retry_ready": True}]
    assert client.get(f"/api/v1/applications/{application.id}", headers=headers).json["payment"]["action"] is None
    pb2 = payments.create_batch(batch, admin_of("GZ"))
    assert [(d.application_id, d.bank_card) for d in pb2.disbursements] == [(application.id, OTHER)]
    payments.import_results(pb2, admin_of("GZ"), bank_result([(pb2.disbursements[0].id, "成功", "")]), "r.xlsx")
    db.session.expire_all()
    r = client.get(f"/api/v1/applications/{application.id}", headers=headers)
    assert r.json["state"] == "paid" and r.json["payment"] is None
    assert "补助发放失败" not in c.get(f"/portal/applications/{application.id}").text
