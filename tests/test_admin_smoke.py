"""Every console model view: the create form opens, and saving an edit form unchanged works (no error flash)."""
from html.parser import HTMLParser

import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import inspect as sa_inspect

from backoffice.extensions import db as _db
from factories import make
from support import assert_admin_logged_in


pytestmark = pytest.mark.both_engines  # the production engine, and the `make run` default

class FormValues(HTMLParser):
    """The values a browser would submit for the first <form method=post> with a csrf_token."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._in_form, self._textarea = {}, None, False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post" and "action-form" not in (a.get("id") or ""):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, a.get("value", "y"))
            elif kind not in ("submit", "button", "file"):
                self.data.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, "")

    def handle_data(self, text):
        if self._textarea:
            self.data[self._textarea] += text

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False


def _views(app):
    admins = app.extensions["admin"]
    admin = admins[0] if isinstance(admins, list) else admins
    return [v for v in admin._views if isinstance(v, ModelView)]


def _errors(html: str) -> list[str]:
    import re
    alerts = re.findall(r'class="alert alert-(?:danger|error)[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return [re.sub(r"<[^>]+>|&times;|\s+", " ", a).strip() for a in alerts]


@pytest.fixture
def gz(client, orgs, login_as):
    assert_admin_logged_in(client, login_as("GZ"), "广州市总工会")
    return client


def test_create_forms_open(app, gz):
    opened = 0
    for view in _views(app):
        resp = gz.get(f"/admin/{view.endpoint}/new/")
        assert resp.status_code in (200, 302), view.endpoint  # 302: the view does not create
        if resp.status_code == 200:
            assert not _errors(resp.text), (view.endpoint, _errors(resp.text))
            opened += 1
    assert opened >= 3


def test_saving_an_unchanged_edit_form_works(app, gz, orgs):
    checked = 0
    for view in _views(app):
        if not view.can_edit:
            continue
        record = make(view.model, orgs["YX-METRO"])
        _db.session.commit()
        pk = sa_inspect(record).identity[0]
        page = gz.get(f"/admin/{view.endpoint}/edit/?id={pk}")
        assert page.status_code == 200, view.endpoint
        form = FormValues()
        form.feed(page.text)
        assert "csrf_token" in form.data, view.endpoint
        resp = gz.post(f"/admin/{view.endpoint}/edit/?id={pk}", data=form.data, follow_redirects=True)
        assert resp.status_code == 200, view.endpoint
        assert not _errors(resp.text), (view.endpoint, _errors(resp.text))
        checked += 1
    assert checked >= 3, "fewer editable views than expected: the smoke test would check little"


def test_a_time_typed_into_a_list_filter_is_beijing_time(app, client, orgs, login_as):
    """Submitted at 2026-03-01 01:30 UTC is 09:30 in Beijing: 'after 09:00' finds it, 'after 10:00' does not."""
    from datetime import datetime

    from factories import application
    a = application(orgs["YX-METRO"])
    a.submitted_at = datetime(2026, 3, 1, 1, 30)
    _db.session.commit()
    login_as("YX")
    view = next(v for v in _views(app) if v.endpoint == "applications")
    idx = next(i for i, f in enumerate(view._filters) if getattr(f.column, "name", None) == "submitted_at"
               and type(f).__name__.endswith("GreaterFilter"))
    found = client.get(f"/admin/applications/?flt0_{idx}=2026-03-01+09:00:00").text
    missed = client.get(f"/admin/applications/?flt0_{idx}=2026-03-01+10:00:00").text
    assert f"/admin/applications/details/?id={a.id}" in found
    assert f"/admin/applications/details/?id={a.id}" not in missed
