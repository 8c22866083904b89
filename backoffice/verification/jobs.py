"""Thin RQ jobs: verify one document; mark it failed when RQ has used up the retries."""
import logging
from contextlib import contextmanager

from flask import has_app_context

log = logging.getLogger(__name__)
_app = None


@contextmanager
def app_context():
    """worker.py pushes the app context once (work horses inherit it); anything else gets one here."""
    if has_app_context():
        yield
        return
    global _app
    if _app is None:
        from backoffice import create_app
        _app = create_app()
    with _app.app_context():
        yield
        from backoffice.extensions import db
        db.session.remove()


def verify_document(document_id: int) -> dict:
    """RQ job: verify document_id; exceptions propagate so RQ retries."""
    from backoffice.extensions import db
    from backoffice.services import verification
    with app_context():
        try:
            result = verification.run_verification(document_id)
        except Exception as exc:
            db.session.rollback()
            verification.note_retry(document_id, f"{type(exc).__name__}: {exc}")
            raise
        return {"document_id": document_id, "flags": result.flags if result else None}


def on_verification_failure(job, connection, exc_type, exc_value, tb) -> None:
    """RQ on_failure callback: runs after every failed attempt; acts only when no retry is left."""
    if job.retries_left:
        return
    from backoffice.services import verification
    document_id = job.args[0] if job.args else job.meta.get("document_id")
    with app_context():
        verification.mark_failed(document_id, f"{getattr(exc_type, '__name__', exc_type)}: {exc_value}")
