"""The whole road over HTTP: submit → unit return → resubmit → unit, district approve → district refuse →
appeal upheld by the city → district, city approve → public notice → payment batch → bank results → paid; and the
worker is told of each step that matters to them, by e-mail and SMS, through real local servers."""
import io
import json
import re
from datetime import timedelta

from factories import png_bytes, valid_id_number
from openpyxl import Workbook, load_workbook
from local_servers import configure_channels, mail_text
from support import csrf_token

from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.notifications import EVENT_LABELS, Event
from backoffice.extensions import db
from backoffice.models import (
    Application,
    Batch,
    Notification,
    PaymentBatch,
    Programme,
    PublicNotice,
)
from backoffice.models.base import utcnow

PASSWORD = "Worker-pass-2021"


def make_batch(orgs, **kw) -> Batch:
    now = utcnow()
    programme = Programme(org=orgs["GZ"], name=kw.pop("programme_name", "学历提升补助"))
    fields = {"name": "第一批", "apply_opens_at": now - timedelta(days=1), "apply_closes_at": now + timedelta(days=10),
                  "review_closes_at": now + timedelta(days=20), "quota": 5, "waitlist_cap": 5, "amount": 1500,
                  "required_documents": [], "roster_required": False, "graduation_required": False}
    fields.update(kw)
    batch = Batch(programme=programme, **fields)
    db.session.add_all([programme, batch])
    db.session.commit()
    return batch


def api_applicant(client, name: str, n: int):
    idn = valid_id_number(n)
    r = client.post("/api/v1/auth/register", json={"name": name, "id_number": idn, "mobile": f"1380000{n:04d}",
                                                    "password": PASSWORD})
    assert r.status_code == 201, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def admin_client(app, login_as, code):
    c = app.test_client()
    assert login_as(code, c=c).status_code == 302
    return c


def post_form(c, url, data):
    page = c.get("/admin/review/")  # the queue page always carries a form (bulk approve), hence a token
    return c.post(url, data={**data, "csrf_token": csrf_token(page.text)})


def decide(c, app_id, **data):
    return post_form(c, f"/admin/review/app/{app_id}/decide", data)


