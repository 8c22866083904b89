"""Shared fixtures: app, db, client, login_as(org_code), the demo org tree, real PostgreSQL and Redis.

With CI=true a missing PostgreSQL or Redis fails the tests that need it; elsewhere they are skipped.
Each run gets its own PostgreSQL database and Redis key prefix, so parallel runs never collide.
"""
import os
import uuid

import pytest

from backoffice.extensions import db as _db
from local_servers import sms_server, smtp_server  # noqa: F401  (fixtures)
from support import PG_ADMIN_URL, REDIS_URL, csrf_token, make_app  # noqa: F401

IN_CI = os.environ.get("CI", "").lower() == "true"
# make test-fast: no PostgreSQL, no Redis; the app runs on SQLite and service tests are deselected.
SERVICES = os.environ.get("XUEBU_TEST_SERVICES", "1") != "0"


def _missing(service: str, exc: Exception):
    message = f"{service} is not reachable: {exc}"
    if IN_CI:
        pytest.fail(message + " (CI=true: a missing service is a failure)", pytrace=False)
    pytest.skip(message)


ENGINES = ("postgresql", "sqlite")


def _engines_for(item_markers) -> tuple[str, ...]:
    """PostgreSQL is the production engine and the default; SQLite (the `make run` default) is added for tests
    marked `both_engines`, and is the only engine when services are off (`make test-fast`)."""
    if not SERVICES:
        return ("sqlite",)
    return ENGINES if "both_engines" in item_markers else ("postgresql",)


def pytest_generate_tests(metafunc):
    if "db_engine" in metafunc.fixturenames:
        markers = {m.name for m in metafunc.definition.iter_markers()}
        metafunc.parametrize("db_engine", _engines_for(markers), indirect=True)


@pytest.fixture
def db_engine(request):
    return request.param


@pytest.fixture
def app(tmp_path, db_engine, request):
    """The app on a fresh, empty database: PostgreSQL (its own database, copied from a template with the
    schema) unless the test runs on SQLite."""
    if db_engine == "sqlite":
        app = make_app(tmp_path)
        with app.app_context():
            _db.create_all()
            yield app
            _db.session.remove()
            _db.drop_all()
        return
    url = request.getfixturevalue("pg_schema_url")
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 80})
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


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


def _new_database(server, template: str | None = None) -> str:
    from sqlalchemy import text
    name = f"xuebu_t_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    return name


def _drop_database(server, name: str) -> None:
    from sqlalchemy import text
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def pg_template(pg_server, tmp_path_factory):
    """A database holding the schema, made once per run: each test's database is a copy (40 ms, not 150)."""
    name = _new_database(pg_server)
    app = make_app(tmp_path_factory.mktemp("template"), SQLALCHEMY_DATABASE_URI=_url(name))
    with app.app_context():
        _db.create_all()
        _db.session.remove()
        _db.engine.dispose()
    yield name
    _drop_database(pg_server, name)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    name = _new_database(pg_server)
    yield _url(name)
    _drop_database(pg_server, name)


@pytest.fixture
def pg_schema_url(pg_server, pg_template):
    """A fresh PostgreSQL database with the schema for one test; dropped afterwards."""
    name = _new_database(pg_server, template=pg_template)
    yield _url(name)
    _drop_database(pg_server, name)


@pytest.fixture
def pg_app(tmp_path, pg_schema_url):
    """The app on its own PostgreSQL database, whatever the engine of `app` (test_migrations checks that the
    models' schema and the migrations agree)."""
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_schema_url,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 80})
    with app.app_context():
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
def redis_app(tmp_path, redis_conn, unique_name, request):
    """Factory: the app with Redis on (its own queue name and job prefix) and on its own PostgreSQL database
    (SQLite under `make test-fast`); Redis keys are removed afterwards."""
    made = []
    # Asked for before the factory runs, so that the database outlives the app contexts pushed below.
    pg_url = request.getfixturevalue("pg_schema_url") if SERVICES else None

    def make(**overrides):
        settings = dict(REDIS_URL=REDIS_URL, VERIFY_INLINE=False, VERIFY_QUEUE_NAME=unique_name,
                        VERIFY_JOB_PREFIX=unique_name, BULK_QUEUE_NAME=f"{unique_name}-bulk", CACHE_PREFIX=unique_name)
        if pg_url and "SQLALCHEMY_DATABASE_URI" not in overrides:
            settings["SQLALCHEMY_DATABASE_URI"] = pg_url
        app = make_app(tmp_path, **(settings | overrides))
        ctx = app.app_context()
        ctx.push()
        _db.create_all()
        made.append(ctx)
        return app

    yield make
    for ctx in made:
        _db.session.remove()
        _db.engine.dispose()
        ctx.pop()
    for key in redis_conn.scan_iter(match=f"*{unique_name}*", count=500):
        redis_conn.delete(key)


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own on a free port, for tests that kill Redis (never the machine's own)."""
    import shutil
    import socket
    import subprocess
    import time
    from types import SimpleNamespace

    from redis import Redis
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server", FileNotFoundError("redis-server"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            Redis.from_url(url, socket_connect_timeout=0.2).ping()
            break
        except Exception as exc:  # noqa: BLE001
            if time.monotonic() > deadline:
                proc.kill()
                _missing("its own redis-server", exc)
            time.sleep(0.05)

    def kill():
        proc.kill()
        proc.wait(timeout=10)

    yield SimpleNamespace(url=url, kill=kill)
    if proc.poll() is None:
        kill()
