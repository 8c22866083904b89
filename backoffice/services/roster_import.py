"""Importing published pre-registration lists (预报名名单) from XLSX or CSV, row by row, with a report.

Bad rows are reported and skipped; good rows are stored. Importing the same file again changes nothing.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..domain.idcard import id_number_problem, mask_id_number, normalise_id_number
from ..extensions import db
from ..models import Application, Organisation, RosterBatch, RosterEntry
from ..models.base import utcnow
from . import audit, verification

HEADERS = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "id_number", "id number", "idnumber"),
    "roster_batch": ("预报名批次", "批次", "roster_batch", "roster batch"),
    "enrolment_date": ("入学时间", "入学日期", "enrolment_date", "enrollment_date", "enrolment date"),
    "school": ("学校", "院校", "school"),
    "level": ("层次", "学历层次", "level"),
    "org_code": ("单位代码", "工会代码", "org_code", "unit_code", "org code"),
    "graduated": ("是否毕业", "已毕业", "graduated"),
    "graduation_date": ("毕业时间", "毕业日期", "graduation_date", "graduation date"),
}
REQUIRED = ("name", "id_number", "enrolment_date", "org_code")
STATUS_LABELS = {"created": "新增", "updated": "更新", "unchanged": "无变化", "error": "错误"}
CHUNK = 500


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong format, no header row)."""


