"""The one submit path (API and portal): plain columns instead of ORM objects, the quota through pg_allocate.

A surge is thousands of submits in minutes; loading four ORM objects per request cost more CPU than
everything else together. services.applications.submit (the portal) comes through here too and shows the
outcome on its ORM object; a returned application goes to services.applications.resubmit.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import ARRAY, Integer, any_, bindparam, cast, select

from ..domain import eligibility as rules
from ..domain.enums import ApplicationState as S
from ..extensions import db
from ..models import Applicant, Application, Batch, Programme
from ..models.base import utcnow
from ..services import applications, eligibility, quota
from ..services.applications import ApplicationError

_COLUMNS = (
    select(Application.id, Application.state, Application.batch_id, Application.org_id, Application.applicant_id,
           Application.study_year, Application.education_level, Application.last_reason, Applicant.name,
           Applicant.id_number, Applicant.token_version, Batch.apply_opens_at, Batch.apply_closes_at,
           Batch.enabled, Programme.enabled.label("programme_enabled"), Batch.roster_required,
           Batch.graduation_required, Batch.validity_years, Batch.required_documents, Programme.once_rule,
           Batch.programme_id, Batch.amount,
           *eligibility.fact_columns(Application.id, Application.applicant_id, Applicant.id_number_hash, Batch.id,
                                      Batch.programme_id, Batch.roster_required))
    .join(Applicant, Applicant.id == Application.applicant_id).join(Batch, Batch.id == Application.batch_id)
    .join(Programme, Programme.id == Batch.programme_id))
# One application with everything its submit needs (one round trip) …
_SNAPSHOT = _COLUMNS.where(Application.id == bindparam("app_id"), Application.applicant_id == bindparam("applicant_id"))
# … or a whole group of them at once (PostgreSQL: the group allocator reads what its group needs in one go).
_GROUP_SNAPSHOT = _COLUMNS.where(Application.id == any_(cast(bindparam("ids"), ARRAY(Integer))))


@dataclass(frozen=True)
class SubmitRequest:
    """What POST …/submit carries once the token is verified: plain values, so it can cross threads."""
    app_id: int
    applicant_id: int
    token_version: int
    now: datetime


class Returned(Exception):
    """The application was returned for correction: its resubmit takes the full ORM path."""


def submit(app_id: int, applicant_id: int, token_version: int, now: datetime | None = None):
    """Submit the caller's application; returns an object with the Application fields the API shows
    (the Application itself after a resubmit).

    With a group allocator (gunicorn on PostgreSQL) the read, the rules and the allocation all happen in
    the worker's allocator thread, a group of submits at a time; otherwise right here.
    """
    request = SubmitRequest(app_id, applicant_id, token_version, now or utcnow())
    runner = current_app.extensions.get("xuebu_allocator")
    try:
        if runner is not None:
            return runner.submit(request)
        with _reader() as conn:
            row = conn.execute(_SNAPSHOT, {"app_id": app_id, "applicant_id": applicant_id}).first()
            claim = screen(row, request)
        return answer(row, claim, allocate([claim])[app_id])
    except Returned:
        return applications.resubmit(db.session.get(Application, app_id), now=request.now)


def allocate(claims: list) -> dict:
    """Slots for claims in this thread's session: the one-statement allocation on PostgreSQL (the Python
    path for a batch with freed ranks, and on SQLite)."""
    if db.engine.dialect.name != "postgresql":
        return quota.allocate_group(claims)
    from .pg_allocate import allocate_claims
    results, rest = allocate_claims(db.session.connection(), claims)
    if rest:
        results.update(quota.allocate_group(rest))  # same transaction, commits
    else:
        db.session.commit()
    return results


def read_group(connection, requests: list[SubmitRequest]) -> dict:
    """Snapshot rows by application id for a group of submits (PostgreSQL, one statement)."""
    rows = connection.execute(_GROUP_SNAPSHOT, {"ids": [r.app_id for r in requests]}).all()
    return {row.id: row for row in rows}


def screen(row, request: SubmitRequest) -> quota.Claim:
    """The claim for this submit, or the ApplicationError that refuses it (Returned: resubmit instead)."""
    if row is None or row.applicant_id != request.applicant_id:
        raise ApplicationError("not_found", "找不到该申请。", 404)
    if row.token_version != request.token_version:
        raise ApplicationError("unauthorized", "登录已失效，请重新登录。", 401)
    if row.state == S.RETURNED:
        raise Returned()
    if row.state != S.DRAFT:
        raise applications.already_submitted()
    _check(row, request.now)
    return quota.Claim(row.id, row.batch_id, row.org_id, row.applicant_id, row.name, row.amount, request.now)


def answer(row, claim: quota.Claim, slot):
    """What the API shows for an allocated slot (the columns services.quota.submitted wrote); refusals raise."""
    applications.check_slot(slot)
    return SimpleNamespace(id=row.id, batch_id=row.batch_id, org_id=row.org_id, last_reason=row.last_reason,
                           **quota.submitted(claim, slot))


@contextmanager
def _reader():
    """Reads outside any transaction on PostgreSQL (autocommit: no BEGIN/COMMIT round trips)."""
    if db.engine.dialect.name != "postgresql":
        yield db.session
        db.session.commit()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        yield conn


def _check(row, now: datetime) -> None:
    roster, prior, documents = eligibility.decode_facts(row.id_number, row.roster_facts, row.prior_facts,
                                                         row.document_facts)
    verdict = rules.check(eligibility.batch_rules(row), now, name=row.name, id_number=row.id_number,
                          roster=roster, prior=prior, documents=documents, study_year=row.study_year,
                          education_level=row.education_level)
    applications.check_verdict(verdict)
