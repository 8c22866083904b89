"""The applicant's side of an application: draft, submit (with the quota), resubmit after a return, withdraw."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from ..domain import eligibility as rules
from ..domain import review as review_rules
from ..domain.enums import ApplicationState, OrgKind, OrgStatus, ReviewDecision
from ..domain.quota import Outcome
from ..extensions import db
from ..models import (
    Applicant,
    Application,
    Batch,
    Document,
    Organisation,
    Programme,
    ReviewAction,
    RosterEntry,
)
from ..models.base import utcnow
from . import audit, quota
from .eligibility import document_kinds, roster_entries
from .transitions import apply_transition

S = ApplicationState
A = ReviewDecision
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
WITHDRAWABLE = frozenset(state for state, action in review_rules.TRANSITIONS if action == A.WITHDRAW)
UNIT_KINDS = (OrgKind.GRASSROOTS, OrgKind.ENTERPRISE)


class ApplicationError(Exception):
    """A refused request; `code` is for the API, `message` for people, `status` the HTTP status to use."""

    def __init__(self, code: str, message: str, status: int = 422, reasons: list | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.reasons = code, message, status, reasons or []


def already_submitted() -> ApplicationError:
    return ApplicationError("invalid_state", "该申请已提交，不能重复提交。", 409)


def check_verdict(verdict: rules.Eligibility) -> None:
    if not verdict.ok:
        raise ApplicationError("not_eligible", "不符合申报条件：" + "".join(r.message for r in verdict.reasons),
                               422, verdict.reasons)


def check_slot(slot) -> None:
    """A submit's slot as the applicant hears it: None means another submit of it got there first."""
    if slot is None:
        raise already_submitted()
    if slot.outcome == Outcome.FULL:
        raise ApplicationError("batch_full", "本批次名额及候补名额均已满，申报已截止（额满即止）。", 409)


# ---- listing ---------------------------------------------------------------------------------------------

def open_batches(now: datetime | None = None) -> list[Batch]:
    now = now or utcnow()
    return list(db.session.execute(
        select(Batch).join(Programme).where(Batch.enabled.is_(True), Programme.enabled.is_(True),
                                            Batch.apply_closes_at > now)
        .order_by(Batch.apply_opens_at, Batch.id)).scalars())


def unit_orgs(query: str | None = None, limit: int = 50) -> list[Organisation]:
    stmt = select(Organisation).where(Organisation.status == OrgStatus.ACTIVE, Organisation.kind.in_(UNIT_KINDS))
    if query:
        stmt = stmt.where(or_(Organisation.name.contains(query), Organisation.code == query))
    return list(db.session.execute(stmt.order_by(Organisation.name).limit(limit)).scalars())


def own_applications(applicant: Applicant) -> list[Application]:
    return list(db.session.execute(select(Application).where(Application.applicant_id == applicant.id)
                                   .order_by(Application.id.desc())).scalars())


# ---- changes ---------------------------------------------------------------------------------------------

def create_draft(applicant: Applicant, batch: Batch, org: Organisation | None, *,
                 education_level: str | None = None, study_year: int | None = None,
                 now: datetime | None = None) -> Application:
    now = now or utcnow()
    if not (batch.enabled and batch.programme.enabled) or now >= batch.apply_closes_at:
        raise ApplicationError("batch_closed", "该批次不在申报期内。", 409)
    if org is None or org.status != OrgStatus.ACTIVE or org.kind not in UNIT_KINDS:
        raise ApplicationError("invalid_org", "请选择您所在单位的工会（须为已入网的基层工会或企业）。")
    existing = db.session.execute(select(Application).where(
        Application.applicant_id == applicant.id, Application.batch_id == batch.id,
        Application.state.not_in(rules.ENDED_STATES))).scalars().first()
    if existing is not None:
        raise ApplicationError("application_exists", f"您在该批次已有申请（编号 {existing.id}）。", 409)
    entry = next(iter(roster_entries(batch.id, applicant.id_number)), None)
    _check_union(applicant, org, entry)
    application = Application(
        batch=batch, applicant=applicant, org_id=org.id, state=S.DRAFT,
        roster_entry_id=entry.id if entry else None,
        education_level=education_level or (entry.level if entry else None),
        study_year=study_year or (entry.enrolment_date.year if entry else None))
    applicant.org_id = org.id
    db.session.add(application)
    db.session.flush()
    audit.record("application_created", actor=applicant, org_id=org.id, target=application)
    db.session.commit()
    return application


def _check_union(applicant: Applicant, org: Organisation, entry: RosterEntry | None) -> None:
    """The roster's union receives the application, unless the worker's transfer to `org` was approved."""
    from ..domain.enums import TransferStatus
    from ..domain.integrity import union_mismatch
    from ..models import Transfer
    moved_to = db.session.execute(select(Transfer.to_org_id).where(
        Transfer.applicant_id == applicant.id, Transfer.status == TransferStatus.APPROVED)).scalars()
    if entry is not None and union_mismatch(org.id, entry.org_id, moved_to):
        raise ApplicationError("union_mismatch", f"预报名名单登记您属于“{entry.org.name}”，请选择该工会申报；"
                               "如已调到其他单位，请先在“工会迁移”中办理迁移，迁移完成后再申报。")


