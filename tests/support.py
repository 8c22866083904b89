"""Helpers the tests import (fixtures live in conftest.py)."""
import contextvars
import os
import re

from flask import has_app_context
from flask.testing import FlaskClient

from backoffice import create_app
from backoffice.config import TestConfig
from backoffice.extensions import db

PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def make_app(tmp_path, **overrides):
    class Config(TestConfig):
        UPLOAD_DIR = str(tmp_path / "uploads")
    for key, value in overrides.items():
        setattr(Config, key, value)
    app = create_app(Config)
    app.test_client_class = RequestIsolatedClient

    @app.before_request
    def _fresh_request_globals():
        # Tests hold one app context open, so Flask would hand every request the same `g`
        # (and Flask-WTF would reuse a CSRF token cached there). Real requests each get a fresh one.
        from flask import g
        g.__dict__.clear()
    return app


class RequestIsolatedClient(FlaskClient):
    """Each request runs as in production: in its own application context, with its own database session
    (removed at the end of the request), whatever context the test itself holds open. Without this the test's
    context would be reused, and a response that reads the database after its request ended (a streamed
    export) or an object left in the session between requests would work here and fail in production."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # a streamed body is read to its end inside the request's context
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # what the test reads next is what the request stored
            db.session.expire_all()
        return response


def logout(client):
    """Log out as a person does: the confirmation page's POST with its CSRF token (a GET only asks)."""
    page = client.get("/logout")
    if page.status_code != 200:  # not logged in: nothing to do
        return page
    return client.post("/logout", data={"csrf_token": csrf_token(page.text)})
