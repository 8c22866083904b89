"""The sweeper: nothing stays stuck — dead workers' documents and failed enqueues are queued again."""
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, select

from ..domain.enums import VerificationStatus as VS
from ..extensions import db
from ..models import Document
from ..models.base import utcnow
from ..services import verification
from ..services.queue import get_queue

log = logging.getLogger(__name__)

# VERIFYING with no heartbeat for this long means the worker died: four missed beats (VERIFY_HEARTBEAT 10 s),
# so a slow page under load is never taken for a dead one, and with the sweep every SWEEP_INTERVAL a killed
# worker's document is queued again within about a minute.
STUCK_AFTER = 40
SWEEP_INTERVAL = 15
# PENDING/QUEUED longer than this: the enqueue may have been lost (Redis down, flushed queue).
PENDING_AFTER = 120
# A document that keeps killing its worker (e.g. an image that exhausts memory) is given up on.
MAX_ATTEMPTS = 6
BATCH = 500


def sweep_stuck(now: datetime | None = None) -> dict:
    """Re-enqueue (or, without Redis, verify inline) documents that are stuck; returns counts by kind."""
    now = now or utcnow()
    stuck_after = current_app.config.get("VERIFY_STUCK_AFTER", STUCK_AFTER)
    pending_after = current_app.config.get("VERIFY_PENDING_AFTER", PENDING_AFTER)
    stuck = _ids(Document.verification_status == VS.VERIFYING,
                 func.coalesce(Document.verification_alive_at, Document.verification_started_at,
                               Document.uploaded_at) < now - timedelta(seconds=stuck_after))
    waiting = _ids(Document.verification_status.in_((VS.PENDING, VS.QUEUED)),
                   func.coalesce(Document.verification_queued_at, Document.uploaded_at)
                   < now - timedelta(seconds=pending_after))
    stuck = _give_up_on_hopeless(stuck)
    counts = {"stuck": len(stuck), "waiting": len(waiting), "requeued": 0}
    if stuck or waiting:
        counts["requeued"] = _requeue(stuck, stale=True) + _requeue(waiting, stale=False)
        log.info("sweep: %s", counts)
    return counts


def _give_up_on_hopeless(document_ids: list[int]) -> list[int]:
    """Mark FAILED the stuck documents that already had MAX_ATTEMPTS tries; return the others."""
    limit = current_app.config.get("VERIFY_MAX_ATTEMPTS", MAX_ATTEMPTS)
    keep = []
    for document_id in document_ids:
        if (db.session.get(Document, document_id).verification_attempts or 0) >= limit:
            verification.mark_failed(document_id, f"核验进程已中断 {limit} 次，请人工审核")
        else:
            keep.append(document_id)
    return keep


def _ids(*conditions) -> list[int]:
    stmt = select(Document.id).where(and_(*conditions)).order_by(Document.id).limit(BATCH)
    return list(db.session.execute(stmt).scalars())


def _requeue(document_ids: list[int], stale: bool) -> int:
    if not document_ids:
        return 0
    if get_queue(current_app) is None:
        for document_id in document_ids:
            verification.verify_inline(document_id)
        return len(document_ids)
    done = 0
    for document_id in document_ids:
        if not verification.enqueue_document(document_id, stale_started=stale):
            break  # Redis still down; try again next sweep
        done += 1
    return done
