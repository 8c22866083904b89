"""Console exports (Flask-Admin CSV/XLSX): personal data masked, formulas neutralised, unmasking audited."""
import csv
import io

from backoffice.models import AuditEvent
from factories import grant, make
from backoffice.models import RosterEntry


def _rows(resp):
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


def _roster_row(orgs, db, name="=HYPERLINK(\"http://x\")"):
    entry = make(RosterEntry, orgs["YX-METRO"])
    entry.name = name
    db.session.commit()
    return entry


def test_export_masks_id_numbers_and_neutralises_formulas(client, orgs, login_as, db):
    entry = _roster_row(orgs, db)
    login_as("YX")
    rows = _rows(client.get("/admin/roster/export/csv/"))
    text = "\n".join(",".join(r) for r in rows)
    assert entry.id_number not in text
    assert entry.id_number[:4] + "*" * 10 + entry.id_number[-4:] in text
    cells = [c for r in rows[1:] for c in r]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert "'=**" in text  # a name: masked, and what is left of it still cannot start a formula


def test_unmask_permission_shows_full_values_and_is_audited(client, orgs, login_as, db):
    entry = _roster_row(orgs, db, name="李四")
    grant("yx_admin", "unmask")
    db.session.commit()
    login_as("YX")
    masked = client.get("/admin/roster/export/csv/").get_data(as_text=True)
    assert entry.id_number not in masked and "李*" in masked  # full values only when asked for
    assert "导出（不脱敏）" in client.get("/admin/roster/").text
    text = client.get("/admin/roster/export/csv/?unmask=1").get_data(as_text=True)
    assert entry.id_number in text and "李四" in text
    events = db.session.execute(db.select(AuditEvent).filter_by(action="export_unmasked")).scalars().all()
    assert len(events) == 1 and events[0].detail["list"] == "预报名名单"