@dataclass
class RowResult:
    row: int
    name: str
    id_number: str
    status: str
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    roster_batch: str
    rows: list[RowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    def summary(self) -> str:
        return (f"预报名批次“{self.roster_batch}”：共 {len(self.rows)} 行，新增 {self.count('created')}，"
                f"更新 {self.count('updated')}，无变化 {self.count('unchanged')}，错误 {self.count('error')}。")


# ---- reading -----------------------------------------------------------------------------------------------

def read_rows(filename: str, data: bytes) -> Iterator[tuple[int, dict]]:
    """(row number as the user sees it, {field: raw value}) for every non-empty data row."""
    raw = _xlsx_rows(data) if filename.lower().endswith((".xlsx", ".xlsm")) else _csv_rows(data)
    header_row = next(raw, None)
    if header_row is None:
        raise ImportFileError("文件是空的。")
    columns = _map_headers(header_row)
    missing = [HEADERS[f][0] for f in REQUIRED if f not in columns.values()]
    if missing:
        raise ImportFileError("缺少必需的列：" + "、".join(missing) + "。第一行应为表头。")
    for number, values in enumerate(raw, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        yield number, {fld: values[i] if i < len(values) else None for i, fld in columns.items()}


def _map_headers(header_row) -> dict[int, str]:
    lookup = {alias.lower(): fld for fld, aliases in HEADERS.items() for alias in aliases}
    return {i: lookup[str(h).strip().lower()] for i, h in enumerate(header_row)
            if h is not None and str(h).strip().lower() in lookup}


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds for non-xlsx input)
        raise ImportFileError("无法读取该 Excel 文件，请另存为 .xlsx 后重试。") from None
    yield from (list(r) for r in wb.worksheets[0].iter_rows(values_only=True))


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别 CSV 文件的编码，请用 UTF-8 保存。")
    yield from csv.reader(io.StringIO(text))


# ---- cleaning one row --------------------------------------------------------------------------------------

_DATE_PATTERNS = (r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", r"^(\d{4})(\d{2})(\d{2})$",
                  r"^(\d{4})[-/.年](\d{1,2})月?$")


def parse_date(value) -> date | None:
    """Dates as Excel and people write them; None when it cannot be read."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial day number
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value or "").strip()
    for pattern in _DATE_PATTERNS:
        m = re.match(pattern, text)
        if m:
            parts = [int(p) for p in m.groups()] + [1]
            try:
                return date(parts[0], parts[1], parts[2])
            except ValueError:
                return None
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _graduated(raw, graduation: date | None) -> bool:
    text = _text(raw).lower()
    if text:
        return text in ("是", "已毕业", "毕业", "yes", "y", "true", "1")
    return graduation is not None and graduation <= date.today()


def clean_row(values: dict, orgs: dict[str, int], batch_name: str) -> tuple[dict | None, list[str]]:
    """The entry's fields, or None with the Chinese reasons the row is refused."""
    problems = []
    name = _text(values.get("name"))
    if not name:
        problems.append("姓名为空")
    raw_id = values.get("id_number")
    if isinstance(raw_id, float):
        problems.append("身份证号被 Excel 转成了数字（后几位已丢失），请把该列设为文本后重新导出")
    number = normalise_id_number(_text(raw_id))
    if not isinstance(raw_id, float):
        id_problem = id_number_problem(number)
        if id_problem:
            problems.append(id_problem)
    enrolment = parse_date(values.get("enrolment_date"))
    if enrolment is None:
        problems.append(f"入学时间“{_text(values.get('enrolment_date'))}”无法识别，请写成 2020-09-01")
    elif enrolment > date.today():
        problems.append("入学时间晚于今天")
    code = _text(values.get("org_code"))
    if code not in orgs:
        problems.append(f"单位代码“{code}”不存在（请先让该单位入网）")
    row_batch = _text(values.get("roster_batch"))
    if row_batch and row_batch != batch_name:
        problems.append(f"预报名批次“{row_batch}”与导入时选择的“{batch_name}”不一致")
    graduation_raw = values.get("graduation_date")
    graduation = parse_date(graduation_raw) if _text(graduation_raw) else None
    if _text(graduation_raw) and graduation is None:
        problems.append("毕业时间无法识别")
    if problems:
        return None, problems
    return {"name": name, "id_number": number, "enrolment_date": enrolment, "org_id": orgs[code],
            "school": _text(values.get("school")) or None, "level": _text(values.get("level")) or None,
            "graduated": _graduated(values.get("graduated"), graduation), "graduation_date": graduation}, []


# ---- importing ---------------------------------------------------------------------------------------------

def ensure_roster_batch(name: str, owner: Organisation | None) -> RosterBatch:
    rb = db.session.execute(select(RosterBatch).filter_by(name=name)).scalar_one_or_none()
    if rb is None:
        owner = owner or db.session.execute(select(Organisation).where(Organisation.parent_id.is_(None))
                                            .order_by(Organisation.id)).scalars().first()
        if owner is None:
            raise ImportFileError("系统中还没有任何组织，无法创建预报名批次。")
        rb = RosterBatch(org_id=owner.id, name=name, published_at=utcnow())
        db.session.add(rb)
        db.session.flush()
    return rb


def import_roster(filename: str, data: bytes, batch_name: str, *, actor=None, owner: Organisation | None = None,
                  progress: Callable[[int], None] | None = None) -> ImportReport:
    """Upsert every good row by (roster batch, ID number); commit in chunks so large files stay light."""
    batch_name = batch_name.strip()
    rows = read_rows(filename, data)
    rb = ensure_roster_batch(batch_name, owner)
    orgs = dict(db.session.execute(select(Organisation.code, Organisation.id)).all())
    existing = {e.id_number: e for e in db.session.execute(
        select(RosterEntry).filter_by(roster_batch_id=rb.id)).scalars()}
    report, seen, renamed = ImportReport(batch_name), {}, []
    for number, values in rows:
        report.rows.append(_import_one(rb, number, values, orgs, existing, seen, renamed))
        if len(report.rows) % CHUNK == 0:
            db.session.commit()
            if progress:
                progress(len(report.rows))
    audit.record("roster_imported", actor=actor, actor_type=None if actor else "system", org_id=rb.org_id,
                 target=rb, detail={"file": filename, **{s: report.count(s) for s in STATUS_LABELS if s != "error"},
                                    "bad_rows": report.count("error")})
    db.session.commit()
    if renamed:     # uploads already compared with the old name are compared with the corrected one
        applications = db.session.execute(select(Application).where(
            Application.roster_entry_id.in_([e.id for e in renamed]))).scalars().all()
        verification.follow_expected(applications, actor=actor, via="roster_changed")
    return report


def _import_one(rb, number, values, orgs, existing, seen, renamed) -> RowResult:
    fields, problems = clean_row(values, orgs, rb.name)
    shown_id = normalise_id_number(_text(values.get("id_number")))
    if fields is None:
        return RowResult(number, _text(values.get("name")), shown_id, "error", problems)
    if fields["id_number"] in seen:
        return RowResult(number, fields["name"], shown_id, "error",
                         [f"与第 {seen[fields['id_number']]} 行身份证号重复"])
    seen[fields["id_number"]] = number
    entry = existing.get(fields["id_number"])
    if entry is None:
        entry = RosterEntry(roster_batch_id=rb.id, **fields)
        db.session.add(entry)
        existing[fields["id_number"]] = entry
        return RowResult(number, fields["name"], shown_id, "created")
    changed = [k for k, v in fields.items() if getattr(entry, k) != v]
    for key in changed:
        setattr(entry, key, fields[key])
    if "name" in changed:
        renamed.append(entry)
    return RowResult(number, fields["name"], shown_id, "updated" if changed else "unchanged")


def report_xlsx(report: ImportReport, mask: bool = True) -> bytes:
    """The row-level report as an Excel file the uploader can fix and re-import from."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    wb = Workbook()
    ws = wb.active
    ws.title = "导入结果"
    ws.append(["行号", "姓名", "身份证号", "结果", "说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="FFE0E0")
    for r in report.rows:
        ws.append([r.row, r.name, mask_id_number(r.id_number) if mask else r.id_number,
                   STATUS_LABELS[r.status], "；".join(r.messages)])
        if r.status == "error":
            for cell in ws[ws.max_row]:
                cell.fill = red
    for col, width in zip("ABCDE", (8, 12, 22, 10, 60)):
        ws.column_dimensions[col].width = width
    ws.append([])
    ws.append([report.summary()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
