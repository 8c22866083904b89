"""Approval queue and sub-org administration: login gates, live sessions, passwords, accounts, moves, scope."""
import re

import pytest
from support import (
    assert_admin_logged_in,
    assert_no_permission,
    assert_sent_to_login,
    csrf_token,
    location_path,
    logout,
)

from backoffice.domain.enums import OrgKind, OrgStatus
from backoffice.models import AdminUser, AuditEvent, Organisation
from backoffice.services import accounts, suborgs
from backoffice.services import orgs as org_service


@pytest.fixture
def pending(orgs, db):
    """A pending enterprise under HZ with its first admin, as a registration leaves it."""
    org = org_service.create_org(orgs["HZ"], code="HZ-NEW01", name="海珠新企业", kind=OrgKind.ENTERPRISE,
                                 status=OrgStatus.PENDING, credit_code="91110108551385082Q")
    accounts.create_admin(org, "hznew_admin", "Hznew-2024-ok", "admin")
    db.session.commit()
    return org


def token_of(client, url="/admin/invitations/new"):
    return csrf_token(client.get(url).text)


def test_pending_and_disabled_orgs_cannot_log_in_and_approval_enables(client, orgs, pending, login_as, db):
    assert "审核中" in login_as("hznew_admin", "Hznew-2024-ok").text
    login_as("HZ")
    assert client.post(f"/admin/join_requests/{pending.id}/approve",
                       data={"csrf_token": token_of(client)}).status_code == 302
    assert pending.status == OrgStatus.ACTIVE and pending.decided_at is not None
    logout(client)
    assert_admin_logged_in(client, login_as("hznew_admin", "Hznew-2024-ok"), pending.name)
    logout(client)
    pending.status = OrgStatus.DISABLED
    db.session.commit()
    assert "已停用" in login_as("hznew_admin", "Hznew-2024-ok").text


def test_reject_needs_a_reason_and_is_audited(client, orgs, pending, login_as, db):
    login_as("HZ")
    client.post(f"/admin/join_requests/{pending.id}/reject", data={"csrf_token": token_of(client), "reason": ""})
    assert pending.status == OrgStatus.PENDING
    client.post(f"/admin/join_requests/{pending.id}/reject",
                data={"csrf_token": token_of(client), "reason": "信用代码与名称不符"})
    db.session.refresh(pending)
    assert pending.status == OrgStatus.REJECTED and pending.status_reason == "信用代码与名称不符"
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="org_rejected"))
    assert event.detail["reason"] == "信用代码与名称不符" and event.actor_name == "hz_admin"
    with pytest.raises(suborgs.SubOrgError):  # decided once only
        suborgs.approve(db.session.get(AdminUser, event.actor_id), pending)


def test_scope_yx_cannot_see_hz_registrations_or_suborgs(client, orgs, pending, login_as, db):
    login_as("YX")
    assert "海珠新企业" not in client.get("/admin/join_requests/").text
    tree = client.get("/admin/suborgs/").text
    assert "广州地铁集团有限公司工会" in tree and "广州港集团有限公司工会" not in tree and "海珠新企业" not in tree
    token = token_of(client)
    assert client.get(f"/admin/suborgs/{orgs['HZ-PORT'].id}/").status_code == 404
    for url in (f"/admin/join_requests/{pending.id}/approve", f"/admin/suborgs/{orgs['HZ-PORT'].id}/disable"):
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert pending.status == OrgStatus.PENDING and orgs["HZ-PORT"].status == OrgStatus.ACTIVE


def test_tree_counts(client, orgs, pending, login_as):
    login_as("HZ")
    tree = client.get("/admin/suborgs/").text
    row = re.search(r'<tr data-code="HZ">(.*?)</tr>', tree, re.DOTALL).group(1)
    numbers = re.findall(r'<td class="text-right">(?:<a [^>]*>)?(\d+)', row)
    assert numbers == ["1", "1", "1", "0"]  # children (active), admins, pending registrations, applications


def test_disabling_ends_live_sessions_and_enabling_restores(app, client, orgs, login_as, db):
    port = app.test_client()
    login_as("HZ-PORT", c=port)
    assert port.get("/admin/").status_code == 200
    login_as("HZ")
    client.post(f"/admin/suborgs/{orgs['HZ-PORT'].id}/disable", data={"csrf_token": token_of(client)})
    assert orgs["HZ-PORT"].status == OrgStatus.DISABLED
    assert_sent_to_login(port.get("/admin/"))
    client.post(f"/admin/suborgs/{orgs['HZ-PORT'].id}/enable", data={"csrf_token": token_of(client)})
    assert_admin_logged_in(port, login_as("HZ-PORT", c=port), orgs["HZ-PORT"].name)
    actions = list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.target_id == orgs["HZ-PORT"].id,
                                                                         AuditEvent.target_type == "Organisation")))
    assert actions == ["org_disabled", "org_enabled"]


