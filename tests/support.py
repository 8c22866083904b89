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


# ---- what a person reads on a page ------------------------------------------------------------------------

from html.parser import HTMLParser  # noqa: E402

READ_ATTRS = ("placeholder", "title", "alt", "aria-label")
# Words a Chinese clerk reads as they are: file formats, units and the like.
PLAIN_WORDS = {"CSV", "Excel", "PDF", "IP", "QR", "MB", "KB", "jpg", "jpeg", "png", "pdf", "xlsx", "csv", "ID",
               "OCR", "Ctrl", "Enter", "Esc", "GB", "CNY", "PNG", "JPEG", "JPG", "XLSX"}
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
RAW_TIME = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+|\bUTC\b|\d{4}-\d{2}-\d{2}T\d{2}:")


class VisibleText(HTMLParser):
    """The text a person reads: element text outside script/style, and the attributes a browser shows."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip, self._open = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID:
            hidden = tag in ("script", "style", "template") or "hidden" in attrs or "d-none" in (attrs.get("class") or "").split() or \
                "display:none" in (attrs.get("style") or "").replace(" ", "")
            self._open.append((tag, hidden))
            self._skip += hidden
        if self._skip:
            return
        for name in READ_ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        while self._open:  # browsers close unclosed inner elements with their parent
            name, hidden = self._open.pop()
            self._skip -= hidden
            if name == tag:
                break

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts + _filter_labels(html))


def _filter_labels(html: str) -> list[str]:
    """A Flask-Admin list keeps its filter menu as JSON in a hidden element; the browser shows its labels."""
    import json
    match = re.search(r'<div id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S)
    if not match:
        return []
    out = []
    for group, filters in json.loads(match.group(1)).items():
        out.append(group)
        for f in filters:
            out.append(f["operation"])
            out.extend(str(label) for _, label in (f.get("options") or []))
    return out


def unreadable(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """English words, raw codes and UTC/microsecond times in `text`, except plain words and `allowed` data."""
    found = [m.group(0) for m in RAW_TIME.finditer(text)]
    for word in ENGLISH_WORD.findall(text):
        if word not in PLAIN_WORDS and word not in allowed:
            found.append(word)
    return found


def logout(client):
    """Log out as a person does: the confirmation page's POST with its CSRF token (a GET only asks)."""
    page = client.get("/logout")
    if page.status_code != 200:  # not logged in: nothing to do
        return page
    return client.post("/logout", data={"csrf_token": csrf_token(page.text)})


def told(event: str) -> list[tuple[int, str, str]]:
    """(worker id, channel, status) of every message about `event` in the outbox, in the order written."""
    from backoffice.models import Notification
    rows = db.session.execute(db.select(Notification).where(Notification.event == event,
                                                            Notification.recipient_type == "applicant")
                              .order_by(Notification.id)).scalars()
    return [(r.recipient_id, r.channel, r.status) for r in rows]
