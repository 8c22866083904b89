"""Export responses for every console list: a streamed CSV, or an XLSX built on disk and sent from there.

The rows are read inside the response: a CSV body is produced after the view has returned and its database
session has ended, so the query runs in the generator (in the session stream_with_context gives it).
"""
import tempfile
from collections.abc import Callable, Iterable
from urllib.parse import quote

from flask import Response, request, stream_with_context
from flask_login import current_user

from ..domain.clock import beijing_today
from ..extensions import db
from ..models.base import utcnow
from ..services import audit
from ..services.exports import Column, csv_chunks, filename, table, write_xlsx

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024  # an XLSX larger than this is kept on disk until sent


def wants_unmasked() -> bool:
    """Full values only when asked for and allowed (AdminUser.can_unmask); each such export is audited."""
    return request.args.get("unmask") == "1" and bool(getattr(current_user, "can_unmask", False))


def export_response(title: str, fmt: str, columns: list[Column], objects: Callable[[], Iterable], *,
                    unmask: bool = False, what: str = "") -> Response:
    """`objects` is called when the rows are written, not before."""
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    audit.record("export_unmasked" if unmask else "export", actor=current_user._get_current_object(),
                 detail={"list": what or title, "format": fmt, "unmasked": unmask}, ip=request.remote_addr)
    db.session.commit()
    name = filename(title, fmt, beijing_today(utcnow()))
    # RFC 6266: an ASCII fallback for old clients, the Chinese name for everyone else.
    headers = {"Content-Disposition": f"attachment; filename=\"export.{fmt}\"; filename*=UTF-8''{quote(name)}"}

    def rows():
        yield from table(columns, objects(), unmask)

    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(rows())),
                        mimetype="text/csv", headers=headers | {"Content-Type": "text/csv; charset=utf-8"})
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    write_xlsx(rows(), spool, sheet=title)
    size = spool.tell()
    spool.seek(0)
    return Response(_read(spool), mimetype=XLSX_MIME, headers=headers | {"Content-Length": str(size)},
                    direct_passthrough=True)


def _read(spool, chunk: int = 256 * 1024):
    with spool:
        while data := spool.read(chunk):
            yield data


def streamed(stmt, per: int = 500):
    """A statement's rows, fetched `per` at a time (a server-side cursor on PostgreSQL): memory stays flat."""
    return db.session.execute(stmt.execution_options(yield_per=per)).scalars()
