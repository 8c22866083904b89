"""The Alembic migrations build the schema the models describe, on SQLite and on PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from backoffice.extensions import db
from support import make_app


def _diff(app):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(ctx, db.metadata)


def _upgrade_and_compare(app):
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        assert _diff(app) == [], "models and migrations differ: run `xuebu db migrate`"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and back up again: the downgrade path is real too
        db.engine.dispose()


def test_migrations_match_models_on_sqlite(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    _upgrade_and_compare(app)


@pytest.mark.postgres
def test_migrations_match_models_on_postgresql(tmp_path, pg_url):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_url)
    _upgrade_and_compare(app)