def submit(application: Application, *, now: datetime | None = None) -> Application:
    """DRAFT → IN_REVIEW with a quota rank at the unit level, or WAITLISTED; RETURNED goes to resubmit.

    The portal's door to the one submit path (intake.fast_submit, which the API calls directly); the
    outcome is shown on `application` without another query.
    """
    from ..intake import fast_submit
    app_id, applicant_id, token_version = application.id, application.applicant_id, application.applicant.token_version
    db.session.commit()  # only reads so far: hand the connection back while the submit path works
    result = fast_submit.submit(app_id, applicant_id, token_version, now or utcnow())
    if result is not application:
        _reflect(application, result)
    return application


def _reflect(application: Application, result) -> None:
    """Show the committed outcome (the columns services.quota.submitted wrote) on the object."""
    from sqlalchemy.orm.attributes import set_committed_value
    for key in ("state", "quota_rank", "waitlist_position", "reviewing_org_id", "amount", "submitted_at",
                "first_submitted_at", "updated_at"):
        set_committed_value(application, key, getattr(result, key))


def resubmit_deadline(application: Application) -> datetime:
    """The review window's end: after it a returned application can no longer come back at all."""
    return application.batch.review_closes_at


def resubmit(application: Application, *, now: datetime | None = None) -> Application:
    """RETURNED → IN_REVIEW at the unit level; the quota slot is kept if back before `resubmit_due_at`."""
    now = now or utcnow()
    if application.state != S.RETURNED:
        raise ApplicationError("invalid_state", "只有被驳回的申请才能重新提交。", 409)
    if now >= resubmit_deadline(application):
        raise ApplicationError("deadline_passed", "本批次审核期已结束，不能再重新提交。", 409)
    _check_replaced(application)
    missing = rules.missing_documents(application.batch.required_documents or [], document_kinds(application.id))
    if missing:
        reasons = [rules.Reason("missing_document", f"尚未上传：{rules.document_label(k)}。") for k in missing]
        raise ApplicationError("not_eligible", "".join(r.message for r in reasons), 422, reasons)
    if application.quota_rank is not None and not _keeps_slot(application, now):
        quota.release_slot(application, actor=application.applicant, reason="驳回后逾期补正")
    values, queued = {"submitted_at": now, "resubmit_due_at": None}, False
    if application.quota_rank is None:  # late: queue again like a new submit
        slot = quota.allocate_one(application)
        if slot.outcome == Outcome.FULL:
            db.session.rollback()
            raise ApplicationError("batch_full", "补正已逾期，原名额已释放，且本批次名额及候补名额均已满。", 409)
        values |= quota.placement(slot, application.batch.amount)
        queued = slot.outcome == Outcome.WAITLISTED
    _transition(application, A.RESUBMIT, queued=queued, now=now, values=values, history={})
    audit.record("application_resubmitted", actor=application.applicant, org_id=application.org_id,
                 target=application, detail={"rank": application.quota_rank,
                                             "waitlist": application.waitlist_position})
    db.session.commit()
    return application


def _check_replaced(application: Application) -> None:
    """Every document marked 需修改 on the return must be uploaded again before the application goes back."""
    from ..domain.integrity import documents_to_replace
    current = dict(db.session.execute(select(Document.kind, Document.id).where(
        Document.application_id == application.id)).all())
    stale = documents_to_replace(application.return_items or [], {k.value: i for k, i in current.items()})
    if stale:
        names = "、".join(rules.document_label(k) for k in stale)
        reasons = [rules.Reason("document_not_replaced", f"请重新上传：{rules.document_label(k)}。") for k in stale]
        raise ApplicationError("documents_not_replaced", f"被驳回需修改的材料还没有重新上传：{names}。", 422, reasons)


def _keeps_slot(application: Application, now: datetime) -> bool:
    try:
        from ..domain.review import keeps_slot
    except ImportError:  # the review rules are optional here
        return application.resubmit_due_at is None or now <= application.resubmit_due_at
    return keeps_slot(now, application.resubmit_due_at)


def withdraw(application: Application, *, actor=None, reason: str = "", now: datetime | None = None) -> Application:
    """The applicant gives up; a held slot goes to the head of the waitlist."""
    if not review_rules.allowed(application.state, A.WITHDRAW):
        raise ApplicationError("invalid_state", "该申请当前状态不能撤回。", 409)
    actor = actor or application.applicant
    now = now or utcnow()
    if application.quota_rank is not None:
        quota.release_slot(application, actor=actor, reason=reason or "申请人撤回")
    elif application.waitlist_position is not None:
        quota.leave_waitlist(application)
    _transition(application, A.WITHDRAW, now=now, values={"decided_at": now},
                     history={"reason": reason or None})
    audit.record("application_withdrawn", actor=actor, org_id=application.org_id, target=application,
                 detail={"reason": reason})
    db.session.commit()
    return application


def _transition(application: Application, action: A, **kw) -> None:
    """apply_transition with the applicant's error type (a concurrent change is a 409 to retry)."""
    try:
        apply_transition(application, action, **kw)
    except review_rules.ReviewError as exc:
        raise ApplicationError(exc.code, str(exc), 409) from None


def return_reasons(application: Application) -> list[ReviewAction]:
    """The returns and refusals the applicant should read, newest first."""
    return list(db.session.execute(select(ReviewAction).where(
        ReviewAction.application_id == application.id,
        ReviewAction.decision.in_([ReviewDecision.RETURN, ReviewDecision.REFUSE]))
        .order_by(ReviewAction.id.desc())).scalars())