def test_demo_application_goes_from_submission_to_paid(app, client, orgs, login_as, smtp_server, sms_server):
    provider, endpoint = sms_server
    configure_channels(app, "log,email,sms", smtp=smtp_server, sms=endpoint)
    app.config["SMS_PER_DAY"] = 10
    batch = make_batch(orgs)
    headers = api_applicant(client, "张小三", 501)
    r = client.post("/api/v1/applications", json={"batch_id": batch.id, "org_id": orgs["YX-METRO"].id},
                    headers=headers)
    assert r.status_code in (200, 201), r.get_json()
    app_id = r.get_json()["id"]
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 200 and r.get_json()["state"] == "in_review" and r.get_json()["quota_rank"] == 1
    application = db.session.get(Application, app_id)
    application.applicant.bank_card = "6222020200112233445"
    application.applicant.email = "zhang@example.cn"
    db.session.commit()

    unit, district, city = (admin_client(app, login_as, c) for c in ("YX-METRO", "YX", "GZ"))
    # The unit sees it in its own pending queue; the district does not yet.
    assert f"#{app_id}" in unit.get("/admin/review/").text
    assert f"#{app_id}" not in district.get("/admin/review/").text
    # Out of turn: the city cannot act first.
    decide(city, app_id, action="approve")
    assert _state(app_id) == (S.IN_REVIEW, orgs["YX-METRO"].id)

    # 驳回 with a per-document reason, then the applicant resubmits.
    decide(unit, app_id, action="return", doc="id_card_front", code_id_card_front="unclear",
           note_id_card_front="反光看不清")
    assert _state(app_id) == (S.RETURNED, None)
    assert db.session.get(Application, app_id).return_items[0]["kind"] == "id_card_front"
    # The document marked 需修改 must be uploaded again before the application can go back.
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 422 and r.get_json()["error"] == "documents_not_replaced"
    client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=headers,
               data={"file": (io.BytesIO(png_bytes()), "id.png")}, content_type="multipart/form-data")
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.get_json()["state"] == "in_review" and r.get_json()["quota_rank"] == 1  # the slot was kept
    assert _state(app_id) == (S.IN_REVIEW, orgs["YX-METRO"].id)

    # The new upload carries flags (a blank image): approving asks to confirm them first.
    flagged = decide(unit, app_id, action="approve")
    assert "核验提示" in unit.get(flagged.headers["Location"]).text
    assert _state(app_id) == (S.IN_REVIEW, orgs["YX-METRO"].id)
    decide(unit, app_id, action="approve", confirm_flags="1")
    assert _state(app_id) == (S.IN_REVIEW, orgs["YX"].id)
    decide(district, app_id, action="refuse", reason_code="not_graduated", reason="未见毕业证")
    assert _state(app_id) == (S.REFUSED, None)

    # 申诉 over the API: it goes to the city (above the district), which upholds it.
    r = client.post(f"/api/v1/applications/{app_id}/appeals", json={"text": "我已毕业，毕业证已上传。"},
                    headers=headers)
    assert r.status_code == 201, r.get_json()
    appeal_id = r.get_json()["id"]
    assert "我已毕业" not in district.get("/admin/appeals/").text
    assert f"#{app_id}" in city.get("/admin/appeals/").text
    post_form(city, f"/admin/appeals/{appeal_id}", {"outcome": "upheld", "reply": "经核实已毕业，发回区总重审。"})
    assert _state(app_id) == (S.IN_REVIEW, orgs["YX"].id)
    assert db.session.get(Application, app_id).quota_rank is not None

    decide(district, app_id, action="approve", confirm_flags="1")
    decide(city, app_id, action="approve", confirm_flags="1")
    assert _state(app_id) == (S.APPROVED, None)

    # 公示: published by the city, shown masked on the public page.
    post_form(city, "/admin/notices/", {"batch_id": batch.id, "days": 5})
    notice = db.session.execute(db.select(PublicNotice)).scalar_one()
    page = client.get(f"/notice/{notice.id}")
    assert page.status_code == 200 and "张*三" in page.text and "张小三" not in page.text
    assert valid_id_number(501) not in page.text
    # The notice period passes.
    notice.starts_at -= timedelta(days=6)
    notice.ends_at -= timedelta(days=6)
    db.session.commit()

    # 发放: payment batch → bank file → bank results → paid.
    r = post_form(city, "/admin/payments/", {"batch_id": batch.id})
    assert r.status_code == 302, r.text
    pb = db.session.execute(db.select(PaymentBatch)).scalar_one()
    bank = city.get(f"/admin/payments/{pb.id}/bank-file")
    assert bank.status_code == 200
    ws = load_workbook(io.BytesIO(bank.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("流水号", "姓名", "身份证号", "银行卡号") and rows[1][3] == "6222020200112233445"
    assert "*" in rows[1][2]
    result = _bank_result([(rows[1][0], "成功", "")])
    page = city.get(f"/admin/payments/{pb.id}")
    r = city.post(f"/admin/payments/{pb.id}/results", data={"csrf_token": csrf_token(page.text),
                                                            "file": (io.BytesIO(result), "result.xlsx")})
    assert r.status_code == 200 and "发放成功" in r.text
    assert _state(app_id) == (S.PAID, None)

    # The paid list and the dashboard show it.
    paid = city.get("/admin/payments/paid")
    assert "张小三" in paid.text
    dash = city.get("/admin/dashboard/")
    assert dash.status_code == 200 and "<svg" in dash.text
    assert re.search(r"已发放</text>\s*<rect[^>]*></rect>\s*<text[^>]*>1</text>", dash.text)
    for level in ("基层工会", "区（产业）工会", "市总工会"):  # each level's review time is charted
        assert f">{level}</text>" in dash.text
    history = city.get(f"/admin/review/app/{app_id}").text
    for word in ("驳回", "修改后重新提交", "拒绝", "申诉成立", "发放成功"):
        assert word in history
    _worker_was_told(app_id, provider, smtp_server, "13800000501", "zhang@example.cn")


TOLD = [Event.RETURNED, Event.REFUSED, Event.APPEAL_ANSWERED, Event.APPROVED, Event.ON_NOTICE, Event.PAID]


def _worker_was_told(app_id, provider, inbox, mobile, email):
    """One SMS and one e-mail per step that matters, in order, each once; approvals below the city say nothing."""
    rows = db.session.execute(db.select(Notification).where(Notification.application_id == app_id)
                              .order_by(Notification.id)).scalars().all()
    assert [r.event for r in rows if r.channel == "sms"] == [e.value for e in TOLD]
    assert {(r.channel, r.status) for r in rows} == {("log", "sent"), ("email", "sent"), ("sms", "sent")}
    assert [m["PhoneNumbers"] for m in provider.received] == [mobile] * len(TOLD)
    assert json.loads(provider.received[0]["TemplateParam"])["due"]  # the resubmit deadline, in the SMS itself
    assert json.loads(provider.received[-1]["TemplateParam"]) == {"app": f"#{app_id}", "amount": "1500.00",
                                                                  "card_tail": "3445"}
    assert [rcpt for rcpt, _ in inbox.messages] == [[email]] * len(TOLD)
    mails = [mail_text(raw) for _, raw in inbox.messages]
    assert [m.splitlines()[0] for m in mails] == [f"【学补】{EVENT_LABELS[e]}" for e in TOLD]
    assert "反光看不清" in mails[0] and "未见毕业证" in mails[1] and "经核实已毕业" in mails[2]
    assert not any("6222020200112233445" in m or valid_id_number(501) in m for m in mails)


def _state(app_id):
    db.session.expire_all()
    a = db.session.get(Application, app_id)
    return a.state, a.reviewing_org_id


def _bank_result(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["流水号", "姓名", "状态", "失败原因"])
    for did, status, reason in rows:
        ws.append([did, "x", status, reason])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
