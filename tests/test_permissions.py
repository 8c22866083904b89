"""Permissions over HTTP on PostgreSQL: the account form offers and saves only what the admin may grant, every
grant and revoke is audited and shown on the account page, and the guarded services refuse without them."""
import re

from click.testing import CliRunner
from factories import admin, grant
from support import csrf_token, location_path

from backoffice.domain.permissions import Permission
from backoffice.models import AdminPermission, AdminUser, AuditEvent

P = Permission
PASSWORD = "Union-Desk-2024!"


def _held(db, username) -> set:
    db.session.expire_all()
    return {Permission(r.permission) for r in admin(username).permission_rows}


def _checkboxes(html: str) -> set:
    return set(re.findall(r'<input[^>]*name="grants"[^>]*value="([a-z_]+)"', html))


def _edit(client, user, **fields):
    """Post the account form as the browser would, with the account's other fields as they are."""
    url = f"/admin/admin_users/edit/?id={user.id}"
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.text), "org": str(user.org_id), "username": user.username,
            "display_name": user.display_name or "", "role": user.role.value, "active": "y"}
    data.update(fields)
    return client.post(url, data=data)


def _new(client, org, username, role="admin", grants=()):
    page = client.get("/admin/admin_users/new/")
    return client.post("/admin/admin_users/new/", data={
        "csrf_token": csrf_token(page.text), "org": str(org.id), "username": username, "role": role,
        "active": "y", "new_password": PASSWORD, "grants": list(grants)})


def test_demo_accounts_start_with_their_roles_defaults(orgs, db):
    assert _held(db, "gz_admin") == set(P)  # the demo city also sees full values
    assert _held(db, "yx_admin") == {P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH}  # the city publishes notices
    assert _held(db, "yxmetro_admin") == {P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH}
    assert not admin("yx_admin").can_unmask


def test_an_admin_cannot_tick_unmask_on_its_own_account(client, orgs, login_as, db):
    """The issue's first finding: yxmetro_admin ticked 可查看完整信息 on itself and saved."""
    login_as("YX-METRO")
    me = admin("yxmetro_admin")
    page = client.get(f"/admin/admin_users/edit/?id={me.id}")
    assert page.status_code == 200 and _checkboxes(page.text) == set()
    assert "您不能修改该账号的权限" in page.text
    _edit(client, me, grants=["unmask"])  # forged: the box was never offered
    assert P.UNMASK not in _held(db, "yxmetro_admin")
    assert not db.session.execute(db.select(AuditEvent).filter_by(action="permission_granted", actor_name=
                                                                  "yxmetro_admin")).first()


def test_an_admin_cannot_create_an_account_with_a_permission_it_lacks(client, orgs, login_as, db):
    """The issue's second finding: yx_admin created a new account with unmask."""
    login_as("YX")
    page = client.get("/admin/admin_users/new/")
    assert _checkboxes(page.text) == {"manage_accounts", "create_payment_batch"}
    resp = _new(client, orgs["YX-METRO"], "sneaky_unmask", grants=["unmask", "manage_accounts"])
    assert resp.status_code == 200 and "只能选择您可以授予的权限" in resp.text
    assert db.session.execute(db.select(AdminUser).filter_by(username="sneaky_unmask")).scalar_one_or_none() \
        is None
    _new(client, orgs["YX-METRO"], "metro_clerk", grants=["manage_accounts"])
    assert _held(db, "metro_clerk") == {P.MANAGE_ACCOUNTS}


def test_grants_flow_downward_are_audited_and_shown_on_the_account_page(app, orgs, login_as, db):
    city, district = app.test_client(), app.test_client()
    login_as("GZ", c=city)
    yx = admin("yx_admin")
    page = city.get(f"/admin/admin_users/edit/?id={yx.id}")
    assert "unmask" in _checkboxes(page.text)
    _edit(city, yx, grants=["unmask", "manage_accounts", "publish_notice", "create_payment_batch"])
    assert P.UNMASK in _held(db, "yx_admin")
    events = db.session.execute(db.select(AuditEvent).filter_by(action="permission_granted", target_id=yx.id,
                                                                actor_name="gz_admin")).scalars().all()
    assert {e.detail["permission"] for e in events} == {"unmask", "publish_notice"}
    assert {e.org_id for e in events} == {orgs["YX"].id}
    row = db.session.get(AdminPermission, (yx.id, "unmask"))
    assert row.granted_by_id == admin("gz_admin").id
    details = city.get(f"/admin/admin_users/details/?id={yx.id}").text
    assert "当前权限" in details and "可查看完整信息" in details and "授予" in details and "gz_admin" in details
    assert "pbkdf2:" not in details and "scrypt:" not in details  # the account page never shows the hash

    # The district passes it on to its unit, which may hold it but never hands it on.
    login_as("YX", c=district)
    metro = admin("yxmetro_admin")
    _edit(district, metro, grants=["unmask", "manage_accounts", "create_payment_batch"])
    assert P.UNMASK in _held(db, "yxmetro_admin")
    unit = app.test_client()
    login_as("YX-METRO", c=unit)
    assert "unmask" not in _checkboxes(unit.get("/admin/admin_users/new/").text)
    _new(unit, orgs["YX-METRO"], "metro_second", grants=["unmask"])
    assert db.session.execute(db.select(AdminUser).filter_by(username="metro_second")).scalar_one_or_none() \
        is None

    # Taking away follows the same rule: the city revokes, the district cannot revoke from the city.
    _edit(city, admin("yx_admin"), grants=["manage_accounts", "publish_notice", "create_payment_batch"])
    assert P.UNMASK not in _held(db, "yx_admin")
    assert db.session.execute(db.select(AuditEvent).filter_by(action="permission_revoked",
                                                              target_id=yx.id)).scalar_one()
    above = district.get(f"/admin/admin_users/edit/?id={admin('gz_admin').id}")
    assert above.status_code == 404 or location_path(above) == "/admin/admin_users/", above.status_code
    assert "收回" in city.get(f"/admin/admin_users/details/?id={yx.id}").text


