"""The applicant's side of an application: draft, submit (with the quota), resubmit after a return, withdraw."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, bindparam, exists, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from ..crypto import lookup_hash
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
    batch_roster_batches,
)
from ..models.base import utcnow
from . import audit, quota
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


# ---- reading the facts the rules need --------------------------------------------------------------------

def batch_rules(batch) -> rules.BatchRules:
    """A batch's submit rules, from a Batch or from a snapshot row with its column names (the submit path's
    read carries programme_enabled and once_rule itself)."""
    if isinstance(batch, Batch):
        programme_enabled, once_rule = batch.programme.enabled, batch.programme.once_rule
    else:
        programme_enabled, once_rule = batch.programme_enabled, batch.once_rule
    return rules.BatchRules(
        opens_at=batch.apply_opens_at, closes_at=batch.apply_closes_at,
        enabled=bool(batch.enabled and programme_enabled), roster_required=batch.roster_required,
        graduation_required=batch.graduation_required, validity_years=batch.validity_years,
        required_documents=tuple(batch.required_documents or ()), once_rule=once_rule)


def roster_entries(batch_id: int, id_number: str) -> list[RosterEntry]:
    """Entries for this ID number on the batch's roster batches (every roster batch when none is linked)."""
    links = select(batch_roster_batches.c.roster_batch_id).where(batch_roster_batches.c.batch_id == batch_id)
    return list(db.session.execute(select(RosterEntry).where(
        RosterEntry.id_number_hash == lookup_hash(id_number),
        or_(RosterEntry.roster_batch_id.in_(links), ~exists(links))).order_by(RosterEntry.id)).scalars())


def prior_claims(applicant_id: int, programme_id: int, exclude_id: int | None) -> list[rules.PriorClaim]:
    rows = db.session.execute(
        select(Application.state, Application.study_year, Application.education_level)
        .join(Batch, Batch.id == Application.batch_id)
        .where(Application.applicant_id == applicant_id, Batch.programme_id == programme_id,
               Application.id != (exclude_id or 0),
               Application.state.in_(rules.ACTIVE_STATES | rules.GRANTED_STATES))).all()
    return [rules.PriorClaim(state=r.state, study_year=r.study_year, education_level=r.education_level)
            for r in rows]


def document_kinds(application_id: int) -> set[str]:
    kinds = db.session.execute(select(Document.kind).where(Document.application_id == application_id)).scalars()
    return {k.value for k in kinds}


def _facts(entries: list[RosterEntry]) -> list[rules.RosterFacts]:
    return [rules.RosterFacts(e.name, e.id_number, e.enrolment_date, e.graduated) for e in entries]


def evaluate(application: Application, now: datetime | None = None) -> rules.Eligibility:
    """Every submit-time rule for this application, with reasons (the facts come in one query)."""
    batch, applicant = application.batch, application.applicant
    roster, prior, documents = submit_facts(application)
    return rules.check(
        batch_rules(batch), now or utcnow(), name=applicant.name, id_number=applicant.id_number,
        roster=roster, prior=prior, documents=documents, study_year=application.study_year,
        education_level=application.education_level)


class json_rows(FunctionElement):
    """Aggregate: one JSON array per row — json_agg(json_build_array(…)) on PostgreSQL, json_group_array on SQLite."""
    type = JSON()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows)
def _json_rows_sqlite(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


def fact_columns(application_id, applicant_id, id_number_hash, batch_id, programme_id, roster_required) -> tuple:
    """The three facts the submit rules need, as scalar subqueries: roster entries, prior claims, uploaded kinds.

    The arguments are bind parameters or columns of an enclosing query, so the facts can ride along with the
    read of the application itself (one round trip on the hot submit path). ID numbers are encrypted: the roster
    is matched on the keyed hash (crypto.lookup_hash).
    """
    links = (select(batch_roster_batches.c.roster_batch_id).where(batch_roster_batches.c.batch_id == batch_id)
             .correlate_except(batch_roster_batches))
    roster = select(json_rows(RosterEntry.name, RosterEntry.enrolment_date, RosterEntry.graduated)).where(
        RosterEntry.id_number_hash == id_number_hash, or_(RosterEntry.roster_batch_id.in_(links), ~exists(links)),
        roster_required.is_(True))
    other, its_batch = aliased(Application), aliased(Batch)
    prior = select(json_rows(other.state, other.study_year, other.education_level)).join(
        its_batch, its_batch.id == other.batch_id).where(
        other.applicant_id == applicant_id, its_batch.programme_id == programme_id, other.id != application_id,
        other.state.in_(sorted(rules.ACTIVE_STATES | rules.GRANTED_STATES)))
    documents = select(json_rows(Document.kind)).where(Document.application_id == application_id)
    return (roster.scalar_subquery().label("roster_facts"), prior.scalar_subquery().label("prior_facts"),
            documents.scalar_subquery().label("document_facts"))


def decode_facts(id_number: str, roster_rows, prior_rows, document_rows):
    """(roster, prior, documents) for rules.check from what fact_columns() returned (None: no rows)."""
    roster = [rules.RosterFacts(name, id_number, date.fromisoformat(str(enrolled)[:10]), bool(graduated))
              for name, enrolled, graduated in roster_rows or ()]
    prior = [rules.PriorClaim(S(state), int(year) if year not in (None, "") else None, level)
             for state, year, level in prior_rows or ()]
    return roster, prior, {kind for (kind,) in document_rows or ()}


_FACTS = select(*fact_columns(
    bindparam("application_id"), bindparam("applicant_id"), bindparam("id_number"), bindparam("batch_id"),
    bindparam("programme_id"), bindparam("roster_required", type_=Boolean)))


def facts_for(batch_id: int, roster_required: bool, programme_id: int, applicant_id: int, id_number: str,
              application_id: int, connection=None):
    """Roster entries, prior claims and uploaded kinds in one statement."""
    row = (connection or db.session).execute(_FACTS, {
        "batch_id": batch_id, "id_number": lookup_hash(id_number), "roster_required": roster_required,
        "applicant_id": applicant_id, "programme_id": programme_id, "application_id": application_id}).one()
    return decode_facts(id_number, *row)


def submit_facts(application: Application):
    batch, applicant = application.batch, application.applicant
    return facts_for(batch.id, bool(batch.roster_required), batch.programme_id, applicant.id,
                     applicant.id_number, application.id)


def eligibility_preview(applicant: Applicant, batch: Batch, now: datetime | None = None) -> rules.Eligibility:
    """What the applicant would be told before having a draft (documents are not counted yet)."""
    return rules.check(
        batch_rules(batch), now or utcnow(), name=applicant.name, id_number=applicant.id_number,
        roster=_facts(roster_entries(batch.id, applicant.id_number)) if batch.roster_required else [],
        prior=prior_claims(applicant.id, batch.programme_id, None), documents=set(), check_documents=False)


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
