"""Bulk approve as a job: RQ when REDIS_URL is set, in-process otherwise; progress lives in review_job."""
from flask import current_app, has_app_context

from ..domain.integrity import bulk_refusal
from ..domain.review import ReviewError
from ..extensions import db
from ..models import AdminUser, Application, Batch, ReviewJob
from ..models.base import utcnow
from ..services import audit
from ..services.review import approve, may_act, why_not
from ..services.queue import bulk_queue_name, get_queue
from . import queue as review_queue


def start_bulk_approve(admin: AdminUser, f: review_queue.QueueFilter) -> ReviewJob:
    """Snapshot the whole filtered set (not just the page): only what my level may act on now (its turn, review
    period open: domain.review.can_act), only verified rows without flags (domain.integrity.bulk_refusal);
    each row is asked again when the job reaches it."""
    f.mine, f.flag, f.verified = True, "none", True
    stmt = review_queue.build(admin.org, f).join(Batch, Batch.id == Application.batch_id) \
        .where(Batch.review_closes_at >= utcnow())  # can_act's deadline, as SQL for the snapshot
    ids = list(db.session.execute(stmt.with_only_columns(Application.id)).scalars())
    job = ReviewJob(kind="bulk_approve", org_id=admin.org_id, admin_id=admin.id, total=len(ids),
                    params={"ids": ids, "filter": f.as_params()})
    db.session.add(job)
    audit.record("bulk_approve_started", actor=admin, target=job, detail={"count": len(ids)})
    db.session.commit()
    q = get_queue(current_app, bulk_queue_name(current_app))
    if q is not None:
        try:  # enqueued after the commit so the worker always finds the row
            q.enqueue("backoffice.review.jobs.run_job", job.id, job_timeout=3600, failure_ttl=86400,
                      meta={"kind": "bulk_approve"})
            return job
        except Exception:  # Redis down: do the work here rather than lose it
            current_app.logger.exception("could not enqueue bulk approve %s; running in-process", job.id)
    run_job(job.id)
    return job


def run_job(job_id: int) -> None:
    """Entry point for the worker; opens an app context when called outside one."""
    if has_app_context():
        _run(job_id)
        return
    from .. import create_app
    with create_app().app_context():
        _run(job_id)


def _run(job_id: int) -> None:
    job = db.session.get(ReviewJob, job_id)
    if job is None or job.status in ("done", "running"):
        return
    admin = db.session.get(AdminUser, job.admin_id)
    job.status = "running"
    db.session.commit()
    results = []
    try:
        for app_id in job.params.get("ids", []):
            results.append(_approve_one(app_id, admin))
            _progress(job_id, results)
    except Exception as exc:  # the report still says how far it got
        db.session.rollback()
        current_app.logger.exception("bulk approve %s failed", job_id)
        _finish(job_id, results, "failed", str(exc))
        return
    _finish(job_id, results, "done", None)


def _approve_one(app_id: int, admin) -> dict:
    application = db.session.get(Application, app_id)
    if application is None:
        return {"id": app_id, "ok": False, "message": "申请不存在"}
    if not may_act(application, admin):
        return {"id": app_id, "ok": False, "message": why_not(application, admin)}
    refusal = bulk_refusal(application.flags or [], [d.verification_status.value for d in application.documents])
    if refusal:
        return {"id": app_id, "ok": False, "message": refusal}
    try:
        approve(application, admin, reason="批量审核通过")
    except ReviewError as exc:
        db.session.rollback()
        return {"id": app_id, "ok": False, "message": str(exc)}
    final = application.state.value == "approved"
    return {"id": app_id, "ok": True, "message": "审核通过（终审）" if final else "已通过，转上级审核"}


def _progress(job_id: int, results: list[dict]) -> None:
    job = db.session.get(ReviewJob, job_id)
    job.done = len(results)
    job.succeeded = sum(1 for r in results if r["ok"])
    db.session.commit()


def _finish(job_id: int, results: list[dict], status: str, error: str | None) -> None:
    job = db.session.get(ReviewJob, job_id)
    job.results = results
    job.done = len(results)
    job.succeeded = sum(1 for r in results if r["ok"])
    job.status, job.error, job.finished_at = status, error, utcnow()
    db.session.commit()
