"""Choices on custom console pages come from the scoping table too: transfer destinations are working unit unions
only (never a pending registration's name), and batches, funding lines and programmes a page offers or accepts are
those the admin's subtree may see."""
from factories import applicant, batch, grant, programme
from support import csrf_token

from backoffice.domain.enums import OrgKind, OrgStatus
from backoffice.models import FundingLine, PublicNotice, Transfer
from backoffice.services import orgs as org_service


def _world(orgs, db):
    hz = orgs["HZ"]
    pending = org_service.create_org(hz, code="HZ-NEW", name="尚在审核的企业工会", kind=OrgKind.ENTERPRISE,
                                     status=OrgStatus.PENDING)
    disabled = org_service.create_org(orgs["GZ"], code="BY", name="白云区总工会", kind=OrgKind.DISTRICT,
                                      status=OrgStatus.DISABLED)
    under_disabled = org_service.create_org(disabled, code="BY-1", name="白云某公司工会", kind=OrgKind.ENTERPRISE)
    worker = applicant(orgs["YX-METRO"])
    db.session.commit()
    return pending, under_disabled, worker


def test_transfer_destinations_are_working_unit_unions_only(client, orgs, login_as, db):
    pending, under_disabled, worker = _world(orgs, db)
    login_as("YX")
    page = client.get("/admin/transfers/").text
    assert "尚在审核的企业工会" not in page and "白云某公司工会" not in page
    found = {row["label"] for row in client.get("/admin/org-search/?units=all&q=工会").json}
    assert any("广州港集团有限公司工会" in label for label in found)  # another district's unit: a worker may go
    assert not any(name in label for label in found for name in ("尚在审核", "白云", "海珠区总工会"))
    for q in ("尚在审核", "白云某", "HZ-NEW", "BY-1"):
        assert client.get(f"/admin/org-search/?units=all&q={q}").json == [], q
    for target in (pending, under_disabled):  # by id, as a hand-made form would send it
        resp = client.post("/admin/transfers/new", data={"csrf_token": csrf_token(page), "id_number":
                                                         worker.id_number, "to_org_id": target.id,
                                                         "to_org": target.name}, follow_redirects=True)
        assert "找不到该身份证号的职工" in resp.text
    assert db.session.execute(db.select(Transfer)).first() is None
    resp = client.post("/admin/transfers/new", data={"csrf_token": csrf_token(page), "id_number": worker.id_number,
                                                     "to_org_id": orgs["HZ-PORT"].id}, follow_redirects=True)
    assert "迁移申请已创建" in resp.text


def test_the_transfer_service_refuses_a_pending_destination_whoever_asks(orgs, db):
    from backoffice.services import transfers
    pending, _, worker = _world(orgs, db)
    import pytest
    with pytest.raises(transfers.TransferError):
        transfers.request_transfer(worker, pending, requested_by=worker)


def test_a_notice_for_a_batch_outside_the_subtree_is_refused(client, orgs, login_as, db):
    other = batch(orgs["HZ"])
    grant("yx_admin", "publish_notice")  # a district may publish for its own programmes
    db.session.commit()
    login_as("YX")
    page = client.get("/admin/notices/").text
    assert str(other) not in page
    resp = client.post("/admin/notices/", data={"csrf_token": csrf_token(page), "batch_id": other.id, "days": 7},
                       follow_redirects=True)
    assert "请选择批次" in resp.text
    assert db.session.execute(db.select(PublicNotice)).first() is None


def test_payment_pages_accept_and_offer_only_visible_batches_lines_and_programmes(client, orgs, login_as, db):
    hz_programme = programme(orgs["HZ"], name="海珠区自己的项目")
    hz_batch = batch(programme_=hz_programme)
    hz_line = FundingLine(batch=hz_batch, org=orgs["HZ"], name="海珠配套", amount=500, quota=3)
    db.session.add(hz_line)
    db.session.commit()
    login_as("YX")
    token = csrf_token(client.get("/logout").text)  # hand-made: YX pays no line, so its page offers no form
    resp = client.post("/admin/payments/", data={"csrf_token": token, "batch_id": hz_batch.id,
                                                 "funding_line_id": hz_line.id}, follow_redirects=True)
    assert "请选择批次" in resp.text
    assert "海珠区自己的项目" not in client.get("/admin/payments/paid").text
