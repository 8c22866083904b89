"""The audit log is append-only in the database: the application's own connection cannot change or delete a row,
whether the schema came from the models (tests, create_all) or from the migrations (production)."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from support import make_app

from backoffice.extensions import db as _db
from backoffice.models import AuditEvent
from backoffice.services import audit

ATTEMPTS = [
    "UPDATE audit_event SET action = 'nothing_happened' WHERE id = :id",
    "DELETE FROM audit_event WHERE id = :id",
]


def _refused(statement: str, **params) -> str:
    """Run `statement` on the app's own connection; the database must refuse it. Returns the error text."""
    with pytest.raises(DatabaseError) as refused:
        _db.session.execute(text(statement), params)
        _db.session.commit()
    _db.session.rollback()
    return str(refused.value.orig)


def _assert_append_only(event_id: int, truncate: bool) -> None:
    for statement in ATTEMPTS:
        assert "append-only" in _refused(statement, id=event_id)
    if truncate:
        assert "append-only" in _refused("TRUNCATE audit_event")
    _db.session.expire_all()
    row = _db.session.get(AuditEvent, event_id)
    assert row is not None and row.action == "login"
    # Appending still works: that is the whole point of the log.
    audit.record("logout", actor_type="system")
    _db.session.commit()
    assert _db.session.execute(_db.select(_db.func.count(AuditEvent.id))).scalar() == 2


@pytest.mark.both_engines
def test_audit_rows_cannot_be_changed_or_deleted(app, db_engine):
    event = audit.record("login", actor_type="system", detail={"who": "someone"})
    _db.session.commit()
    _assert_append_only(event.id, truncate=db_engine == "postgresql")


def test_orm_delete_through_the_app_is_refused_too(app):
    event = audit.record("login", actor_type="system")
    _db.session.commit()
    _db.session.delete(event)
    with pytest.raises(DatabaseError):
        _db.session.commit()
    _db.session.rollback()
    assert _db.session.get(AuditEvent, event.id) is not None


@pytest.mark.postgres
def test_the_migration_installs_the_trigger_on_postgresql(tmp_path, pg_url):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_url)
    with app.app_context():
        upgrade()
        event = audit.record("login", actor_type="system")
        _db.session.commit()
        _assert_append_only(event.id, truncate=True)
        _db.session.remove()
        _db.engine.dispose()


def test_the_migration_installs_the_trigger_on_sqlite(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with app.app_context():
        upgrade()
        event = audit.record("login", actor_type="system")
        _db.session.commit()
        _assert_append_only(event.id, truncate=False)
        _db.engine.dispose()
