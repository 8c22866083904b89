"""Exports: masking, formula neutralisation, unmask permission (audited), CSV and XLSX content."""
import csv
import io

from factories import grant
from factories.review import make_batch, submitted
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from backoffice.domain.masking import mask_card, mask_id_number, mask_name, neutralise
from backoffice.extensions import db
from backoffice.models import AuditEvent


def test_masks():
    assert mask_name("张三") == "张*" and mask_name("张小三") == "张*三" and mask_name("欧阳小明") == "欧**明"
    assert mask_id_number("44010619850312123X") == "4401**********123X"
    assert mask_card("6222020200112233445") == "**** **** **** 3445"


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_a_formula(text):
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.endswith(text)


def _rows_csv(resp):
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))


def test_queue_export_masks_and_neutralises(app, orgs, login_as):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    a.applicant.name = "=HYPERLINK(\"http://x\")"
    a.last_reason = "@SUM(A1)"
    db.session.commit()
    idn = a.applicant.id_number
    c = app.test_client()
    login_as("YX-METRO", c=c)
    rows = _rows_csv(c.get("/admin/review/export/csv?mine=0"))
    assert rows[0][:3] == ["申请编号", "姓名", "身份证号"]
    body = rows[1]
    assert body[2] == mask_id_number(idn) and idn not in "".join(body)
    assert body[1].startswith("'=") and "'@SUM(A1)" in body
    resp = c.get("/admin/review/export/xlsx?mine=0")
    ws = load_workbook(io.BytesIO(resp.data)).active
    cells = [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert cells[2] == mask_id_number(idn)
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in cells)
    # Unmask is ignored without the permission…
    rows = _rows_csv(c.get("/admin/review/export/csv?mine=0&unmask=1"))
    assert rows[1][2] == mask_id_number(idn)
    # …and honoured and audited with it.
    grant("yxmetro_admin", "unmask")
    db.session.commit()
    rows = _rows_csv(c.get("/admin/review/export/csv?mine=0&unmask=1"))
    assert rows[1][2] == idn
    assert db.session.execute(db.select(AuditEvent).filter_by(action="export_unmasked")).scalars().first()


def test_export_stays_in_the_subtree(app, orgs, login_as):
    batch = make_batch(orgs)
    submitted(orgs, batch, rank=1)
    submitted(orgs, batch, rank=2, unit="HZ-PORT")
    db.session.commit()
    c = app.test_client()
    login_as("HZ", c=c)
    rows = _rows_csv(c.get("/admin/review/export/csv?mine=0"))
    assert len(rows) == 2 and rows[1][4] == orgs["HZ-PORT"].name
