"""Helpers the tests import (fixtures live in conftest.py)."""
import os
import re

from backoffice import create_app
from backoffice.config import TestConfig

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

    @app.before_request
    def _fresh_request_globals():
        # Tests hold one app context open, so Flask would hand every request the same `g`
        # (and Flask-WTF would reuse a CSRF token cached there). Real requests each get a fresh one.
        from flask import g
        g.__dict__.clear()
    return app
