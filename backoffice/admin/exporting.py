"""Export responses for every console list: a streamed CSV or an XLSX for a small list, a background job with a
progress bar and a download link for a large one (EXPORT_INLINE_ROWS).

A list is exported from its statement. The rows are read inside the response: a CSV body is produced after the
view has returned and its database session has ended, so the query runs in the generator (in the session
stream_with_context gives it). A job replays the admin's own export request in the worker (admin/export_jobs.py),
so its scope, filters and permission to unmask are exactly the admin's.
"""
import tempfile
from urllib.parse import quote

from flask import (
    Response,
    current_app,
    g,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from ..domain.clock import beijing_today
from ..extensions import db
from ..models.base import utcnow
from ..services import audit
from ..services.exports import Column, csv_chunks, filename, table, write_xlsx

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024  # an XLSX larger than this is kept on disk until sent
# Up to this many rows answer at once (a few seconds at most); more are written by a job while the admin watches
# a progress bar, so no request holds a web thread for minutes.
EXPORT_INLINE_ROWS = 5000


def wants_unmasked() -> bool:
    """Full values only when asked for and allowed (AdminUser.can_unmask); each such export is audited."""
    return request.args.get("unmask") == "1" and bool(getattr(current_user, "can_unmask", False))


def export_response(title: str, fmt: str, columns: list[Column], stmt, *, unmask: bool = False, what: str = "",
                    total: int | None = None):
    """The export of `stmt`'s rows (ORM entities) as `fmt`: a file now, or a job for a large list."""
    from . import export_jobs
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    if g.get("export_job_id"):  # replayed inside the export job: write the job's file
        return export_jobs.write_file(g.export_job_id, title, fmt, columns, stmt, unmask)
    total = count_rows(stmt) if total is None else total
    audit.record("export_unmasked" if unmask else "export", actor=current_user._get_current_object(),
                 detail={"list": what or title, "format": fmt, "unmasked": unmask, "rows": total},
                 ip=request.remote_addr)
    db.session.commit()
    if total > current_app.config.get("EXPORT_INLINE_ROWS", EXPORT_INLINE_ROWS):
        job = export_jobs.start(current_user._get_current_object(), request.full_path, title, fmt, total)
        return redirect(url_for("export_jobs.job", job_id=job.id))
    return file_response(filename(title, fmt, beijing_today(utcnow())), fmt, columns, stmt, unmask)


def file_response(name: str, fmt: str, columns: list[Column], stmt, unmask: bool) -> Response:
    headers = {"Content-Disposition": disposition(name)}

    def rows():
        _reattach_admin()  # the request's session has ended: formatters may still read the admin's org
        yield from table(columns, streamed(stmt), unmask)

    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(rows())),
                        mimetype="text/csv", headers=headers | {"Content-Type": "text/csv; charset=utf-8"})
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    write_xlsx(rows(), spool, sheet=name.rsplit("_", 1)[0])
    size = spool.tell()
    spool.seek(0)
    return Response(read_chunks(spool), mimetype=XLSX_MIME, headers=headers | {"Content-Length": str(size)},
                    direct_passthrough=True)


def _reattach_admin() -> None:
    from sqlalchemy import inspect
    user = current_user._get_current_object()
    state = inspect(user, raiseerr=False)  # None for the anonymous user
    if state is not None and state.detached:
        db.session.add(user)


def disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback for old clients, the Chinese name for everyone else."""
    ext = name.rsplit(".", 1)[-1]
    return f"attachment; filename=\"export.{ext}\"; filename*=UTF-8''{quote(name)}"


def read_chunks(fileobj, chunk: int = 256 * 1024):
    with fileobj:
        while data := fileobj.read(chunk):
            yield data


def count_rows(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def streamed(stmt, per: int = 500):
    """A statement's rows (its entities when it selects one), fetched `per` at a time (a server-side cursor on
    PostgreSQL): memory stays flat."""
    result = db.session.execute(stmt.execution_options(yield_per=per))
    described = stmt.column_descriptions
    return result.scalars() if len(described) == 1 and described[0]["expr"] is described[0]["entity"] else result
