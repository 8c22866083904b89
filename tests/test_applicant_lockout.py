"""Applicant accounts lock after repeated wrong passwords, like admin accounts: 5 in a row lock the account for 15
minutes, on the portal and the API alike, per account (not per address), with a clear Chinese message."""
from datetime import timedelta

from factories import valid_id_number
from support import csrf_token

from backoffice.crypto import lookup_hash
from backoffice.models import Applicant, AuditEvent
from backoffice.models.base import utcnow

PASSWORD = "Worker-Pass-2024"


def _register(client, n: int) -> str:
    id_number = valid_id_number(900 + n)
    resp = client.post("/api/v1/auth/register", json={"name": "李四", "id_number": id_number,
                                                      "mobile": f"1390000{n:04d}", "password": PASSWORD})
    assert resp.status_code == 201, resp.json
    return id_number


def _api_login(client, id_number, password):
    return client.post("/api/v1/auth/login", json={"id_number": id_number, "password": password})


def _portal_login(client, id_number, password):
    page = client.get("/portal/login")
    return client.post("/portal/login", data={"id_number": id_number, "password": password,
                                              "csrf_token": csrf_token(page.text)}, follow_redirects=True)


def _row(db, id_number) -> Applicant:
    db.session.expire_all()
    return db.session.execute(db.select(Applicant).filter_by(id_number_hash=lookup_hash(id_number))).scalar_one()


def test_five_wrong_passwords_lock_the_api_login(client, orgs, db):
    id_number = _register(client, 1)
    for attempt in range(1, 5):
        resp = _api_login(client, id_number, "wrong-password")
        assert resp.status_code == 401 and resp.json["error"] == "invalid_credentials", attempt
        assert _row(db, id_number).failed_logins == attempt
    resp = _api_login(client, id_number, "wrong-password")
    assert resp.status_code == 429 and resp.json["error"] == "account_locked"
    assert "Too many wrong passwords" in resp.json["detail"] and "锁定" in resp.json["message"]
    assert 14 * 60 < int(resp.headers["Retry-After"]) <= 15 * 60 and resp.json["retry_after"] > 14 * 60
    # The right password does not open a locked account…
    resp = _api_login(client, id_number, PASSWORD)
    assert resp.status_code == 429 and "token" not in resp.json
    row = _row(db, id_number)
    assert row.locked_until > utcnow() + timedelta(minutes=14)
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).where(
        AuditEvent.actor_type == "applicant", AuditEvent.actor_id == row.id)).scalars()]
    assert actions.count("applicant_login_failed") == 5 and actions.count("applicant_login_locked") == 1
    # …until the lock is over; then it works and the count starts again.
    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    resp = _api_login(client, id_number, PASSWORD)
    assert resp.status_code == 200 and resp.json["token"]
    row = _row(db, id_number)
    assert row.failed_logins == 0 and row.locked_until is None


def test_the_portal_locks_too_with_a_chinese_message(client, orgs, db):
    id_number = _register(client, 2)
    for _ in range(4):
        assert "身份证号或密码错误" in _portal_login(client, id_number, "wrong-password").text
    page = _portal_login(client, id_number, "wrong-password").text
    assert "连续输错密码次数过多，账号已临时锁定，请 15 分钟后再试" in page
    page = _portal_login(client, id_number, PASSWORD).text
    assert "账号已临时锁定" in page and "退出" not in page  # not logged in
    assert client.get("/portal/profile").status_code == 302


def test_the_lock_is_per_account_not_per_address(client, orgs, db):
    locked, other = _register(client, 3), _register(client, 4)
    for _ in range(5):
        _api_login(client, locked, "wrong-password")
    assert _api_login(client, locked, PASSWORD).status_code == 429
    assert _api_login(client, other, PASSWORD).status_code == 200  # same address, another account


def test_a_success_clears_earlier_failures(client, orgs, db):
    id_number = _register(client, 5)
    for _ in range(4):
        _api_login(client, id_number, "wrong-password")
    assert _api_login(client, id_number, PASSWORD).status_code == 200
    assert _row(db, id_number).failed_logins == 0
    for _ in range(4):
        assert _api_login(client, id_number, "wrong-password").status_code == 401
    assert _api_login(client, id_number, PASSWORD).status_code == 200


def test_unknown_numbers_say_the_same_as_wrong_passwords(client, orgs):
    resp = _api_login(client, valid_id_number(999), "whatever-pass")
    assert resp.status_code == 401 and resp.json["message"] == "身份证号或密码错误。"
