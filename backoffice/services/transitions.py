"""Every state change of an application: the domain's transition table, one guarded write, the history row.

apply_transition() is the one door: withdraw, resubmit, promote, review decisions, reopening and payment
results all come through it (first submits are written in bulk by the allocator, with the states the same
table gives: see services.quota.submitted). It is the place to hook anything that follows a state change.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from ..domain import review as rules
from ..domain.enums import ApplicationState as S
from ..domain.enums import ReviewDecision as A
from ..extensions import db
from ..models import Application, ReviewAction
from ..models.base import utcnow


@dataclass(frozen=True)
class Change:
    """What apply_transition did: the new state, whose turn it is, and the history row (when asked for)."""
    state: S
    reviewing_org_id: int | None
    step: ReviewAction | None = None


def chain_for(application: Application) -> list[int]:
    return rules.review_chain(application.org.path)


def apply_transition(application: Application, action: A, *, admin=None, actor_org_id=None, reopen_at=None,
                     queued: bool = False, now=None, values: dict | None = None,
                     history: dict | None = None) -> Change:
    """Run the state machine and write the new state (plus `values`) with a guarded UPDATE, so two clicks
    cannot both win; with `history` (ReviewAction fields: org_id, reason_code, reason, documents) the
    history row is added too (Change.step: its id names the occurrence for notifications). Raises
    ReviewError (code "conflict" when someone else changed it first)."""
    now = now or utcnow()
    before_state, before_org = application.state, application.reviewing_org_id
    outcome = rules.transition(before_state, action, chain=chain_for(application), reviewing_org_id=before_org,
                               actor_org_id=actor_org_id, now=now,
                               review_closes_at=application.batch.review_closes_at, reopen_at=reopen_at,
                               queued=queued)
    guard = [Application.id == application.id, Application.state == before_state]
    guard.append(Application.reviewing_org_id.is_(None) if before_org is None
                 else Application.reviewing_org_id == before_org)
    result = db.session.execute(update(Application).where(*guard).values(
        state=outcome.state, reviewing_org_id=outcome.reviewing_org_id, updated_at=now, **(values or {}))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise rules.ReviewError("conflict", "该申请刚被其他人处理过，请刷新后再试。")
    db.session.refresh(application)
    step = None
    if history is not None:
        step = log(application, action, admin=admin, from_state=before_state, to_state=outcome.state, **history)
    return Change(outcome.state, outcome.reviewing_org_id, step)


def log(application, decision: A, *, org_id=None, admin=None, from_state=None, to_state=None,
        reason_code=None, reason=None, documents=None) -> ReviewAction:
    """The application's history row (what the applicant and reviewers read as 审核记录)."""
    entry = ReviewAction(application_id=application.id, org_id=org_id, admin_id=getattr(admin, "id", None),
                         decision=decision, from_state=getattr(from_state, "value", from_state),
                         to_state=getattr(to_state, "value", to_state), reason_code=reason_code, reason=reason,
                         documents=documents or [])
    db.session.add(entry)
    return entry
