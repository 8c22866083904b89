"""导出: any console list as streaming CSV or XLSX, formulas neutralised, personal data masked unless allowed."""
import csv
import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response, stream_with_context

from ..domain.masking import MASKERS, neutralise
from . import audit


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable
    mask: str | None = None  # a key of domain.masking.MASKERS


def cell_values(columns: list[Column], obj, unmask: bool) -> list:
    out = []
    for col in columns:
        value = col.get(obj)
        if col.mask and not unmask and value is not None:
            value = MASKERS[col.mask](str(value))
        out.append(_plain(value))
    return out


def _plain(value):
    if value is None:
        return ""
    if hasattr(value, "value") and not isinstance(value, (int, float)):
        value = value.value  # enums
    if hasattr(value, "quantize"):
        value = float(value)  # Decimal amounts
    return neutralise(value) if isinstance(value, str) else value


def csv_chunks(headers: list[str], rows: Iterable[list]):
    """UTF-8 with BOM so Excel opens Chinese text correctly; one chunk per 500 rows."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow([neutralise(h) for h in headers])
    for i, row in enumerate(rows, start=1):
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
        if i % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def xlsx_bytes(headers: list[str], rows: Iterable[list], sheet: str = "导出") -> bytes:
    """openpyxl's write-only mode keeps memory flat; the file is spooled to disk past 8 MB."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append([neutralise(h) for h in headers])
    for row in rows:
        # Cells are strings or numbers: openpyxl would treat a leading "=" as a formula, so neutralise again.
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as tmp:
        wb.save(tmp)
        tmp.seek(0)
        return tmp.read()


def response(name: str, fmt: str, columns: list[Column], objects: Iterable, *, admin, unmask: bool = False,
             what: str = "") -> Response:
    """Stream an export; unmasking needs AdminUser.can_unmask and is always audited."""
    from ..extensions import db
    unmask = bool(unmask and getattr(admin, "can_unmask", False))
    audit.record("export_unmasked" if unmask else "export", actor=admin,
                 detail={"list": what or name, "format": fmt})
    db.session.commit()
    headers = [c.header for c in columns]
    rows = (cell_values(columns, o, unmask) for o in objects)
    disposition = f"attachment; filename*=UTF-8''{quote(name)}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    if fmt == "xlsx":
        return Response(xlsx_bytes(headers, rows), headers={"Content-Disposition": disposition},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(stream_with_context(csv_chunks(headers, rows)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})
