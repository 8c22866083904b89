"""Appeals (申诉), public objections (公示异议) and transfers (迁入迁出), end to end over HTTP."""
from datetime import timedelta

import pytest
from factories.review import admin_client, admin_of, make_batch, post_form, submitted
from support import csrf_token

from backoffice.domain.enums import AppealStatus, TransferStatus
from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Appeal, Application, PublicNotice, Transfer
from backoffice.models.base import utcnow
from backoffice.services import appeals, review
from backoffice.services.appeals import AppealError


def test_appeal_against_a_unit_return_goes_to_the_district_and_can_be_dismissed(app, orgs, login_as):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    db.session.commit()
    review.return_for_correction(a, admin_of("YX-METRO"), [{"kind": "diploma", "code": "unclear"}])
    with pytest.raises(AppealError) as err:
        appeals.file_appeal(a, object(), "不是我的")
    assert err.value.code == "not_found"
    appeal = appeals.file_appeal(a, a.applicant, "证书很清楚")
    assert appeal.to_org_id == orgs["YX"].id
    with pytest.raises(AppealError) as err:
        appeals.file_appeal(a, a.applicant, "再来一次")
    assert err.value.code == "appeal_open" and err.value.detail_en
    # The unit is not the appeal level: it sees no form; the district answers.
    unit = admin_client(app, login_as, "YX-METRO")
    assert "提交答复" not in unit.get(f"/admin/appeals/{appeal.id}").text
    r = post_form(unit, f"/admin/appeals/{appeal.id}", {"outcome": "upheld", "reply": "x"})
    assert db.session.get(Appeal, appeal.id).status == AppealStatus.OPEN
    district = admin_client(app, login_as, "YX")
    r = post_form(district, f"/admin/appeals/{appeal.id}", {"outcome": "dismissed", "reply": "图片确实模糊"})
    assert r.status_code == 302
    db.session.expire_all()
    assert appeal.status == AppealStatus.DISMISSED and a.state == S.RETURNED


def test_appeal_against_the_top_level_is_decided_by_it_and_overdue_is_highlighted(app, orgs, login_as):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    a.reviewing_org_id = orgs["GZ"].id
    db.session.commit()
    review.refuse(a, admin_of("GZ"), "fraud")
    appeal = appeals.file_appeal(a, a.applicant, "材料是真实的")
    assert appeal.to_org_id == orgs["GZ"].id
    appeal.due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    city = admin_client(app, login_as, "GZ")
    assert "已逾期" in city.get("/admin/appeals/").text
    home = city.get("/admin/").text
    assert "待答复的申诉" in home and "逾期 1" in home
    post_form(city, f"/admin/appeals/{appeal.id}", {"outcome": "upheld", "reply": "复核后同意"})
    db.session.expire_all()
    assert a.state == S.IN_REVIEW and a.reviewing_org_id == orgs["GZ"].id and a.quota_rank is not None


def test_appeal_too_late_or_on_a_live_application(app, orgs):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    db.session.commit()
    with pytest.raises(AppealError) as err:
        appeals.file_appeal(a, a.applicant, "x")
    assert err.value.code == "not_appealable"
    review.refuse(a, admin_of("YX-METRO"), "other", "x")
    with pytest.raises(AppealError) as err:
        appeals.file_appeal(a, a.applicant, "x", now=utcnow() + timedelta(days=30))
    assert err.value.code == "appeal_too_late"


