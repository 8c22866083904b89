"""Admin login: wrong password, lockout, CSRF, session replay after logout, deactivated users and orgs."""
from backoffice.domain.enums import OrgStatus
from backoffice.models import AdminUser

from support import assert_admin_logged_in, assert_sent_to_login, csrf_token, logout


def test_login_then_console(client, orgs, login_as):
    assert_admin_logged_in(client, login_as("YX"), "越秀区总工会")


def test_wrong_password_is_refused_with_chinese_message(client, orgs, login_as):
    r = login_as("yx_admin", "wrong-password")
    assert r.status_code == 200 and "用户名或密码错误" in r.text
    assert_sent_to_login(client.get("/admin/applications/"))


def test_unknown_user_gets_same_message(client, orgs, login_as):
    r = login_as("nobody", "whatever-123")
    assert "用户名或密码错误" in r.text


def test_lockout_after_repeated_failures(client, orgs, login_as, db):
    for _ in range(5):
        login_as("yx_admin", "wrong-password")
    r = login_as("YX")  # right password, but locked now
    assert "已临时锁定" in r.text
    user = db.session.execute(db.select(AdminUser).filter_by(username="yx_admin")).scalar_one()
    assert user.locked_until is not None


def test_login_without_csrf_is_rejected(client, orgs):
    r = client.post("/login", data={"username": "yx_admin", "password": "demo-YX-2021"})
    assert r.status_code == 400
    assert_sent_to_login(client.get("/admin/applications/"))


def test_session_replay_after_logout_fails(app, client, orgs, login_as):
    login_as("YX")
    cookie = client.get_cookie("session").value
    assert client.get("/admin/applications/").status_code == 200
    logout(client)
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert_sent_to_login(replay.get("/admin/applications/"))


def test_deactivated_user_loses_live_session(client, orgs, login_as, db):
    login_as("YX")
    assert client.get("/admin/applications/").status_code == 200
    user = db.session.execute(db.select(AdminUser).filter_by(username="yx_admin")).scalar_one()
    user.active = False
    db.session.commit()
    assert_sent_to_login(client.get("/admin/applications/"))
    assert "停用" in login_as("YX").text


def test_disabled_parent_org_cuts_subtree_sessions(client, orgs, login_as, db):
    login_as("YX-METRO")
    assert client.get("/admin/applications/").status_code == 200
    orgs["YX"].status = OrgStatus.DISABLED
    db.session.commit()
    assert_sent_to_login(client.get("/admin/applications/"))
    assert "停用" in login_as("YX-METRO").text


def test_login_rotates_session(app, orgs):
    c = app.test_client()
    page = c.get("/login")
    before = c.get_cookie("session").value
    c.post("/login", data={"username": "yx_admin", "password": "demo-YX-2021", "csrf_token": csrf_token(page.text)})
    assert c.get_cookie("session").value != before
