"""Outages degrade, never break: with Redis killed, admins and applicants still log in, upload and submit (the
rate limits hold per process meanwhile); after PostgreSQL drops every connection, the next request succeeds."""
import io

import pytest
from factories.intake import PASSWORD, draft, id_number, make_batch, png_bytes, worker
from support import assert_admin_logged_in, csrf_token, make_app

from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.enums import VerificationStatus as VS
from backoffice.extensions import db
from backoffice.models import Application, Document

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def redis_app(tmp_path, pg_schema_url, own_redis, unique_name):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_schema_url, REDIS_URL=own_redis.url, VERIFY_INLINE=False,
                   VERIFY_QUEUE_NAME=unique_name, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=own_redis.url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _world():
    from backoffice.demo.seed import ensure_demo_orgs
    orgs = ensure_demo_orgs()
    batch = make_batch(orgs["GZ"], required=("id_card_front",))
    person = worker(7, orgs["YX-METRO"], orgs["GZ"])
    application = draft(person, batch, orgs["YX-METRO"], kinds=())
    db.session.commit()
    return application


def _admin_login(client):
    token = csrf_token(client.get("/login").text)
    return client.post("/login", data={"username": "yx_admin", "password": "demo-YX-2021", "csrf_token": token})


def test_with_redis_killed_login_upload_and_submit_work(redis_app, own_redis):
    application = _world()
    client = redis_app.test_client()
    assert client.get("/healthz").json["redis"] == "ok"
    assert_admin_logged_in(client, _admin_login(client), "越秀区总工会")  # a limit counted in Redis while it was up

    own_redis.kill()

    admin = redis_app.test_client()
    resp = _admin_login(admin)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/")
    assert "越秀区总工会" in admin.get("/admin/").text
    api = redis_app.test_client()
    login = api.post("/api/v1/auth/login", json={"id_number": id_number(7), "password": PASSWORD})
    assert login.status_code == 200, login.json
    headers = {"Authorization": f"Bearer {login.json['token']}"}
    upload = api.put(f"/api/v1/applications/{application.id}/documents/id_card_front", headers=headers,
                     data={"file": (io.BytesIO(png_bytes()), "front.png")}, content_type="multipart/form-data")
    assert upload.status_code == 201, upload.json
    document = db.session.execute(db.select(Document).filter_by(application_id=application.id)).scalar_one()
    assert document.verification_status == VS.PENDING  # waits for the sweeper to queue it once Redis is back
    submitted = api.post(f"/api/v1/applications/{application.id}/submit", headers=headers)
    assert submitted.status_code == 200 and submitted.json["state"] == "in_review"
    assert db.session.get(Application, application.id).state == S.IN_REVIEW
    health = api.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "degraded"
    assert health.json["redis"].startswith("error") and "per process" in health.json["rate_limits"]


def test_rate_limits_still_hold_per_process_while_redis_is_down(redis_app, own_redis):
    _world()
    own_redis.kill()
    client = redis_app.test_client()
    token = csrf_token(client.get("/login").text)
    codes = [client.post("/login", data={"username": "nobody", "password": "x", "csrf_token": token}).status_code
             for _ in range(32)]
    assert codes[0] != 429 and codes[-1] == 429


@pytest.mark.parametrize("pre_ping", ["1", "0"])
def test_first_request_after_the_database_drops_its_connections(tmp_path, pg_schema_url, pre_ping):
    """With the default (pre-ping on), the dead pooled connection is found and replaced: the request succeeds.
    Turned off, the same request meets the dead connection: the control shows the test can tell."""
    from sqlalchemy import create_engine, text

    from backoffice.config import engine_options
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_schema_url,
                   SQLALCHEMY_ENGINE_OPTIONS=engine_options(pg_schema_url, {"XUEBU_DB_PRE_PING": pre_ping}))
    client = app.test_client()
    assert client.get("/notice/").status_code == 200   # a connection now sits in the pool
    admin = create_engine(pg_schema_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # what a database restart does to every client connection
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    assert client.get("/notice/").status_code == (200 if pre_ping == "1" else 503)
    with app.app_context():
        db.engine.dispose()
