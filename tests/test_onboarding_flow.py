"""The whole onboarding story over HTTP: a district creates a link, an enterprise registers on a phone-sized
page, the district approves it, and the enterprise's admin logs in and sees only its own subtree."""
import re

from factories.onboarding import CREDIT_CODE, PHONE, create_link, register
from support import csrf_token


def test_district_invites_enterprise_registers_is_approved_and_logs_in(app, client, orgs, login_as):
    url = create_link(client, login_as, max_uses="3")
    assert url.startswith("http://localhost/join/")
    path = url.removeprefix("http://localhost")

    phone = app.test_client()
    form = phone.get(path, headers=PHONE)
    assert 'name="viewport" content="width=device-width' in form.text and "越秀区总工会" in form.text
    r = register(phone, path)
    assert r.status_code == 302 and "/join/status/" in r.headers["Location"]
    status_url = r.headers["Location"]
    assert "待审核" in phone.get(status_url).text

    assert "审核中" in login_as("shili_admin", "Shili-2024-ok", c=phone).text  # pending: no login yet

    queue = client.get("/admin/join_requests/")
    assert "广州示例科技有限公司" in queue.text and CREDIT_CODE in queue.text
    org_id = re.search(r'id="join-request-(\d+)"', queue.text).group(1)
    r = client.post(f"/admin/join_requests/{org_id}/approve", data={"csrf_token": csrf_token(queue.text)})
    assert r.status_code == 302
    assert "暂无待审核" in client.get("/admin/join_requests/").text
    assert "审核已通过" in phone.get(status_url).text

    r = login_as("shili_admin", "Shili-2024-ok", c=phone)
    assert r.status_code == 302 and r.headers["Location"].startswith("/admin")
    tree = phone.get("/admin/suborgs/").text
    assert "广州示例科技有限公司" in tree
    for other in ("越秀区总工会", "广州地铁集团有限公司工会", "海珠区总工会", "广州市总工会"):
        assert other not in tree
    org_list = phone.get("/admin/orgs/").text  # the core org list shows its parent's name, nothing more
    assert "广州示例科技有限公司" in org_list
    assert "广州地铁集团有限公司工会" not in org_list and "海珠区总工会" not in org_list
    yx_id = orgs["YX"].id
    assert phone.get(f"/admin/suborgs/{yx_id}/").status_code == 404


def test_rejected_registrant_sees_reason(app, client, orgs, login_as):
    path = create_link(client, login_as).removeprefix("http://localhost")
    phone = app.test_client()
    status_url = register(phone, path).headers["Location"]
    queue = client.get("/admin/join_requests/")
    org_id = re.search(r'id="join-request-(\d+)"', queue.text).group(1)
    client.post(f"/admin/join_requests/{org_id}/reject",
                data={"csrf_token": csrf_token(queue.text), "reason": "营业执照名称与填写不一致"})
    page = phone.get(status_url).text
    assert "已驳回" in page and "营业执照名称与填写不一致" in page
    assert "未通过审核" in login_as("shili_admin", "Shili-2024-ok", c=phone).text


def test_form_errors_are_shown_in_chinese_and_nothing_is_stored(app, client, orgs, login_as, db):
    from backoffice.models import Organisation
    path = create_link(client, login_as).removeprefix("http://localhost")
    phone = app.test_client()
    r = register(phone, path, credit_code="91440300708461136A", password="short", confirm="short",
                 contact_mobile="12345")
    assert r.status_code == 200
    for message in ("校验位不正确", "密码至少需要 10 个字符", "手机号码应为 11 位"):
        assert message in r.text
    assert db.session.scalar(db.select(Organisation).filter_by(name="广州示例科技有限公司")) is None
