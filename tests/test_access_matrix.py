"""Access matrix for the console, generated from app.url_map and the registered views.

Every /admin/ endpoint × {anonymous, GZ, YX, YX-METRO, HZ} × a record owned by {own org, child, sibling, parent}:
anonymous never gets a page, and nobody reaches a record outside their subtree by list, count, details, edit,
delete, action or export. New views are covered without new tests (a missing factory fails loudly).
"""
import csv
import io

import pytest
from flask_admin.contrib.sqla import ModelView
from flask_login import login_user
from sqlalchemy import inspect as sa_inspect

from backoffice.admin.base import ScopedModelView, SecuredMixin
from backoffice.extensions import db as _db
from backoffice.models import AdminUser
from factories import OWNERS, make
from support import assert_admin_logged_in, csrf_token

pytestmark = pytest.mark.both_engines  # the production engine, and the `make run` default

USERS = ["GZ", "YX", "YX-METRO", "HZ"]
OWNER_ORGS = ["GZ", "YX", "HZ", "YX-METRO", "HZ-PORT"]


def _admin(app):
    admins = app.extensions["admin"]
    return admins[0] if isinstance(admins, list) else admins


def _model_views(app):
    return [v for v in _admin(app)._views if isinstance(v, ModelView)]


def _pk(record):
    return sa_inspect(record).identity[0]


def test_every_console_view_is_secured(app):
    admin = _admin(app)
    for view in admin._views:
        assert isinstance(view, SecuredMixin), f"{view.endpoint} does not derive from the secured base"
    for view in _model_views(app):
        assert isinstance(view, ScopedModelView), f"{view.endpoint} is a ModelView without subtree scoping"


def test_anonymous_never_gets_a_console_page(app, client):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin/") and "static" not in r.endpoint]
    assert len(rules) > 20
    for rule in rules:
        url = rule.rule.replace("<export_type>", "csv")
        url = url.split("<")[0] if "<" in url else url
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(url + "?id=1", method=method)
            assert resp.status_code in (302, 400, 403, 404, 405), (method, url, resp.status_code)
            if resp.status_code == 302:
                assert "/login" in resp.headers["Location"], (method, url)


@pytest.fixture
def world(app, orgs):
    """One record of every scoped view's model owned by each org."""
    records = {}
    for view in _model_views(app):
        for owner in OWNER_ORGS:
            records[(view.endpoint, owner)] = make(view.model, orgs[owner])
    _db.session.commit()
    return records


def _visible(record, model, user_org) -> bool:
    from backoffice.models import Organisation
    owner_ids = OWNERS[model](record)
    paths = [_db.session.get(Organisation, i).path for i in owner_ids if i is not None]
    return any(p.startswith(user_org.path) for p in paths)


def _expected_ids(model, user_org):
    return {_pk(r) for r in _db.session.execute(_db.select(model)).scalars() if _visible(r, model, user_org)}


@pytest.mark.parametrize("user_code", USERS)
def test_scope_matrix(app, orgs, world, login_as, user_code):
    client = app.test_client()
    assert_admin_logged_in(client, login_as(user_code, c=client), orgs[user_code].name)
    user = _db.session.execute(_db.select(AdminUser).filter_by(org_id=orgs[user_code].id)).scalars().first()
    for view in _model_views(app):
        _check_counts(app, view, user, orgs[user_code])
        list_html = client.get(f"/admin/{view.endpoint}/?page_size=500").text if view.can_view_details or \
            view.can_edit else ""
        if view.can_export:
            _check_export(client, view, orgs[user_code])
        for owner in OWNER_ORGS:
            record = world[(view.endpoint, owner)]
            visible = _visible(record, view.model, orgs[user_code])
            _check_record(client, view, record, visible, list_html, f"{user_code}→{owner}")


def _check_counts(app, view, user, user_org):
    expected = _expected_ids(view.model, user_org)
    with app.test_request_context():
        login_user(user)
        assert view.get_count_query().scalar() == len(expected), view.endpoint
        got = {_pk(r) for r in view.get_query().all()}
        assert got == expected, view.endpoint


def _check_export(client, view, user_org):
    resp = client.get(f"/admin/{view.endpoint}/export/csv/")
    assert resp.status_code == 200, view.endpoint
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) - 1 == len(_expected_ids(view.model, user_org)), view.endpoint


