"""Telling applicants what happened: a pluggable backend (config NOTIFIER), a log backend by default.

Notices raised inside a transaction are sent only after it commits (`notify_after_commit`), so an
applicant is never told about a change that was rolled back.
"""
from __future__ import annotations

import importlib
import logging
from types import SimpleNamespace

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..domain.masking import mask_mobile

log = logging.getLogger("xuebu.notify")
_PENDING = "xuebu_pending_notices"


class LogNotifier:
    """Writes the notice to the log and nothing else (no SMS gateway in the demo)."""

    def send(self, applicant, subject: str, body: str) -> None:
        log.info("notify applicant=%s mobile=%s subject=%s body=%s", getattr(applicant, "id", None),
                 mask_mobile(getattr(applicant, "mobile", "") or ""), subject, body)


class MemoryNotifier:
    """Keeps notices in a list; for tests."""
    sent: list = []

    def send(self, applicant, subject: str, body: str) -> None:
        MemoryNotifier.sent.append((getattr(applicant, "id", None), subject, body))


BACKENDS = {"log": LogNotifier, "memory": MemoryNotifier}


def backend():
    name = current_app.config.get("NOTIFIER", "log") if has_app_context() else "log"
    if name in BACKENDS:
        return BACKENDS[name]()
    module, _, cls = name.partition(":")
    return getattr(importlib.import_module(module), cls)()


def notify(applicant, subject: str, body: str) -> None:
    """Send now; failures are logged, never raised (the change the notice is about already happened)."""
    try:
        backend().send(applicant, subject, body)
    except Exception:
        log.exception("notification failed for applicant %s", getattr(applicant, "id", None))


def notify_after_commit(session: Session, applicant, subject: str, body: str) -> None:
    """Queue a notice on the session; it goes out after the commit, and is dropped on rollback."""
    # A plain snapshot: after commit the ORM object is expired and must not be loaded again.
    who = SimpleNamespace(id=applicant.id, name=applicant.name, mobile=applicant.mobile)
    session.info.setdefault(_PENDING, []).append((who, subject, body))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for who, subject, body in session.info.pop(_PENDING, []):
        notify(who, subject, body)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if getattr(previous_transaction, "nested", False):
        return  # a savepoint rolled back; the outer transaction may still commit
    session.info.pop(_PENDING, None)