def test_reset_password_is_one_time_and_forces_a_change(app, client, orgs, login_as, db):
    port = app.test_client()
    login_as("HZ-PORT", c=port)
    login_as("HZ")
    user = db.session.scalar(db.select(AdminUser).filter_by(username="hzport_admin"))
    page = client.post(f"/admin/suborgs/users/{user.id}/reset", data={"csrf_token": token_of(client)})
    password = re.search(r'id="one-time-password">([^<]+)<', page.text).group(1)
    assert "只显示这一次" in page.text
    assert_sent_to_login(port.get("/admin/"))  # the old session ended
    assert "用户名或密码错误" in login_as("HZ-PORT", c=port).text
    r = login_as("hzport_admin", password, c=port)
    assert r.headers["Location"] == "/account/password"
    assert location_path(port.get("/admin/applications/")) == "/account/password"  # nothing else until changed
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="admin_password_reset")).target_id == user.id


def test_add_reviewer_account(app, client, orgs, login_as, db):
    login_as("YX")
    metro = orgs["YX-METRO"]
    page = client.post(f"/admin/suborgs/{metro.id}/accounts", data={
        "csrf_token": token_of(client), "username": "metro_reviewer", "display_name": "李审核", "role": "reviewer"})
    password = re.search(r'id="one-time-password">([^<]+)<', page.text).group(1)
    user = db.session.scalar(db.select(AdminUser).filter_by(username="metro_reviewer"))
    assert user.org_id == metro.id and user.role.value == "reviewer" and user.must_change_password
    r = login_as("metro_reviewer", password, c=app.test_client())
    assert r.headers["Location"] == "/account/password"
    dup = client.post(f"/admin/suborgs/{metro.id}/accounts", data={
        "csrf_token": token_of(client), "username": "metro_reviewer", "role": "admin"}, follow_redirects=True)
    assert "该用户名已被使用" in dup.text


def test_city_moves_an_org_and_others_cannot(client, orgs, login_as, db):
    login_as("YX")
    r = client.post(f"/admin/suborgs/{orgs['YX-METRO'].id}/move",
                    data={"csrf_token": token_of(client), "new_parent_id": orgs["HZ"].id}, follow_redirects=True)
    assert "只有市总工会" in r.text and orgs["YX-METRO"].parent_id == orgs["YX"].id
    logout(client)
    login_as("GZ")
    client.post(f"/admin/suborgs/{orgs['YX-METRO'].id}/move",
                data={"csrf_token": token_of(client), "new_parent_id": orgs["HZ"].id})
    metro = db.session.get(Organisation, orgs["YX-METRO"].id)
    assert metro.parent_id == orgs["HZ"].id and metro.path == f"{orgs['HZ'].path}{metro.id}/"
    r = client.post(f"/admin/suborgs/{orgs['HZ'].id}/move",
                    data={"csrf_token": token_of(client), "new_parent_id": metro.id}, follow_redirects=True)
    assert "不能把组织移动到它自己的下级单位之下" in r.text
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="org_moved")).detail["to_parent_id"] == orgs["HZ"].id


def test_reviewers_cannot_administer(client, orgs, login_as, db):
    accounts.create_admin(orgs["YX"], "yx_reviewer", "Review-2024-ok", "reviewer")
    db.session.commit()
    login_as("yx_reviewer", "Review-2024-ok")
    for url in ("/admin/suborgs/", "/admin/join_requests/"):
        assert_no_permission(client, client.get(url))


def test_detail_page_offers_moves_only_to_the_city(client, orgs, login_as):
    login_as("GZ")
    page = client.get(f"/admin/suborgs/{orgs['YX-METRO'].id}/").text
    assert "调整上级单位为" in page and "停用该单位" in page and "yxmetro_admin" in page
    logout(client)
    login_as("YX")
    page = client.get(f"/admin/suborgs/{orgs['YX-METRO'].id}/").text
    assert "调整上级单位为" not in page and "停用该单位" in page
    own = client.get(f"/admin/suborgs/{orgs['YX'].id}/").text
    assert "停用该单位" not in own and "添加账号" in own


def test_the_tree_opens_a_level_at_a_time_and_finds_deep_units(client, orgs, login_as):
    login_as("GZ")
    top = client.get("/admin/suborgs/").text
    assert 'data-code="YX"' in top and 'data-code="YX-METRO"' not in top  # the districts, not their units
    inside = client.get(f"/admin/suborgs/?under={orgs['YX'].id}").text
    assert 'data-code="YX-METRO"' in inside and "广州市总工会</a></li>" in inside  # the way back up
    found = client.get("/admin/suborgs/?q=港").text
    assert 'data-code="HZ-PORT"' in found and 'data-code="YX"' not in found
    login_as("YX")
    assert client.get(f"/admin/suborgs/?under={orgs['HZ'].id}").status_code == 404
