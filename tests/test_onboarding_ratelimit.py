"""Rate limits on /join/ (per IP and per token) and /login (per IP), on an app with limiting switched on.

Flask-Limiter keeps its switch on the shared extension object, so this app must be the last one created
before its requests; these tests therefore build their own app instead of using the `app` fixture.
"""
import pytest
from support import make_app
from support import csrf_token

from backoffice.extensions import db as _db
from backoffice.services import invitations


@pytest.fixture
def limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        _db.create_all()
        from backoffice.demo.seed import ensure_demo_orgs
        made = ensure_demo_orgs()
        _db.session.commit()
        _, token = invitations.create_invitation(made["YX"], kind="enterprise")
        yield app, f"/join/{token}"
        _db.session.remove()
        _db.drop_all()


def client_at(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_guessing_tokens_from_one_address_is_stopped(limited):
    app, _ = limited
    c = client_at(app, "10.1.0.1")
    codes = [c.get(f"/join/guess{i}").status_code for i in range(61)]
    assert set(codes[:60]) == {404} and codes[60] == 429
    assert "操作过于频繁" in c.get("/join/another").text
    assert client_at(app, "10.1.0.2").get("/join/guess").status_code == 404  # other addresses unaffected


def test_posts_from_one_address_are_limited(limited):
    app, path = limited
    c = client_at(app, "10.2.0.1")
    token = csrf_token(c.get(path).text)
    codes = [c.post(path, data={"csrf_token": token}).status_code for _ in range(11)]
    assert set(codes[:10]) == {200} and codes[10] == 429


def test_one_link_cannot_be_spammed_from_many_addresses(limited):
    app, path = limited
    codes = []
    for i in range(31):
        c = client_at(app, f"10.3.0.{i}")
        codes.append(c.post(path, data={"csrf_token": csrf_token(c.get(path).text)}).status_code)
    assert set(codes[:30]) == {200} and codes[30] == 429
    _, token = invitations.create_invitation(invitations.find_by_token(path.rsplit("/", 1)[1]).org,
                                                 kind="enterprise")
    c = client_at(app, "10.3.1.1")
    assert c.post(f"/join/{token}", data={"csrf_token": csrf_token(c.get(f"/join/{token}").text)}).status_code == 200


def test_login_is_limited_per_address(limited):
    app, _ = limited
    c = client_at(app, "10.4.0.1")
    token = csrf_token(c.get("/login").text)
    codes = [c.post("/login", data={"csrf_token": token, "username": f"nobody{i}", "password": "x"}).status_code
             for i in range(31)]
    assert set(codes[:30]) == {200} and codes[30] == 429