def test_public_objection_opens_an_appeal_to_the_city(app, client, orgs, login_as):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    a.state, a.reviewing_org_id = S.APPROVED, None
    now = utcnow()
    n = PublicNotice(batch_id=batch.id, org_id=orgs["GZ"].id, title="第一批公示", application_ids=[a.id],
                     starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=4))
    db.session.add(n)
    db.session.commit()
    listing = client.get("/notice/")
    assert "第一批公示" in listing.text and "公示中" in listing.text
    page = client.get(f"/notice/{n.id}")
    assert "<td>1</td>" in page.text and "共 1 人" in page.text  # numbered 1..N, not by application id
    r = client.post(f"/notice/{n.id}/objection", data={"csrf_token": csrf_token(page.text), "application_id": a.id,
                                                       "text": "此人早已离职", "name": "李四", "contact": "13800000000"})
    assert r.status_code == 302
    objection = db.session.execute(db.select(Appeal)).scalar_one()
    assert objection.source == "objection" and objection.to_org_id == orgs["GZ"].id
    city = admin_client(app, login_as, "GZ")
    assert "公示异议" in city.get("/admin/appeals/").text
    post_form(city, f"/admin/appeals/{objection.id}", {"outcome": "upheld", "reply": "核实后重新审核"})
    db.session.expire_all()
    assert a.state == S.IN_REVIEW and a.reviewing_org_id == orgs["GZ"].id
    assert "没有找到" in client.get(f"/notice/{n.id}").text  # off the public list while re-reviewed
    # Empty objections are refused with a message, not stored.
    page = client.get(f"/notice/{n.id}")
    client.post(f"/notice/{n.id}/objection", data={"csrf_token": csrf_token(page.text), "application_id": a.id,
                                                   "text": "", "name": "", "contact": ""})
    assert db.session.scalar(db.select(db.func.count()).select_from(Appeal)) == 1


def test_transfer_needs_both_sides_and_moves_in_flight_applications(app, orgs, login_as):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    a.reviewing_org_id = orgs["YX"].id  # at the old district: not on the new chain
    done = submitted(orgs, batch, rank=2)
    done.applicant = a.applicant
    done.state, done.reviewing_org_id = S.PAID, None
    db.session.commit()
    idn = a.applicant.id_number
    old_unit = admin_client(app, login_as, "YX-METRO")
    r = post_form(old_unit, "/admin/transfers/new", {"id_number": idn, "to_org_id": orgs["HZ-PORT"].id,
                                                     "batch_id": batch.id, "reason": "工作调动"})
    assert r.status_code == 302
    t = db.session.execute(db.select(Transfer)).scalar_one()
    assert "工作调动" in old_unit.get(f"/admin/transfers/?batch_id={batch.id}").text
    post_form(old_unit, f"/admin/transfers/{t.id}/approve", {})
    db.session.expire_all()
    assert t.status == TransferStatus.PENDING and t.from_approved_by_id
    outsider = admin_client(app, login_as, "YX")  # the old district covers only the old side, already approved
    post_form(outsider, f"/admin/transfers/{t.id}/approve", {})
    db.session.expire_all()
    assert t.status == TransferStatus.PENDING and t.to_approved_by_id is None
    new_unit = admin_client(app, login_as, "HZ-PORT")
    assert idn not in new_unit.get("/admin/transfers/").text  # names only, never full ID numbers
    post_form(new_unit, f"/admin/transfers/{t.id}/approve", {})
    db.session.expire_all()
    assert t.status == TransferStatus.APPROVED
    assert a.applicant.org_id == orgs["HZ-PORT"].id
    assert a.org_id == orgs["HZ-PORT"].id and a.reviewing_org_id == orgs["HZ-PORT"].id
    assert done.org_id == orgs["YX-METRO"].id  # decided applications stay where they were decided
    assert f"#{a.id}<" in new_unit.get("/admin/review/").text


def test_transfer_rejection_and_bad_requests(app, orgs, login_as):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    db.session.commit()
    c = admin_client(app, login_as, "YX-METRO")
    r = post_form(c, "/admin/transfers/new", {"id_number": "110101199001011234", "to_org_id": orgs["HZ-PORT"].id})
    assert r.status_code == 302 and db.session.scalar(db.select(db.func.count()).select_from(Transfer)) == 0
    post_form(c, "/admin/transfers/new", {"id_number": a.applicant.id_number, "to_org_id": orgs["YX-METRO"].id})
    assert db.session.scalar(db.select(db.func.count()).select_from(Transfer)) == 0  # same org
    post_form(c, "/admin/transfers/new", {"id_number": a.applicant.id_number, "to_org_id": orgs["HZ-PORT"].id})
    t = db.session.execute(db.select(Transfer)).scalar_one()
    post_form(admin_client(app, login_as, "HZ-PORT"), f"/admin/transfers/{t.id}/reject", {"reason": "非本单位职工"})
    db.session.expire_all()
    assert t.status == TransferStatus.REJECTED and db.session.get(Application, a.id).org_id == orgs["YX-METRO"].id
