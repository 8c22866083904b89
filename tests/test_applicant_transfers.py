"""迁入迁出 asked by the worker (portal and API), followed until both unions approved; and the OpenAPI document
describes every applicant-side addition."""
from test_applicant_world import (
    admin_of,
    portal_client,
    post_page,
    submitted_for,
    worker,
)
from test_review_journey import make_batch

from backoffice.domain.enums import OrgStatus
from backoffice.extensions import db
from backoffice.models import AuditEvent, Notification, Transfer
from backoffice.services import transfers


def test_api_transfer_request_is_validated_listed_and_followed(client, orgs):
    batch = make_batch(orgs)
    applicant, headers = worker(client, orgs, 501)
    application = submitted_for(applicant, batch)
    assert client.get("/api/v1/transfers", headers=headers).json == {"transfers": []}
    for body, status, code in (({"to_org_id": orgs["GZ"].id}, 422, "invalid_org"),  # not a unit union
                               ({"to_org_id": orgs["YX-METRO"].id}, 422, "same_org"),
                               ({"to_org_id": "港务"}, 422, "invalid_input"),
                               ({"to_org_id": 10**30}, 422, "invalid_input"),
                               ({"to_org_id": 987654}, 422, "invalid_org"),
                               ({"to_org_id": orgs["HZ-PORT"].id, "batch_id": 987654}, 422, "invalid_input")):
        r = client.post("/api/v1/transfers", json=body, headers=headers)
        assert (r.status_code, r.json["error"]) == (status, code), body
        assert r.json["detail"] and r.json["message"]
    assert client.post("/api/v1/transfers", json={"to_org_id": orgs["HZ-PORT"].id}).status_code == 401
    r = client.post("/api/v1/transfers", json={"to_org_id": orgs["HZ-PORT"].id, "reason": "调到港务集团",
                                               "batch_id": batch.id}, headers=headers)
    assert r.status_code == 201, r.json
    assert (r.json["status"], r.json["from_org"]["code"], r.json["to_org"]["code"]) == ("pending", "YX-METRO",
                                                                                       "HZ-PORT")
    r = client.post("/api/v1/transfers", json={"to_org_id": orgs["HZ-PORT"].id}, headers=headers)
    assert r.status_code == 409 and r.json["error"] == "transfer_pending" and "您已有" in r.json["message"]
    assert db.session.execute(db.select(AuditEvent).filter_by(action="transfer_requested")).scalar_one()
    t = db.session.execute(db.select(Transfer)).scalar_one()
    transfers.approve(t, admin_of("YX-METRO"))
    listed = client.get("/api/v1/transfers", headers=headers).json["transfers"]
    assert [(x["status"], x["from_approved"], x["to_approved"]) for x in listed] == [("pending", True, False)]
    transfers.approve(t, admin_of("HZ-PORT"))
    db.session.expire_all()
    listed = client.get("/api/v1/transfers", headers=headers).json["transfers"]
    assert listed[0]["status"] == "approved" and listed[0]["decided_at"]
    assert applicant.org_id == orgs["HZ-PORT"].id and application.org_id == orgs["HZ-PORT"].id
    rows = db.session.execute(db.select(Notification).filter_by(event="transfer_decided")).scalars().all()
    assert [(r.recipient_id, r.status) for r in rows] == [(applicant.id, "sent")]
    assert "工会迁移申请已通过" in rows[0].body and orgs["HZ-PORT"].name in rows[0].body


def test_worker_without_a_union_or_to_an_inactive_one_is_told_why(client, orgs):
    _, headers = worker(client, orgs, 502, unit=None)
    r = client.post("/api/v1/transfers", json={"to_org_id": orgs["HZ-PORT"].id}, headers=headers)
    assert r.status_code == 409 and r.json["error"] == "no_org"
    _, headers = worker(client, orgs, 503)
    orgs["HZ-PORT"].status = OrgStatus.DISABLED
    db.session.commit()
    r = client.post("/api/v1/transfers", json={"to_org_id": orgs["HZ-PORT"].id}, headers=headers)
    assert r.status_code == 422 and r.json["error"] == "org_inactive" and "未启用" in r.json["message"]
    assert db.session.execute(db.select(Transfer)).first() is None


def test_portal_transfer_page_offers_other_unions_and_shows_status(app, client, orgs):
    applicant, _ = worker(client, orgs, 504)
    c = portal_client(app, applicant)
    page = c.get("/portal/transfers").text
    assert "当前所属工会" in page and orgs["YX-METRO"].name in page
    assert f'value="{orgs["HZ-PORT"].id}"' in page and f'value="{orgs["YX-METRO"].id}"' not in page
    assert f'value="{orgs["GZ"].id}"' not in page  # only unit unions
    r = post_page(c, "/portal/transfers", {"to_org_id": "", "reason": ""}, follow_redirects=True)
    assert "请选择要迁入的单位工会" in r.text
    r = post_page(c, "/portal/transfers", {"to_org_id": str(orgs["HZ-PORT"].id), "reason": "调动"},
                  follow_redirects=True)
    assert "迁移申请已提交" in r.text and "办理中" in r.text and "迁入单位：待审核" in r.text
    assert 'name="to_org_id"' not in r.text  # one pending request at a time
    t = db.session.execute(db.select(Transfer)).scalar_one()
    transfers.reject(t, admin_of("HZ-PORT"), "未收到调动证明")
    page = c.get("/portal/transfers").text
    assert "未通过" in page and 'name="to_org_id"' in page
    told = c.get("/portal/notifications").text  # the worker is told, and reads it under 消息
    assert "工会迁移已办结" in told and "工会迁移申请未通过" in told and "未收到调动证明" in told


def test_openapi_documents_the_applicant_side(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"get", "put"} <= set(spec["paths"]["/api/v1/me/bank-card"])
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/transfers"])
    props = spec["components"]["schemas"]["Application"]["allOf"][1]["properties"]
    assert {"return_items", "resubmit_due_at", "payment", "appeals", "warnings"} <= set(props)
    assert spec["components"]["schemas"]["BankCard"]["properties"]["masked"]["example"] == "**** **** **** 1234"
