"""What the applicant reads after a review decision: 驳回 per document with the deadline (Beijing time), and
appeals filed on the portal with their reply and outcome, over the portal and the API."""
from datetime import timedelta

from factories.applicants import portal_client, post_page, submitted_for, worker
from factories.review import admin_of, make_batch

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import AdminUser, Appeal
from backoffice.services import appeals, review

ITEMS = [{"kind": "id_card_front", "code": "unclear", "note": "反光看不清号码"},
         {"kind": "application_form", "code": "missing_seal", "note": ""}]


def _returned(client, orgs, n):
    batch = make_batch(orgs, required_documents=["id_card_front", "application_form"])
    applicant, headers = worker(client, orgs, n)
    application = submitted_for(applicant, batch)
    review.return_for_correction(application, admin_of("YX-METRO"), ITEMS, reason="请尽快补正")
    db.session.expire_all()
    return applicant, headers, application


def test_returned_application_lists_documents_reasons_and_deadline(app, client, orgs):
    applicant, headers, application = _returned(client, orgs, 401)
    due = application.resubmit_due_at
    r = client.get(f"/api/v1/applications/{application.id}", headers=headers)
    assert r.status_code == 200 and r.json["state"] == "returned"
    assert r.json["return_items"] == [
        {"kind": "id_card_front", "kind_label": "身份证人像面", "code": "unclear", "reason": "图片不清晰或不完整",
         "note": "反光看不清号码"},
        {"kind": "application_form", "kind_label": "申请表（贴照片、盖工会章）", "code": "missing_seal",
         "reason": "缺少工会盖章或照片", "note": ""}]
    assert r.json["resubmit_due_at"] == due.isoformat() + "Z"
    page = portal_client(app, applicant).get(f"/portal/applications/{application.id}").text
    assert "申请被驳回，请修改以下材料后重新提交" in page
    for text in ("身份证人像面", "图片不清晰或不完整", "反光看不清号码", "缺少工会盖章或照片", "需修改："):
        assert text in page
    beijing = (due + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert f"{beijing}（北京时间）" in page and "可保留您的名额" in page


def test_return_fields_are_empty_while_in_review(app, client, orgs):
    batch = make_batch(orgs)
    applicant, headers = worker(client, orgs, 402)
    application = submitted_for(applicant, batch)
    body = client.get(f"/api/v1/applications/{application.id}", headers=headers).json
    assert (body["return_items"], body["resubmit_due_at"], body["payment"], body["appeals"]) == ([], None, None, [])
    page = portal_client(app, applicant).get(f"/portal/applications/{application.id}").text
    assert "申请被驳回" not in page and 'id="appeal"' not in page


def _reply(application, upheld: bool, text: str):
    appeal = db.session.execute(db.select(Appeal).filter_by(application_id=application.id)
                                .order_by(Appeal.id.desc())).scalars().first()
    admin = db.session.execute(db.select(AdminUser).filter_by(org_id=appeal.to_org_id)).scalars().first()
    appeals.decide(appeal, admin, upheld=upheld, reply=text)
    db.session.expire_all()
    return appeal


def test_portal_appeal_against_a_return_is_filed_answered_and_shown(app, client, orgs):
    applicant, headers, application = _returned(client, orgs, 403)
    c = portal_client(app, applicant)
    url = f"/portal/applications/{application.id}"
    r = post_page(c, f"{url}/appeal", {"text": "   "}, page_url=url, follow_redirects=True)
    assert "请填写申诉理由" in r.text
    r = post_page(c, f"{url}/appeal", {"text": "照片是原件扫描，很清楚"}, page_url=url, follow_redirects=True)
    assert "申诉已提交" in r.text and "待答复" in r.text and 'name="text"' not in r.text  # one open appeal at a time
    appeal = db.session.execute(db.select(Appeal).filter_by(application_id=application.id)).scalar_one()
    assert appeal.to_org_id == orgs["YX"].id  # the level above the unit that returned it
    r = post_page(c, f"{url}/appeal", {"text": "再次申诉"}, page_url="/portal/", follow_redirects=True)
    assert "已有一份申诉正在处理" in r.text
    _reply(application, upheld=False, text="号码处反光，请重新拍摄")
    page = c.get(url).text
    assert "申诉未获支持" in page and "号码处反光，请重新拍摄" in page and 'name="text"' in page
    body = client.get(f"/api/v1/applications/{application.id}", headers=headers).json
    assert [(a["status"], a["reply"]) for a in body["appeals"]] == [("dismissed", "号码处反光，请重新拍摄")]
    assert body["state"] == "returned"


def test_portal_appeal_against_a_refusal_upheld_reopens_review(app, client, orgs):
    batch = make_batch(orgs)
    applicant, headers = worker(client, orgs, 404)
    application = submitted_for(applicant, batch)
    review.refuse(application, admin_of("YX-METRO"), "not_on_roster", "名单中查无此人")
    c = portal_client(app, applicant)
    url = f"/portal/applications/{application.id}"
    assert "已拒绝" in c.get(url).text
    r = post_page(c, f"{url}/appeal", {"text": "我在2020年秋季名单里"}, page_url=url, follow_redirects=True)
    assert "申诉已提交" in r.text
    _reply(application, upheld=True, text="经核实在名单内")
    page = c.get(url).text
    assert "申诉成立" in page and "经核实在名单内" in page and "已重新进入审核" in page
    assert application.state == S.IN_REVIEW
    body = client.get(f"/api/v1/applications/{application.id}", headers=headers).json
    assert body["state"] == "in_review" and body["appeals"][0]["status"] == "upheld"


def test_appeal_on_a_live_application_is_a_message_not_a_crash(app, client, orgs):
    batch = make_batch(orgs)
    applicant, headers = worker(client, orgs, 405)
    application = submitted_for(applicant, batch)
    c = portal_client(app, applicant)
    r = post_page(c, f"/portal/applications/{application.id}/appeal", {"text": "理由"}, page_url="/portal/",
                  follow_redirects=True)
    assert r.status_code == 200 and "只有被驳回或被拒绝的申请才能申诉" in r.text
    r = client.post(f"/api/v1/applications/{application.id}/appeals", json={"text": "理由"}, headers=headers)
    assert r.status_code == 409 and r.json["error"] == "not_appealable"
    assert db.session.execute(db.select(Appeal)).first() is None
