"""Choosing among thousands of unions: a typed search suggests organisations (the admin's subtree, or any active
unit for a transfer's destination), and a form accepts the picked id or an exact code typed by hand."""
from backoffice.domain.enums import OrgKind, OrgStatus
from backoffice.extensions import db
from backoffice.services import orgs as org_service
from support import csrf_token


def test_suggestions_stay_in_the_subtree(app, client, orgs, login_as):
    login_as("YX")
    labels = [o["label"] for o in client.get("/admin/org-search/?q=工会").json]
    assert "广州地铁集团有限公司工会（YX-METRO）" in labels
    assert not any("广州港" in label for label in labels)


def test_transfer_destinations_are_active_units_anywhere(app, client, orgs, login_as):
    org_service.create_org(orgs["HZ"], code="HZ-NEW", name="海珠待审企业", kind=OrgKind.ENTERPRISE,
                           status=OrgStatus.PENDING)
    db.session.commit()
    login_as("YX-METRO")
    labels = [o["label"] for o in client.get("/admin/org-search/?units=all&q=HZ").json]
    assert labels == ["广州港集团有限公司工会（HZ-PORT）"]  # not the pending one, not the district


def test_a_transfer_takes_a_code_typed_by_hand(app, client, orgs, login_as):
    from factories import applicant
    from backoffice.models import Transfer
    person = applicant(orgs["YX-METRO"])
    db.session.commit()
    login_as("YX-METRO")
    page = client.get("/admin/transfers/")
    assert "迁入单位：输入名称或代码" in page.text
    resp = client.post("/admin/transfers/new", data={"id_number": person.id_number, "to_org": "hz-port",
                                                     "reason": "工作调动", "csrf_token": csrf_token(page.text)})
    assert resp.headers["Location"].endswith("/admin/transfers/")
    transfer = db.session.execute(db.select(Transfer)).scalar_one()
    assert transfer.to_org_id == orgs["HZ-PORT"].id and transfer.applicant_id == person.id