def _check_record(client, view, record, visible, list_html, label):
    pk = _pk(record)
    ep = f"/admin/{view.endpoint}"
    marker_in_list = f'value="{pk}"' in list_html or f"id={pk}&" in list_html
    if list_html and not visible:
        assert not marker_in_list, f"{label}: {ep} lists a row outside the subtree"
    for action in ("details", "edit"):
        enabled = view.can_view_details if action == "details" else view.can_edit
        resp = client.get(f"{ep}/{action}/?id={pk}")
        if not enabled:
            assert resp.status_code in (302, 403, 404), f"{label}: {action} disabled but reachable"
        elif visible:
            assert resp.status_code == 200, f"{label}: own-subtree {action} should open ({ep})"
        else:
            assert resp.status_code in (302, 404), f"{label}: {ep}/{action} reached a row outside the subtree"
            assert "/login" not in resp.headers.get("Location", "")
    if not visible:
        _try_destroy(client, view, pk, ep)
        assert _db.session.get(view.model, pk) is not None, f"{label}: a row outside the subtree was deleted"


def _try_destroy(client, view, pk, ep):
    page = client.get(f"{ep}/")
    token = csrf_token(page.text) if "csrf_token" in page.text else ""
    client.post(f"{ep}/delete/", data={"id": pk, "csrf_token": token})
    client.post(f"{ep}/action/", data={"action": "delete", "rowid": pk, "csrf_token": token})
    _db.session.expire_all()


def test_in_scope_delete_works_so_the_refusals_above_mean_something(app, orgs, world, login_as):
    """Positive control: where a view allows deleting, a parent deletes its child's row through the same POSTs."""
    client = app.test_client()
    login_as("GZ", c=client)
    deletable = [v for v in _model_views(app) if v.can_delete]
    assert deletable, "no console view allows deleting: this control would check nothing"
    for view in deletable:
        for owner, how in (("YX", "delete"), ("YX-METRO", "action")):
            pk = _pk(world[(view.endpoint, owner)])
            ep = f"/admin/{view.endpoint}"
            token = csrf_token(client.get(f"{ep}/").text)
            if how == "delete":
                client.post(f"{ep}/delete/", data={"id": pk, "csrf_token": token})
            else:
                client.post(f"{ep}/action/", data={"action": "delete", "rowid": pk, "csrf_token": token})
            _db.session.expire_all()
            assert _db.session.get(view.model, pk) is None, f"{view.endpoint}: in-scope {how} did not delete"


# ---- custom console pages: every /admin/ URL that names a record --------------------------------------------

from backoffice.models import (  # noqa: E402
    Appeal, Application, AuditEvent, Document, Invitation, Organisation, PaymentBatch, PublicNotice, ReviewJob,
    Transfer,
)

# endpoint → (the model its id names, whether an in-subtree GET must open with 200)
CUSTOM = {
    "review_queue.detail": (Application, True), "review_queue.decide": (Application, False),
    "review_queue.document_file": (Document, False), "review_queue.rotate": (Document, False),
    "review_queue.job": (ReviewJob, True), "review_queue.job_progress": (ReviewJob, True),
    "export_jobs.job": ("export_job", True), "export_jobs.download": ("export_job", False),
    "review_notices.withdraw": (PublicNotice, False), "review_payments.cancel": (PaymentBatch, False),
    "review_appeals.detail": (Appeal, True), "review_transfers.decide": (Transfer, False),
    "review_payments.detail": (PaymentBatch, True), "review_payments.bank_file": (PaymentBatch, False),
    "review_payments.results": (PaymentBatch, False),
    "verification.application": (Application, True), "verification.evidence": (Document, False),
    "suborgs.detail": (Organisation, True), "suborgs.add_account": (Organisation, False),
    "suborgs.disable": (Organisation, False), "suborgs.enable": (Organisation, False),
    "suborgs.move": (Organisation, False), "suborgs.reset_password": (AdminUser, False),
    "invitations.share": (Invitation, False), "invitations.revoke": (Invitation, False),
    "invitations.reissue": (Invitation, False),
    "join_requests.approve": (Organisation, False), "join_requests.reject": (Organisation, False),
}
FILLERS = {"<verb>": "approve", "<check>": "full"}