def test_role_change_drops_what_the_new_role_cannot_hold(app, client, orgs, login_as, db):
    login_as("GZ")
    yx = admin("yx_admin")
    _edit(client, yx, role="reviewer", grants=["manage_accounts", "publish_notice"])
    assert _held(db, "yx_admin") == set()
    revoked = db.session.execute(db.select(AuditEvent).filter_by(action="permission_revoked",
                                                                 target_id=yx.id)).scalars().all()
    assert {e.detail["permission"] for e in revoked} == {"manage_accounts", "create_payment_batch"}


def test_nobody_changes_their_own_role(client, orgs, login_as, db):
    login_as("YX")
    resp = _edit(client, admin("yx_admin"), role="reviewer")
    assert "不能修改自己的账号" in resp.text
    db.session.expire_all()
    assert admin("yx_admin").role.value == "admin"


def test_without_manage_accounts_the_account_pages_and_services_refuse(app, client, orgs, login_as, db):
    yx = admin("yx_admin")
    from backoffice.services import permissions
    permissions.revoke(None, yx, P.MANAGE_ACCOUNTS)
    db.session.commit()
    login_as("YX")
    assert client.get("/admin/admin_users/").status_code == 302
    page = client.get(f"/admin/suborgs/{orgs['YX-METRO'].id}/")
    resp = client.post(f"/admin/suborgs/{orgs['YX-METRO'].id}/accounts", data={
        "csrf_token": csrf_token(page.text), "username": "nobody_made", "role": "admin"}, follow_redirects=True)
    assert "您没有管理账号的权限" in resp.text
    assert db.session.execute(db.select(AdminUser).filter_by(username="nobody_made")).scalar_one_or_none() is None


def test_suborg_accounts_get_only_what_their_creator_may_grant(client, orgs, login_as, db):
    login_as("YX")
    page = client.get(f"/admin/suborgs/{orgs['YX-METRO'].id}/")
    assert "可管理账号" in page.text  # the accounts table shows each account's permissions
    client.post(f"/admin/suborgs/{orgs['YX-METRO'].id}/accounts", data={
        "csrf_token": csrf_token(page.text), "username": "metro_new", "role": "admin"})
    assert _held(db, "metro_new") == {P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH}
    client.post(f"/admin/suborgs/{orgs['YX-METRO'].id}/accounts", data={
        "csrf_token": csrf_token(page.text), "username": "metro_reviewer", "role": "reviewer"})
    assert _held(db, "metro_reviewer") == set()


def test_publishing_a_notice_and_creating_a_payment_batch_need_their_permissions(app, client, orgs, login_as,
                                                                                db):
    import pytest

    from backoffice.services import notice, payments, permissions
    from factories import batch
    gz = admin("gz_admin")
    for p in (P.PUBLISH_NOTICE, P.CREATE_PAYMENT_BATCH):
        permissions.revoke(None, gz, p)
    b = batch(orgs["GZ"])
    db.session.commit()
    # The services refuse, whatever page or script calls them…
    with pytest.raises(permissions.PermissionDenied, match="可发布公示"):
        notice.publish(b, gz, 7)
    with pytest.raises(permissions.PermissionDenied, match="可创建发放批次"):
        payments.create_batch(b, gz)
    db.session.rollback()
    # …and the console no longer offers the notice page, nor creates a payment batch.
    login_as("GZ")
    assert client.get("/admin/notices/").status_code == 302
    assert "创建发放批次" not in client.get("/admin/payments/").text
    token = csrf_token(client.get("/logout").text)  # a hand-made POST: the page offers no form
    resp = client.post("/admin/payments/create", data={"csrf_token": token, "batch_id": b.id},
                       follow_redirects=True)
    assert "您没有“可创建发放批次”权限" in resp.text
    from backoffice.models import PaymentBatch
    assert db.session.execute(db.select(PaymentBatch)).first() is None


def test_cli_grants_are_the_root_of_trust_and_audited(app, orgs, db):
    from backoffice.cli import grant_permission_cmd, revoke_permission_cmd
    runner = CliRunner()
    with app.test_request_context():
        result = runner.invoke(grant_permission_cmd, ["--username", "hz_admin", "--permission", "unmask"])
        assert result.exit_code == 0 and "可查看完整信息" in result.output
        assert P.UNMASK in _held(db, "hz_admin")
        event = db.session.execute(db.select(AuditEvent).filter_by(action="permission_granted",
                                                                   target_id=admin("hz_admin").id,
                                                                   actor_type="system")).scalars().all()
        assert [e.detail.get("via") for e in event if e.detail["permission"] == "unmask"] == ["cli"]
        result = runner.invoke(revoke_permission_cmd, ["--username", "hz_admin", "--permission", "unmask"])
        assert result.exit_code == 0 and P.UNMASK not in _held(db, "hz_admin")
        result = runner.invoke(grant_permission_cmd, ["--username", "nobody", "--permission", "unmask"])
        assert result.exit_code != 0 and "找不到用户名" in result.output


def test_factories_grant_helper_goes_through_the_service(orgs, db):
    grant("hz_admin", "unmask")
    db.session.commit()
    assert admin("hz_admin").can_unmask
