"""Shared fixtures: app, db, client, login_as(org_code), the demo org tree, real PostgreSQL and Redis.

With CI=true a missing PostgreSQL or Redis fails the tests that need it; elsewhere they are skipped.
Each run gets its own PostgreSQL database and Redis key prefix, so parallel runs never collide.
"""
import os
import uuid

import pytest

from backoffice.extensions import db as _db
from support import PG_ADMIN_URL, REDIS_URL, csrf_token, make_app  # noqa: F401

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing(service: str, exc: Exception):
    message = f"{service} is not reachable: {exc}"
    if IN_CI:
        pytest.fail(message + " (CI=true: a missing service is a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


DEMO_LOGINS = {
    "GZ": ("gz_admin", "demo-GZ-2021"), "YX": ("yx_admin", "demo-YX-2021"), "HZ": ("hz_admin", "demo-HZ-2021"),
    "YX-METRO": ("yxmetro_admin", "demo-YXMETRO-2021"), "HZ-PORT": ("hzport_admin", "demo-HZPORT-2021"),
}


@pytest.fixture
def orgs(app):
    """The demo org tree with one admin each (no applications): {code: Organisation}."""
    return _demo_orgs()


@pytest.fixture
def pg_orgs(pg_app):
    """The same tree on the test's own PostgreSQL database."""
    return _demo_orgs()


def _demo_orgs():
    from backoffice.seed import ensure_demo_orgs
    made = ensure_demo_orgs()
    _db.session.commit()
    return made


@pytest.fixture
def login_as(client):
    def login(org_code_or_username: str, password: str | None = None, c=None):
        c = c or client
        username, pw = DEMO_LOGINS.get(org_code_or_username, (org_code_or_username, password))
        page = c.get("/login")
        return c.post("/login", data={"username": username, "password": password or pw,
                                      "csrf_token": csrf_token(page.text)})
    return login


# ---- real services ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_server():
    from sqlalchemy import create_engine, text
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        _missing("PostgreSQL", exc)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    from sqlalchemy import text
    name = f"xuebu_t_{uuid.uuid4().hex[:12]}"
    with pg_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with pg_server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_app(tmp_path, pg_url):
    """The app on its own PostgreSQL database (schema from the models; test_migrations checks they agree)."""
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_url,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 80})
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def redis_server():
    from redis import Redis
    try:
        conn = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        conn.ping()
    except Exception as exc:  # noqa: BLE001
        _missing("Redis", exc)
    yield conn


@pytest.fixture
def redis_conn(redis_server):
    return redis_server


@pytest.fixture
def unique_name():
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def redis_app(tmp_path, redis_conn, unique_name):
    """Factory: the app with Redis on, its own queue name and job prefix; keys are removed afterwards."""
    made = []

    def make(**overrides):
        settings = dict(REDIS_URL=REDIS_URL, VERIFY_INLINE=False, VERIFY_QUEUE_NAME=unique_name,
                        VERIFY_JOB_PREFIX=unique_name) | overrides
        app = make_app(tmp_path, **settings)
        ctx = app.app_context()
        ctx.push()
        _db.create_all()
        made.append(ctx)
        return app

    yield make
    for ctx in made:
        _db.session.remove()
        _db.drop_all()
        ctx.pop()
    for key in redis_conn.scan_iter(match=f"*{unique_name}*", count=500):
        redis_conn.delete(key)
