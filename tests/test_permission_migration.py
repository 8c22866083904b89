"""Upgrading an existing database: the `can_unmask` flag becomes permission rows, every admin keeps what it could
do before (within its level), and each row is audited so the account page shows where it came from."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from support import make_app

from backoffice.extensions import db as _db

BEFORE = "3f65d45d81e0"  # the revision before permissions were rows
ORGS = [(1, None, "/1/", 0, "GZ", "city"), (2, 1, "/1/2/", 1, "YX", "district"),
        (4, 2, "/1/2/4/", 2, "YX-METRO", "grassroots")]
USERS = [  # id, org, username, role, can_unmask
    (1, 1, "city_admin", "admin", True), (2, 2, "district_admin", "admin", False),
    (3, 4, "unit_admin", "admin", True), (4, 2, "district_reviewer", "reviewer", True)]


def _old_world(conn) -> None:
    for oid, parent, path, depth, code, kind in ORGS:
        conn.execute(text("INSERT INTO organisation (id, parent_id, path, depth, code, name, kind, status, created_at)"
                          " VALUES (:i, :p, :path, :d, :c, :c, :k, 'active', CURRENT_TIMESTAMP)"),
                     {"i": oid, "p": parent, "path": path, "d": depth, "c": code, "k": kind})
    for uid, org, name, role, unmask in USERS:
        conn.execute(text(
            "INSERT INTO admin_user (id, org_id, username, password_hash, role, active, can_unmask, failed_logins,"
            " session_version, must_change_password, created_at) VALUES (:i, :o, :n, 'x', :r, :t, :u, 0, 1, :f,"
            " CURRENT_TIMESTAMP)"), {"i": uid, "o": org, "n": name, "r": role, "u": unmask, "t": True, "f": False})


def _check_upgraded() -> None:
    rows = _db.session.execute(text("SELECT admin_user_id, permission FROM admin_permission")).all()
    held = {}
    for uid, permission in rows:
        held.setdefault(uid, set()).add(permission)
    assert held == {
        1: {"unmask", "manage_accounts", "publish_notice", "create_payment_batch"},
        2: {"manage_accounts", "create_payment_batch"},  # the console let only the city publish notices
        3: {"unmask", "manage_accounts", "create_payment_batch"},
        4: {"unmask"},
    }
    events = _db.session.execute(text("SELECT target_id, detail FROM audit_event WHERE action = "
                                      "'permission_granted'")).all()
    assert len(events) == len(rows)
    from backoffice.models import AdminUser
    city = _db.session.get(AdminUser, 1)
    assert city.can_unmask and not _db.session.get(AdminUser, 2).can_unmask


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_upgrade_turns_the_flag_into_audited_rows(tmp_path, engine, request):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}" if engine == "sqlite" else request.getfixturevalue("pg_url")
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            _old_world(conn)
        upgrade()
        _check_upgraded()
        _db.session.remove()
        _db.engine.dispose()
