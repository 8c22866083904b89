"""Disbursement round trip: bank file → results (paid / failed) → fix card → next batch; matching lines."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from support import csrf_token, told
from test_review_journey import _bank_result, make_batch
from test_review_queue import admin_of, submitted

from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.enums import PaymentStatus
from backoffice.domain.payments import read_result_row
from backoffice.extensions import db
from backoffice.models import FundingLine, PaymentBatch, PublicNotice
from backoffice.models.base import utcnow
from backoffice.services import payments
from backoffice.services.payments import PaymentError


def approved(orgs, batch, n, unit="YX-METRO"):
    out = []
    for i in range(n):
        a = submitted(orgs, batch, rank=i + 1, unit=unit)
        a.state, a.reviewing_org_id = S.APPROVED, None
        a.applicant.bank_card = f"62220202001122{i:05d}"
        out.append(a)
    db.session.flush()
    now = utcnow()
    db.session.add(PublicNotice(batch_id=batch.id, org_id=orgs["GZ"].id, title="公示", application_ids=[a.id for a in out],
                                starts_at=now - timedelta(days=8), ends_at=now - timedelta(days=1)))
    db.session.commit()
    return out


def _upload(c, pb_id, rows):
    page = c.get(f"/admin/payments/{pb_id}")
    return c.post(f"/admin/payments/{pb_id}/results", data={"csrf_token": csrf_token(page.text),
                                                             "file": (io.BytesIO(_bank_result(rows)), "r.xlsx")})


def test_failed_payment_goes_back_and_into_the_next_batch(app, orgs, login_as):
    batch = make_batch(orgs)
    ok, bad = approved(orgs, batch, 2)
    city = admin_of("GZ")
    pb = payments.create_batch(batch, city)
    assert {d.application_id for d in pb.disbursements} == {ok.id, bad.id}
    with pytest.raises(PaymentError):  # a locked snapshot: nobody is paid twice
        payments.create_batch(batch, city)
    ws = load_workbook(io.BytesIO(payments.export_bank_file(pb, city))).active
    ids = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    d_ok = next(d for d in pb.disbursements if d.application_id == ok.id)
    d_bad = next(d for d in pb.disbursements if d.application_id == bad.id)
    assert set(ids) == {d_ok.id, d_bad.id}
    c = app.test_client()
    login_as("GZ", c=c)
    r = _upload(c, pb.id, [(d_ok.id, "成功", ""), (d_bad.id, "失败", "户名与账号不符"), (999999, "成功", ""),
                           ("abc", "成功", "")])
    assert r.status_code == 200 and "户名与账号不符" in r.text and "流水号不属于本发放批次" in r.text
    db.session.expire_all()
    assert ok.state == S.PAID and bad.state == S.PAYMENT_FAILED and "户名与账号不符" in bad.last_reason
    assert told("paid") == [(ok.applicant_id, "log", "sent")]
    assert told("payment_failed") == [(bad.applicant_id, "log", "sent")]
    assert pb.status == "closed"
    # Not again with the same card; with a corrected card it joins the next payment batch.
    with pytest.raises(PaymentError):
        payments.create_batch(batch, city)
    with pytest.raises(PaymentError):
        payments.update_bank_card(bad.applicant, "12ab")
    payments.update_bank_card(bad.applicant, "6222 0202 0099 8877 665")
    pb2 = payments.create_batch(batch, city)
    assert [d.application_id for d in pb2.disbursements] == [bad.id]
    payments.import_results(pb2, city, _bank_result([(pb2.disbursements[0].id, "成功", "")]), "r.xlsx")
    db.session.expire_all()
    assert bad.state == S.PAID
    assert told("paid") == [(ok.applicant_id, "log", "sent"), (bad.applicant_id, "log", "sent")]
    paid = c.get("/admin/payments/paid?export=csv").get_data(as_text=True)
    assert paid.count("\n") == 3  # header + two paid rows


def test_matching_funding_line_pays_its_own_rows(app, orgs):
    batch = make_batch(orgs)
    line = FundingLine(batch=batch, org=orgs["YX"], name="越秀配套", amount=500, quota=5)
    db.session.add(line)
    db.session.flush()
    a, b = approved(orgs, batch, 2)
    a.funding_line_id = line.id
    db.session.commit()
    with pytest.raises(PaymentError):  # only the funding org pays its line
        payments.create_batch(batch, admin_of("GZ"), line)
    pb = payments.create_batch(batch, admin_of("YX"), line)
    assert [(d.application_id, float(d.amount)) for d in pb.disbursements] == [(a.id, 500.0)]
    payments.import_results(pb, admin_of("YX"), _bank_result([(pb.disbursements[0].id, "成功", "")]), "r.xlsx")
    db.session.expire_all()
    assert pb.disbursements[0].status == PaymentStatus.PAID
    assert a.state == S.APPROVED  # the city's own payment decides the state, not the matching line
    city_pb = payments.create_batch(batch, admin_of("GZ"))
    assert sorted(d.application_id for d in city_pb.disbursements) == sorted([a.id, b.id])


def test_open_objection_or_running_notice_blocks_payment(app, orgs):
    batch = make_batch(orgs)
    (a,) = approved(orgs, batch, 1)
    notice = db.session.execute(db.select(PublicNotice)).scalar_one()
    notice.ends_at = utcnow() + timedelta(days=1)
    db.session.commit()
    with pytest.raises(PaymentError):
        payments.create_batch(batch, admin_of("GZ"))
    from backoffice.models import Appeal
    notice.ends_at = utcnow() - timedelta(minutes=1)
    db.session.add(Appeal(application_id=a.id, to_org_id=orgs["GZ"].id, source="objection", text="异议"))
    db.session.commit()
    with pytest.raises(PaymentError):
        payments.create_batch(batch, admin_of("GZ"))


def test_bank_rows_are_read_forgivingly():
    assert read_result_row(2, "7", "成功", None).paid is True
    assert read_result_row(3, 8, "失败", "").reason == "银行未说明原因"
    assert read_result_row(4, None, "成功", None).paid is None
    assert read_result_row(5, 9, "??", None).paid is None


def test_bad_result_file_is_a_message_not_a_crash(app, orgs, login_as):
    batch = make_batch(orgs)
    approved(orgs, batch, 1)
    pb = payments.create_batch(batch, admin_of("GZ"))
    c = app.test_client()
    login_as("GZ", c=c)
    page = c.get(f"/admin/payments/{pb.id}")
    r = c.post(f"/admin/payments/{pb.id}/results", data={"csrf_token": csrf_token(page.text),
                                                          "file": (io.BytesIO(b"not a workbook"), "x.xlsx")},
               follow_redirects=True)
    assert r.status_code == 200 and "无法读取该文件" in r.text
    assert db.session.get(PaymentBatch, pb.id).disbursements[0].status == PaymentStatus.PENDING


def test_the_unpaid_tab_pages_and_sums_per_union_when_asked(app, orgs, login_as, monkeypatch):
    from backoffice.admin import paging
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    batch = make_batch(orgs)
    *_, third = approved(orgs, batch, 3)
    third.org_id = orgs["HZ-PORT"].id
    db.session.commit()
    c = app.test_client()
    login_as("GZ", c=c)
    page = c.get("/admin/payments/?tab=unpaid").text
    assert "共 <strong>3</strong> 人" in page and "第 1 / 2 页" in page and "显示汇总" in page
    assert "广州港集团有限公司工会</td><td class=\"text-right\">1" not in page  # not summed unless asked
    summed = c.get("/admin/payments/?tab=unpaid&summary=1").text
    assert '广州地铁集团有限公司工会</td><td class="text-right">2</td><td class="text-right">3000.00' in summed
    assert '<td>合计</td><td class="text-right">3</td><td class="text-right">4500.00' in summed
    narrowed = c.get(f"/admin/payments/?tab=unpaid&org=HZ-PORT").text
    assert "共 <strong>1</strong> 人" in narrowed  # the union typed by its code
