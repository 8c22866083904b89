"""Document verification: request it (RQ or inline), run it for one document, record failures, requeue.

Flags on an application are stored as "<document kind>:<check name>" (e.g. "id_card_front:name_match"),
one per check that did not pass on the latest document of each kind, plus "<kind>:verification_failed"
when automatic verification gave up on a document. Flags without a colon belong to other features and
are left untouched.
"""
import logging
import re
from contextlib import contextmanager
from datetime import datetime
from threading import Event, Thread

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..crypto import lookup_hash
from ..domain.enums import VerificationStatus as VS
from ..domain.payments import normalise_card
from ..domain.flags import FAILED_FLAG
from ..extensions import db
from ..models import Application, Document, VerificationResult
from ..models.base import utcnow
from . import audit, storage
from .queue import get_queue

log = logging.getLogger(__name__)

JOB_FUNC = "backoffice.verification.jobs.verify_document"
FAILURE_CALLBACK = "backoffice.verification.jobs.on_verification_failure"
DEFAULTS = {"VERIFY_JOB_TIMEOUT": 180, "VERIFY_RETRY_INTERVALS": [10, 30, 60], "VERIFY_RESULT_TTL": 3600,
            "VERIFY_FAILURE_TTL": 7 * 24 * 3600, "VERIFY_JOB_PREFIX": "verify-doc",
            # A running verification says it is alive this often; the sweeper calls it dead after
            # VERIFY_STUCK_AFTER seconds without a beat (sweeper.py), so a killed worker costs about a minute.
            "VERIFY_HEARTBEAT": 10}


def setting(name: str):
    return current_app.config.get(name, DEFAULTS.get(name))


def checks_version() -> str:
    import verifier
    return verifier.CHECKS_VERSION


# ---- requesting ---------------------------------------------------------------------------------------

def request_verification(document_ids: list[int]) -> None:
    """Call after the upload is committed: queue each document, or verify in-process without Redis."""
    _refresh_flags(document_ids)
    if get_queue(current_app) is None:
        if setting("VERIFY_INLINE"):
            for document_id in document_ids:
                verify_inline(document_id)
        return
    for document_id in document_ids:
        if not enqueue_document(document_id):
            break  # Redis is down: the rest stay PENDING too and the sweeper enqueues them later


def _refresh_flags(document_ids: list[int]) -> None:
    # A new upload replaces the old one of its kind: drop the old one's flags until the new one is checked.
    applications = db.session.execute(select(Application).where(Application.id.in_(
        select(Document.application_id).where(Document.id.in_(document_ids))))).scalars().all()
    for application in applications:
        recompute_flags(application)
    db.session.commit()


def verify_inline(document_id: int) -> None:
    """Synchronous verification (demo without Redis); a crash marks the document FAILED, never raises."""
    try:
        run_verification(document_id)
    except Exception as exc:
        db.session.rollback()
        log.exception("inline verification of document %s failed", document_id)
        mark_failed(document_id, _describe(exc))


def result_version(document: Document) -> str:
    """The key a result is stored under besides the bytes: the checks version, and a keyed hash of the expected
    values the document's checks compare with (the roster name and ID number, the typed card number; never the
    values themselves), so a corrected roster entry or a changed card is checked again."""
    import verifier
    expected = expected_values(document.application)
    used = [f"{key}={expected[key]}" for key in verifier.expected_keys(document.kind.value) if expected.get(key)]
    return f"{checks_version()}/{lookup_hash(';'.join(used), 'expected')[:8]}" if used else checks_version()


def job_id_for(document: Document) -> str:
    """Same document, same bytes, same checks → same job id, so enqueuing twice runs it once."""
    version = re.sub(r"[^A-Za-z0-9_-]", "_", result_version(document))
    prefix = setting("VERIFY_JOB_PREFIX")  # one Redis shared by several databases (or test runs)
    return f"{prefix}-{document.id}-{document.sha256[:16]}-{version}"


