"""What a page may do: a strict Content-Security-Policy (no inline script anywhere), no framing, no sniffing, a
referrer policy, HSTS in production, no caching of personal pages; logout only by POST; flask-admin's `url=`
return addresses only to the console's own paths."""
import base64
import re

import pytest
from factories import admin, application, make
from support import csrf_token, logout, make_app

from backoffice.domain.enums import ApplicationState
from backoffice.models import Organisation, PublicNotice, ReviewJob

HOSTILE_URLS = ["//evil.example", "/\t/evil.example", "https://evil.example/phish", "javascript:alert(1)",
                "http:/evil.example", "http:evil.example", "/admin/\r\nSet-Cookie: a=b", " /admin/",
                "\\\\evil.example", "/admin/\x7f", "http://localhost/admin/"]


def _assert_headers(resp, html=True):
    h = resp.headers
    assert h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    if html:
        csp = dict(part.strip().split(" ", 1) for part in h["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'" and "unsafe" not in csp["script-src"]
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert csp["default-src"] == "'self'" and csp["form-action"] == "'self'"
    assert "Strict-Transport-Security" not in h  # only in production


def test_every_kind_of_page_carries_the_headers(app, client, orgs, login_as, db):
    from backoffice.models import Batch
    b = make(Batch, orgs["GZ"])
    notice = make(PublicNotice, orgs["GZ"])
    notice.batch = b
    db.session.commit()
    for url in ("/login", "/portal/", "/portal/login", "/notice/", f"/notice/{notice.id}"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        _assert_headers(resp)
    _assert_headers(client.get("/healthz"), html=False)
    static = client.get("/static/console.js")
    assert static.status_code == 200 and static.headers["X-Content-Type-Options"] == "nosniff"
    assert "Cache-Control" not in static.headers or "no-store" not in static.headers["Cache-Control"]
    login_as("YX")
    console = client.get("/admin/")
    _assert_headers(console)
    assert console.headers["Cache-Control"] == "no-store"  # ID numbers never linger in a shared PC's cache


def test_production_adds_hsts(tmp_path, pg_schema_url):
    keys = {"XUEBU_DATA_KEYS": "main:" + base64.b64encode(b"k" * 32).decode(),
            "XUEBU_LOOKUP_KEY": base64.b64encode(b"h" * 32).decode()}  # production refuses to start without them
    app = make_app(tmp_path, XUEBU_ENV="production", SQLALCHEMY_DATABASE_URI=pg_schema_url, **keys)
    resp = app.test_client().get("/login")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# ---- no inline script --------------------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:(?!void\(0\))""", re.IGNORECASE)


def _pages(orgs, db):
    a = application(orgs["YX-METRO"], state=ApplicationState.IN_REVIEW, reviewing_org_id=orgs["YX-METRO"].id)
    job = ReviewJob(kind="bulk_approve", org_id=orgs["YX"].id, status="running", total=2)
    db.session.add(job)
    db.session.commit()
    yx = admin("yx_admin")
    return ["/admin/", "/admin/applications/", f"/admin/applications/details/?id={a.id}",
            "/admin/admin_users/", f"/admin/admin_users/edit/?id={yx.id}", f"/admin/admin_users/details/?id={yx.id}",
            "/admin/admin_users/new/", "/admin/orgs/", "/admin/audit/", "/admin/review/", f"/admin/review/app/{a.id}",
            f"/admin/review/job/{job.id}", "/admin/appeals/", "/admin/transfers/", "/admin/notices/", "/admin/payments/",
            "/admin/payments/paid", "/admin/dashboard/", "/admin/verification/",
            f"/admin/verification/application/{a.id}", "/admin/suborgs/", f"/admin/suborgs/{orgs['YX-METRO'].id}/",
            "/admin/invitations/", "/admin/invitations/new", "/admin/join_requests/", "/admin/roster-import/",
            "/admin/roster/", "/admin/programmes/", "/admin/programmes/new/", "/account/password", "/logout"]


def test_no_page_carries_inline_script_or_handlers(app, client, orgs, login_as, db):
    pages = _pages(orgs, db)
    login_as("YX")
    seen = 0
    for url in pages:
        resp = client.get(url)
        if resp.status_code != 200:
            assert resp.status_code in (302, 404), url  # a page this admin may not open
            continue
        seen += 1
        html = resp.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not HANDLER.search(html), (url, HANDLER.search(html).group(0)[:200])
        assert not JS_URL.search(html), url
    assert seen >= 25
    for url in ("/portal/", "/portal/register", "/portal/login", "/login", "/notice/"):
        html = app.test_client().get(url).get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html) and not HANDLER.search(html), url


def test_the_console_loads_its_script_and_the_token_it_needs(client, orgs, login_as):
    login_as("YX")
    html = client.get("/admin/applications/").text
    assert '<script src="/static/console.js"></script>' in html and '<meta name="csrf-token"' in html
    assert 'data-model-action="' in html or "with_selected" not in html


# ---- logout only by POST -----------------------------------------------------------------------------------

def test_get_logout_only_asks(client, orgs, login_as):
    login_as("YX")
    page = client.get("/logout")
    assert page.status_code == 200 and "确定要退出" in page.text
    assert client.get("/admin/applications/").status_code == 200  # still logged in


def test_post_logout_without_the_token_is_refused(client, orgs, login_as):
    login_as("YX")
    assert client.post("/logout").status_code == 400
    assert client.get("/admin/applications/").status_code == 200


def test_post_logout_with_the_token_ends_the_session(client, orgs, login_as, db):
    login_as("YX")
    resp = logout(client)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    after = client.get("/admin/applications/")
    assert after.status_code == 302 and "/login" in after.headers["Location"]


# ---- flask-admin's url= ----------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", HOSTILE_URLS)
def test_hostile_return_addresses_are_dropped_from_console_pages(client, orgs, login_as, hostile):
    login_as("YX")
    org = orgs["YX-METRO"]
    for page in (f"/admin/orgs/edit/?id={org.id}", f"/admin/orgs/details/?id={org.id}", "/admin/admin_users/new/"):
        resp = client.get(page, query_string={"url": hostile}) if "?" not in page else \
            client.get(page + "&" + _qs(hostile))
        assert resp.status_code in (302, 303), (page, hostile)
        location = resp.headers["Location"]
        assert location.startswith("/admin/") and "url=" not in location and "evil" not in location
        followed = client.get(location)
        assert followed.status_code == 200 and "evil.example" not in followed.text


@pytest.mark.parametrize("hostile", HOSTILE_URLS)
def test_a_post_carrying_a_hostile_return_address_is_refused(client, orgs, login_as, db, hostile):
    login_as("YX")
    org = orgs["YX-METRO"]
    page = client.get(f"/admin/orgs/edit/?id={org.id}")
    resp = client.post(f"/admin/orgs/edit/?id={org.id}&{_qs(hostile)}", data={
        "csrf_token": csrf_token(page.text), "name": "改名了", "code": org.code, "kind": org.kind.value})
    assert resp.status_code == 303 and resp.headers["Location"] == f"/admin/orgs/edit/?id={org.id}"
    assert "返回地址无效，没有保存任何更改" in client.get(resp.headers["Location"]).text
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name != "改名了"


def test_a_local_return_address_is_kept(client, orgs, login_as, db):
    login_as("YX")
    org = orgs["YX-METRO"]
    back = "/admin/orgs/?sort=1"
    page = client.get(f"/admin/orgs/edit/?id={org.id}&{_qs(back)}")
    assert page.status_code == 200 and 'href="/admin/orgs/?sort=1"' in page.text
    resp = client.post(f"/admin/orgs/edit/?id={org.id}&{_qs(back)}", data={
        "csrf_token": csrf_token(page.text), "name": org.name, "code": org.code, "kind": org.kind.value})
    assert resp.status_code == 302 and resp.headers["Location"] == back


def _qs(value: str) -> str:
    from urllib.parse import urlencode
    return urlencode({"url": value})
