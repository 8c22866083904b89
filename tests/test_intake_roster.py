"""Roster import (CSV and XLSX, Chinese or English headers): a row-level report, idempotent re-import; seed-load."""
import io
from datetime import date

from factories.intake import id_number
from openpyxl import Workbook, load_workbook

from backoffice.extensions import db
from backoffice.models import (
    Application,
    Batch,
    Document,
    RosterEntry,
    VerificationResult,
)
from backoffice.services.roster_import import import_roster, parse_date, report_xlsx

CSV = "\n".join([
    "姓名,身份证号,预报名批次,入学时间,学校,层次,单位代码",
    f"张三,{id_number(1)},2016年秋季,2016-09-01,广东开放大学,大专,YX-METRO",
    f"李四,{id_number(2).lower()},2016年秋季,2016/9/1,广东开放大学,本科,HZ-PORT",
    "王五,110105194912310021,2016年秋季,2016-09-01,广东开放大学,大专,YX-METRO",   # bad checksum
    f"赵六,{id_number(4)},2016年秋季,九月,广东开放大学,大专,YX-METRO",               # bad date
    f"钱七,{id_number(5)},2016年秋季,2016-09-01,广东开放大学,大专,NOPE",              # unknown org
    f"张三,{id_number(1)},2016年秋季,2016-09-01,广东开放大学,大专,YX-METRO",          # duplicate in file
    f"孙八,{id_number(6)},2017年春季,2016-09-01,广东开放大学,大专,YX-METRO",          # other roster batch
    ",,,,,,",
])


def test_csv_import_reports_each_row_and_keeps_good_ones(app, orgs):
    report = import_roster("list.csv", CSV.encode("utf-8-sig"), "2016年秋季")
    assert [(r.row, r.status) for r in report.rows] == [
        (2, "created"), (3, "created"), (4, "error"), (5, "error"), (6, "error"), (7, "error"), (8, "error")]
    messages = {r.row: "".join(r.messages) for r in report.rows}
    assert "校验位" in messages[4] and "无法识别" in messages[5] and "NOPE" in messages[6]
    assert "第 2 行" in messages[7] and "不一致" in messages[8]
    entries = db.session.execute(db.select(RosterEntry).order_by(RosterEntry.id)).scalars().all()
    assert [(e.name, e.id_number, e.enrolment_date) for e in entries] == [
        ("张三", id_number(1), date(2016, 9, 1)), ("李四", id_number(2), date(2016, 9, 1))]
    assert entries[0].org_id == orgs["YX-METRO"].id
    again = import_roster("list.csv", CSV.encode("utf-8-sig"), "2016年秋季")
    assert [r.status for r in again.rows][:2] == ["unchanged", "unchanged"]
    assert db.session.execute(db.select(db.func.count(RosterEntry.id))).scalar() == 2
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "姓名", "身份证号", "结果", "说明") and rows[3][3] == "错误"
    assert "*" in rows[1][2]  # ID numbers are masked in the downloadable report


def test_xlsx_with_english_headers_and_excel_dates_updates_changed_rows(app, orgs):
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "id_number", "enrolment_date", "school", "level", "org_code", "graduated"])
    ws.append(["张三", id_number(1), date(2018, 9, 1), "华南理工", "本科", "HZ-PORT", "是"])
    ws.append(["李四", 110105194912310045.0, date(2018, 9, 1), "华南理工", "本科", "HZ-PORT", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    report = import_roster("list.xlsx", buf.getvalue(), "2018年秋季")
    assert [r.status for r in report.rows] == ["created", "error"]
    assert "文本" in report.rows[1].messages[0]
    entry = db.session.execute(db.select(RosterEntry)).scalar_one()
    assert entry.graduated is True and entry.level == "本科"
    ws.cell(row=2, column=5, value="大专")
    buf = io.BytesIO()
    wb.save(buf)
    assert import_roster("list.xlsx", buf.getvalue(), "2018年秋季").rows[0].status == "updated"


def test_parse_date_forms():
    assert parse_date("2016年9月1日") == parse_date("20160901") == parse_date("2016.09.01") == date(2016, 9, 1)
    assert parse_date("2016-09") == date(2016, 9, 1) and parse_date(42614) == date(2016, 9, 1)
    assert parse_date("2016-02-30") is None and parse_date("") is None


def test_cli_import_roster_prints_rows_and_bad_file_fails_cleanly(app, orgs, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(CSV, encoding="utf-8")
    runner = app.test_cli_runner()
    out = runner.invoke(args=["import-roster", str(path), "--roster-batch", "2016年秋季",
                              "--report-out", str(tmp_path / "r.xlsx")])
    assert out.exit_code == 0, out.output
    assert "第2行\t新增" in out.output and "第4行\t错误" in out.output and "新增 2" in out.output
    assert (tmp_path / "r.xlsx").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    out = runner.invoke(args=["import-roster", str(bad), "--roster-batch", "x"])
    assert out.exit_code == 2 and "无法" in out.output


def test_seed_load_builds_a_complete_world(app, orgs, tmp_path):
    tokens = tmp_path / "tokens.tsv"
    out = app.test_cli_runner().invoke(args=["seed-load", "--applicants", "30", "--quota", "10",
                                             "--tokens-out", str(tokens)])
    assert out.exit_code == 0, out.output
    lines = [line.split("\t") for line in tokens.read_text().splitlines()]
    assert len(lines) == 30
    batch = db.session.execute(db.select(Batch).order_by(Batch.id.desc())).scalars().first()
    assert (batch.quota, batch.waitlist_cap) == (10, 20)
    apps = db.session.execute(db.select(Application).where(Application.batch_id == batch.id)).scalars().all()
    assert sorted(a.id for a in apps) == sorted(int(i) for i, _ in lines)
    assert db.session.execute(db.select(db.func.count(Document.id))).scalar() == 60
    assert db.session.execute(db.select(db.func.count(VerificationResult.id))).scalar() == 60
    client = app.test_client()
    app_id, token = lines[0]
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json["quota_rank"] == 1