def enqueue_document(document_id: int, *, stale_started: bool = False) -> bool:
    """Put one document on the queue; False when Redis is unreachable (the document stays as it was)."""
    from redis.exceptions import RedisError
    document = db.session.get(Document, document_id)
    if document is None or document.verification_status == VS.DONE:
        return True
    queue = get_queue(current_app)
    try:
        if not _job_alive(queue, job_id_for(document), stale_started):
            _enqueue(queue, document)
    except RedisError as exc:
        log.warning("could not enqueue document %s (%s); the sweeper will retry", document_id, exc)
        return False
    _set_status(document_id, VS.QUEUED, only_from=(VS.PENDING, VS.QUEUED, VS.FAILED, VS.VERIFYING),
                verification_queued_at=utcnow())
    db.session.commit()
    return True


def _job_alive(queue, job_id: str, stale_started: bool) -> bool:
    """An existing job that will still run counts; a dead one (failed, stale) is removed first."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus
    try:
        job = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=False)
    if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
        return True
    if status == JobStatus.STARTED and not stale_started:
        return True
    job.delete()
    return False


def _enqueue(queue, document: Document) -> None:
    from rq import Callback, Retry
    intervals = list(setting("VERIFY_RETRY_INTERVALS"))
    queue.enqueue(
        JOB_FUNC, document.id, job_id=job_id_for(document), description=f"核验材料 #{document.id}",
        job_timeout=setting("VERIFY_JOB_TIMEOUT"), result_ttl=setting("VERIFY_RESULT_TTL"),
        failure_ttl=setting("VERIFY_FAILURE_TTL"), retry=Retry(max=len(intervals), interval=intervals),
        on_failure=Callback(FAILURE_CALLBACK),
        meta={"document_id": document.id, "application_id": document.application_id,
              "kind": document.kind.value, "sha256": document.sha256, "checks_version": checks_version()})


def _set_status(document_id: int, status: VS, only_from=None, **values) -> None:
    stmt = update(Document).where(Document.id == document_id)
    if only_from:
        stmt = stmt.where(Document.verification_status.in_(only_from))
    db.session.execute(stmt.values(verification_status=status, **values).execution_options(
        synchronize_session="fetch"))


# ---- running ------------------------------------------------------------------------------------------

def run_verification(document_id: int) -> VerificationResult | None:
    """Verify one document (reusing a stored result for the same bytes and checks) and update the flags."""
    document = db.session.get(Document, document_id)
    if document is None:
        return None
    result = stored_result(document)
    if result is None:
        version = result_version(document)     # of the expected values the checks are about to compare with
        _mark_verifying(document)
        with heartbeat(document_id):
            payload = _verify(document)
        result = VerificationResult(checks_version=version, sha256=document.sha256, result=payload,
                                    flags=list(payload.get("flags", [])), elapsed_ms=payload.get("elapsed_ms"))
        document.results.append(result)
    try:
        _finish(document)   # may autoflush the new result
        db.session.commit()
    except IntegrityError:  # another worker stored the same key first: keep theirs
        db.session.rollback()
        document = db.session.get(Document, document_id)
        _finish(document)
        db.session.commit()
        result = stored_result(document)
    return result


def stored_result(document: Document) -> VerificationResult | None:
    return db.session.execute(select(VerificationResult).filter_by(
        document_id=document.id, sha256=document.sha256, checks_version=result_version(document))).scalar_one_or_none()


def _mark_verifying(document: Document) -> None:
    # Committed on its own so the sweeper can see a worker that dies mid-job.
    document.verification_status = VS.VERIFYING
    document.verification_started_at = document.verification_alive_at = utcnow()
    document.verification_attempts = (document.verification_attempts or 0) + 1
    db.session.commit()


@contextmanager
def heartbeat(document_id: int):
    """While the block runs, a thread stamps the document's verification_alive_at every VERIFY_HEARTBEAT
    seconds on a connection of its own; a process that is killed stops beating, and the sweeper notices."""
    app, interval, stop = current_app._get_current_object(), float(setting("VERIFY_HEARTBEAT")), Event()

    def beat():
        with app.app_context():
            while not stop.wait(interval):
                try:
                    with db.engine.begin() as conn:
                        conn.execute(update(Document).where(Document.id == document_id,
                                                            Document.verification_status == VS.VERIFYING)
                                     .values(verification_alive_at=utcnow()))
                except Exception:  # a missed beat only makes the sweeper look sooner
                    log.warning("heartbeat of document %s failed", document_id, exc_info=True)

    thread = Thread(target=beat, name=f"heartbeat-{document_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def _verify(document: Document) -> dict:
    import verifier
    data = storage.load(document.storage_key)
    return verifier.verify_bytes(data, document.kind.value, expected_values(document.application))


def expected_values(application: Application) -> dict:
    """What the document should say: the published roster entry first, else what the applicant typed."""
    source = application.roster_entry or application.applicant
    if source is None:
        return {}
    card = _typed_card(application)
    return {"name": source.name, "id_number": source.id_number, **({"card_number": card} if card else {})}


def _typed_card(application: Application) -> str | None:
    """The card number the applicant typed for the payment, which the uploaded card should show."""
    applicant = application.applicant
    return (normalise_card(applicant.bank_card) or None) if applicant else None


def _finish(document: Document) -> None:
    document.verification_status = VS.DONE
    document.verification_error = None
    recompute_flags(document.application)


def recompute_flags(application: Application) -> list[str]:
    """Union of the latest document per kind's flags, as "<kind>:<check>"; other features' flags kept."""
    flags = [f for f in (application.flags or []) if ":" not in f]
    for kind, document in sorted(latest_documents(application).items()):
        if document.verification_status == VS.FAILED:
            flags.append(f"{kind}:{FAILED_FLAG}")
            continue
        result = latest_result(document)
        if document.verification_status == VS.DONE and result is not None:
            flags.extend(f"{kind}:{name}" for name in result.flags or [])
    application.flags = list(dict.fromkeys(flags))
    return application.flags


def latest_documents(application: Application) -> dict[str, Document]:
    """The newest upload of each kind (older ones are history)."""
    latest: dict[str, Document] = {}
    for document in application.documents:
        kind = document.kind.value
        if kind not in latest or (document.id or 0) > (latest[kind].id or 0):
            latest[kind] = document
    return latest


def latest_result(document: Document) -> VerificationResult | None:
    """The result for the document's current bytes, preferring the current checks version."""
    matching = [r for r in document.results if r.sha256 == document.sha256]
    version = result_version(document)
    current = [r for r in matching if r.checks_version == version]
    chosen = current or matching
    return max(chosen, key=lambda r: r.id or 0) if chosen else None


