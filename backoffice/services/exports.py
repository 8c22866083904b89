"""导出: the one pipeline every list's CSV and XLSX goes through — plain values, Beijing time, personal data masked
unless the admin may unmask, spreadsheet formulas neutralised in every cell, UTF-8 with a BOM for Excel."""
import csv
import enum
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain

from ..domain.clock import beijing
from ..domain.enums import ENUM_LABELS
from ..domain.masking import neutralise, shown

CSV_CHUNK_ROWS = 500  # rows per streamed chunk: small enough to start the download at once


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable
    # The kind of personal data in the column (a key of domain.masking.MASKERS), or a function of the row giving
    # it (a column holding an applicant's name on some rows and a username on others).
    mask: str | Callable | None = None

    def kind(self, obj) -> str | None:
        return self.mask(obj) if callable(self.mask) else self.mask


def plain(value):
    """A cell as a person reads it: labels for enumerations, Beijing time, 是/否, numbers as numbers, text for
    anything else (a related row is its name) — and text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        value = ENUM_LABELS.get(type(value), {}).get(value, value.value)
    elif isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, (datetime, date)):
        value = beijing(value)
    elif isinstance(value, Decimal):
        value = float(value)
    elif not isinstance(value, (int, float)):
        value = str(value)
    return neutralise(value) if isinstance(value, str) else value


def cell_values(columns: list[Column], obj, unmask: bool) -> list:
    return [plain(shown(col.kind(obj), col.get(obj), unmask)) for col in columns]


def table(columns: list[Column], objects: Iterable, unmask: bool):
    """The header row, then one row of cells per object (lazily: objects may be a streamed query)."""
    yield [plain(c.header) for c in columns]
    for obj in objects:
        yield cell_values(columns, obj, unmask)


def csv_chunks(rows: Iterable[list]):
    """UTF-8 with a BOM, so Excel on Chinese Windows opens the text correctly; one chunk per CSV_CHUNK_ROWS."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    for i, row in enumerate(rows, start=1):
        writer.writerow(row)
        if i % CSV_CHUNK_ROWS == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


SHEET_ROWS = 1_000_000  # Excel holds 1,048,576 rows a sheet: a longer export goes on in a second sheet


def write_xlsx(rows: Iterable[list], out, sheet: str = "导出") -> None:
    """openpyxl's write-only mode keeps memory flat whatever the number of rows; the first row (the header) is
    repeated at the top of every further sheet."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws, header, n = wb.create_sheet(sheet[:28]), None, 0
    for row in rows:
        if header is None:
            header = row
        elif n and n % SHEET_ROWS == 0:
            ws = wb.create_sheet(f"{sheet[:24]}（{n // SHEET_ROWS + 1}）")
            ws.append(header)
        if row is not header:
            n += 1
        ws.append(row)
    wb.save(out)


def xlsx_bytes(headers: list[str], rows: Iterable[list], sheet: str = "导出") -> bytes:
    """A small sheet in memory (bank files): the header row, then the rows, every cell made plain."""
    buf = io.BytesIO()
    write_xlsx(chain([[plain(h) for h in headers]], ([plain(v) for v in row] for row in rows)), buf, sheet)
    return buf.getvalue()


def filename(title: str, fmt: str, today: date) -> str:
    """What the file holds and when: 申请列表_2026-12-04.xlsx."""
    return f"{title}_{today:%Y-%m-%d}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
