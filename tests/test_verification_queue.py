"""Verification through a real RQ worker on the real Redis: end to end, idempotency, failures, Redis down."""
import pytest
from factories.verification import seeded_document
from rq import SimpleWorker

from backoffice.domain.enums import VerificationStatus as VS
from backoffice.extensions import db as _db
from backoffice.models import AuditEvent, Document, VerificationResult
from backoffice.services import verification
from backoffice.services.queue import get_queue
from backoffice.verification.sweeper import sweep_stuck

pytestmark = pytest.mark.redis


@pytest.fixture
def rq_app(redis_app):
    """The app with Redis on: its own queue name and job-id prefix, retries without waiting."""
    return redis_app(VERIFY_RETRY_INTERVALS=[0, 0, 0])


@pytest.fixture
def hz_port(rq_app):
    from backoffice.demo.seed import ensure_demo_orgs
    made = ensure_demo_orgs()
    _db.session.commit()
    return made["HZ-PORT"]


def _work(app) -> None:
    queue = get_queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    _db.session.expire_all()


def test_upload_is_queued_then_verified_by_the_worker(rq_app, hz_port):
    document = seeded_document(hz_port, seal=False)
    verification.request_verification([document.id])
    assert _db.session.get(Document, document.id).verification_status == VS.QUEUED
    assert get_queue(rq_app).count == 1
    _work(rq_app)
    document = _db.session.get(Document, document.id)
    assert document.verification_status == VS.DONE and document.verification_started_at is not None
    result = _db.session.execute(_db.select(VerificationResult)).scalar_one()
    assert "seal_present" in result.flags
    assert "application_form:seal_present" in document.application.flags


def test_same_document_twice_gives_one_result(rq_app, hz_port):
    document = seeded_document(hz_port)
    verification.request_verification([document.id])
    verification.request_verification([document.id])   # same job id: not queued twice
    assert get_queue(rq_app).count == 1
    _work(rq_app)
    _db.session.get(Document, document.id).verification_status = VS.PENDING
    _db.session.commit()
    verification.request_verification([document.id])   # queued again: reuses the stored result
    _work(rq_app)
    assert _db.session.execute(_db.select(_db.func.count(VerificationResult.id))).scalar() == 1
    assert _db.session.get(Document, document.id).verification_status == VS.DONE


def test_failure_after_retries_marks_failed_then_requeue_works(rq_app, hz_port, monkeypatch):
    document = seeded_document(hz_port)

    def broken(*args, **kwargs):
        raise RuntimeError("tesseract crashed")
    monkeypatch.setattr("verifier.verify_bytes", broken)
    verification.request_verification([document.id])
    _work(rq_app)   # first attempt + 3 immediate retries
    document = _db.session.get(Document, document.id)
    assert document.verification_status == VS.FAILED and document.verification_attempts == 4
    assert "tesseract crashed" in document.verification_error
    assert "application_form:verification_failed" in document.application.flags
    assert _db.session.execute(_db.select(AuditEvent).filter_by(action="document_verification_failed")).scalar()

    monkeypatch.undo()
    assert verification.requeue([document], via="test") == 1
    assert _db.session.get(Document, document.id).verification_status == VS.QUEUED
    _work(rq_app)
    document = _db.session.get(Document, document.id)
    assert document.verification_status == VS.DONE
    assert "application_form:verification_failed" not in document.application.flags


def test_redis_down_leaves_pending_and_sweeper_enqueues_later(tmp_path, rq_app, hz_port, unique_name):
    document = seeded_document(hz_port)
    good_redis = rq_app.extensions["xuebu_redis"]
    from redis import Redis
    rq_app.extensions["xuebu_redis"] = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    verification.request_verification([document.id])   # must not raise
    assert _db.session.get(Document, document.id).verification_status == VS.PENDING
    assert sweep_stuck()["requeued"] == 0             # too young, and Redis still down anyway

    rq_app.extensions["xuebu_redis"] = good_redis
    from datetime import timedelta
    later = document.uploaded_at + timedelta(minutes=10)
    assert sweep_stuck(later) == {"stuck": 0, "waiting": 1, "requeued": 1}
    assert _db.session.get(Document, document.id).verification_status == VS.QUEUED
    _work(rq_app)
    assert _db.session.get(Document, document.id).verification_status == VS.DONE


def test_document_left_verifying_by_a_dead_worker_is_swept(rq_app, hz_port):
    from datetime import timedelta

    from backoffice.models.base import utcnow
    document = seeded_document(hz_port)
    verification.request_verification([document.id])
    queue = get_queue(rq_app)
    job = queue.fetch_job(verification.job_id_for(document))
    queue.remove(job)   # the worker took it off the queue ...
    job.set_status("started")
    document.verification_status = VS.VERIFYING   # ... and died mid-job
    document.verification_started_at = utcnow() - timedelta(hours=1)
    _db.session.commit()
    assert sweep_stuck() == {"stuck": 1, "waiting": 0, "requeued": 1}
    _work(rq_app)
    assert _db.session.get(Document, document.id).verification_status == VS.DONE
    assert sweep_stuck()["requeued"] == 0
