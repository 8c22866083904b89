"""Large exports as background jobs: the worker replays the admin's export request and writes the file at flat
memory, with progress for the progress bar; the admin downloads it from 我的导出 when it is ready."""
import secrets
from pathlib import Path

from flask import abort, current_app, g, send_file
from flask_admin import expose
from flask_login import current_user, login_user
from sqlalchemy import select, update

from ..domain.clock import beijing_today
from ..extensions import db
from ..models import AdminUser, ReviewJob
from ..models.base import utcnow
from ..services.exports import csv_chunks, filename, table, write_xlsx
from ..services.queue import bulk_queue_name, get_queue
from .base import SecuredView
from .exporting import XLSX_MIME, disposition, streamed

JOB_FUNC = "backoffice.admin.export_jobs.run_export"
PROGRESS_EVERY = 2000   # rows between progress updates: a few per second at most
KEEP_DAYS = 7           # how long a finished export's file stays downloadable


def start(admin: AdminUser, path: str, title: str, fmt: str, total: int) -> ReviewJob:
    job = ReviewJob(kind="export", org_id=admin.org_id, admin_id=admin.id, total=total,
                    params={"path": path, "title": title, "fmt": fmt})
    db.session.add(job)
    db.session.commit()
    queue = get_queue(current_app, bulk_queue_name(current_app))
    if queue is not None:
        try:  # after the commit, so the worker always finds the row
            queue.enqueue(JOB_FUNC, job.id, job_timeout=3600, failure_ttl=86400, meta={"kind": "export"})
            return job
        except Exception:  # Redis down: write it here rather than lose it
            current_app.logger.exception("could not enqueue export %s; writing it in-process", job.id)
    run_export(job.id)
    return job


def run_export(job_id: int) -> None:
    """The worker's entry point: the admin's own export request, replayed with the job's id in `g`."""
    from ..verification.jobs import app_context
    with app_context():
        job = db.session.get(ReviewJob, job_id)
        if job is None or job.status != "queued":
            return
        admin = db.session.get(AdminUser, job.admin_id)
        _set(job_id, status="running")
        try:
            with current_app.test_request_context(job.params["path"]):
                login_user(admin)  # scope, filters and the right to unmask are the admin's, checked as usual
                g.export_job_id = job_id
                endpoint, args = current_app.url_map.bind("localhost").match(job.params["path"].split("?")[0])
                current_app.view_functions[endpoint](**args)
        except Exception as exc:
            db.session.rollback()
            current_app.logger.exception("export job %s failed", job_id)
            _set(job_id, status="failed", error=f"导出失败（{type(exc).__name__}），请重试或缩小筛选范围。",
                 finished_at=utcnow())


def write_file(job_id: int, title: str, fmt: str, columns, stmt, unmask: bool) -> str:
    """Stream the rows into the job's file; progress goes through a connection of its own, since the rows come
    from a server-side cursor that a commit on the session would close."""
    key = f"exports/{job_id}-{secrets.token_hex(8)}.{fmt}"
    path = Path(current_app.config["UPLOAD_DIR"]) / key
    path.parent.mkdir(parents=True, exist_ok=True)

    def counted(objects):
        for n, obj in enumerate(objects, start=1):
            if n % PROGRESS_EVERY == 0:
                _set(job_id, done=n)
            yield obj

    rows = table(columns, counted(streamed(stmt)), unmask)
    with path.open("wb") as out:
        if fmt == "csv":
            for chunk in csv_chunks(rows):
                out.write(chunk)
        else:
            write_xlsx(rows, out, sheet=title)
    done = db.session.get(ReviewJob, job_id).total
    _set(job_id, status="done", done=done, succeeded=done, file_key=key, finished_at=utcnow())
    return key


def _set(job_id: int, **values) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(ReviewJob).where(ReviewJob.id == job_id).values(**values))


class ExportJobsView(SecuredView):
    """我的导出: the admin's own export jobs, their progress and their files."""

    @expose("/")
    def index(self):
        jobs = db.session.execute(select(ReviewJob).where(
            ReviewJob.kind == "export", ReviewJob.admin_id == current_user.id)
            .order_by(ReviewJob.id.desc()).limit(50)).scalars().all()
        return self.render("admin/export_jobs.html", jobs=jobs)

    @expose("/<int:job_id>")
    def job(self, job_id):
        return self.render("admin/export_job.html", job=self._mine(job_id))

    @expose("/<int:job_id>/download")
    def download(self, job_id):
        job = self._mine(job_id)
        if job.status != "done" or not job.file_key:
            abort(404)
        path = Path(current_app.config["UPLOAD_DIR"]) / job.file_key
        if not path.exists():
            abort(410)
        name = filename(job.params["title"], job.params["fmt"], beijing_today(job.finished_at or utcnow()))
        resp = send_file(path, mimetype=XLSX_MIME if job.params["fmt"] == "xlsx" else "text/csv")
        resp.headers["Content-Disposition"] = disposition(name)
        return resp

    @staticmethod
    def _mine(job_id) -> ReviewJob:
        job = db.session.get(ReviewJob, job_id)
        if job is None or job.kind != "export" or job.admin_id != current_user.id:
            abort(404)
        return job


def add_views(admin) -> None:
    admin.add_view(ExportJobsView(name="我的导出", category="我的账号", endpoint="export_jobs", url="/admin/exports"))