# ---- failures and requeue ------------------------------------------------------------------------------

def note_retry(document_id: int, error: str) -> None:
    """A job attempt failed and RQ will retry: back to QUEUED so the sweeper does not treat it as stuck."""
    _set_status(document_id, VS.QUEUED, only_from=(VS.VERIFYING,), verification_queued_at=utcnow(),
                verification_error=error[:500])
    db.session.commit()


def mark_failed(document_id: int, error: str) -> None:
    """Retries are exhausted: reviewers see "verification failed" and can requeue."""
    document = db.session.get(Document, document_id)
    if document is None or document.verification_status == VS.DONE:
        return
    document.verification_status = VS.FAILED
    document.verification_error = error[:500]
    recompute_flags(document.application)
    audit.record("document_verification_failed", actor_type="system", org_id=document.application.org_id,
                 target=document, detail={"error": error[:500]})
    db.session.commit()


def requeue(documents: list[Document], actor=None, via: str = "console") -> int:
    """Verify the given documents again (failed or stuck ones); returns how many were requested."""
    ids = []
    for document in documents:
        if document.verification_status == VS.DONE and stored_result(document) is not None:
            recompute_flags(document.application)   # that result may be another than the one shown so far
            continue
        document.verification_status = VS.PENDING
        document.verification_error = None
        audit.record("document_verification_requeued", actor=actor, actor_type=None if actor else "system",
                     org_id=document.application.org_id, target=document, detail={"via": via})
        ids.append(document.id)
    db.session.commit()
    request_verification(ids)
    return len(ids)


def follow_expected(applications: list[Application], actor=None, via: str = "roster_changed") -> int:
    """After a value the checks compare with changed (a corrected roster name, a new typed card): the latest
    documents checked against the old value are checked again; a value changed back finds its stored result."""
    stale = []
    for application in applications:
        recompute_flags(application)
        stale += [d for d in latest_documents(application).values()
                  if d.verification_status == VS.DONE and stored_result(d) is None]
    db.session.commit()
    return requeue(stale, actor=actor, via=via) if stale else 0


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def is_stale(started: datetime | None, now: datetime, seconds: int) -> bool:
    return started is None or (now - started).total_seconds() > seconds