def _custom_rules(app):
    """Every /admin/ rule that takes a record id and is not a flask-admin model view's own (those are above)."""
    model_endpoints = {v.endpoint for v in _model_views(app)}
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin/") and "<int:" in r.rule
            and r.endpoint.split(".")[0] not in model_endpoints]


def test_every_custom_record_url_is_in_the_matrix(app):
    missing = sorted({r.endpoint for r in _custom_rules(app)} - set(CUSTOM))
    assert not missing, f"add these endpoints to CUSTOM so their out-of-subtree records are checked: {missing}"


def _custom_world(orgs):
    records = {}
    for model in {m for m, _ in CUSTOM.values()}:
        for owner in OWNER_ORGS:
            if model is ReviewJob:
                records[(model, owner)] = _add_job(orgs[owner])
            elif model == "export_job":  # an export of the org's (only) demo admin
                records[(model, owner)] = _add_job(orgs[owner], kind="export", status="running",
                                                   admin_id=orgs[owner].admins[0].id)
            else:
                records[(model, owner)] = make(model, orgs[owner])
    _db.session.commit()
    return records


def _add_job(org, kind="bulk_approve", status="done", admin_id=None):
    job = ReviewJob(kind=kind, org_id=org.id, status=status, admin_id=admin_id, params={"title": "导出", "fmt": "csv"})
    _db.session.add(job)
    _db.session.flush()
    return job


def _custom_visible(record, model, user_org, owner_org) -> bool:
    if model is ReviewJob or model == "export_job":  # a job is its own org's (an export its admin's), not a parent's
        return owner_org.id == user_org.id
    return _visible(record, model, user_org)


def _url(rule, pk) -> str:
    import re
    url = re.sub(r"<int:[a-z_]+>", str(pk), rule.rule)
    for placeholder, value in FILLERS.items():
        url = url.replace(placeholder, value)
    return url


@pytest.mark.parametrize("user_code", USERS)
def test_custom_pages_never_reach_a_record_outside_the_subtree(app, orgs, login_as, user_code):
    records = _custom_world(orgs)
    client = app.test_client()
    login_as(user_code, c=client)
    token = csrf_token(client.get("/logout").text)
    checked = opened = 0
    for rule in _custom_rules(app):
        model, opens = CUSTOM[rule.endpoint]
        method = "GET" if "GET" in rule.methods else "POST"
        for owner in OWNER_ORGS:
            record = records[(model, owner)]
            url = _url(rule, _pk(record))
            resp = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            label = f"{user_code}→{owner} {method} {url}"
            if not _custom_visible(record, model, orgs[user_code], orgs[owner]):
                # Not found; or, for a page this admin's level is not offered at all, sent back to the home page.
                refused = resp.status_code == 404 or (resp.status_code == 302 and
                                                      resp.headers["Location"].rstrip("/").endswith("/admin"))
                assert refused, f"{label}: a record outside the subtree answered {resp.status_code}"
                checked += 1
            elif opens and method == "GET":
                assert resp.status_code == 200, f"{label}: an own-subtree page should open"
                opened += 1
    assert checked >= (8 if user_code == "GZ" else 50) and opened > 5  # GZ sees all but other orgs' jobs


def test_audit_details_of_another_district_are_not_found(app, orgs, login_as):
    """The issue's example: yx_admin opening an HZ event (hzport_admin's refusal text) by its id."""
    from backoffice.services import audit
    hz = _db.session.execute(_db.select(AdminUser).filter_by(username="hzport_admin")).scalar_one()
    event = audit.record("application_refused", actor=hz, detail={"reason": "海珠港的拒绝理由"})
    _db.session.commit()
    client = app.test_client()
    login_as("YX", c=client)
    resp = client.get(f"/admin/audit/details/?id={event.id}")
    assert resp.status_code == 302 and "海珠港的拒绝理由" not in client.get(resp.headers["Location"]).text
    assert "海珠港的拒绝理由" not in client.get("/admin/audit/export/csv/").get_data(as_text=True)
    login_as("HZ", c=client)
    assert "海珠港的拒绝理由" in client.get(f"/admin/audit/details/?id={event.id}").text
    assert _db.session.get(AuditEvent, event.id) is not None
