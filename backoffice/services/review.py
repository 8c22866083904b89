"""Reviewing applications: approve, return (驳回) or refuse (拒绝) at one's own level, with history and audit."""

from ..domain import integrity
from ..domain import review as rules
from ..domain.enums import DOCUMENT_KIND_LABELS, DocumentKind, TransferStatus
from ..domain.enums import ApplicationState as S
from ..domain.enums import ReviewDecision as A
from ..domain.flags import flag_label
from ..domain.notifications import Event, short_date
from ..extensions import db
from ..models import Application, Document, ReviewAction, Transfer
from ..models.base import utcnow
from . import audit, notifications, quota
from .scope import scope_clause
from .transitions import apply_transition, chain_for

def release_slot(application, actor=None, reason: str = "") -> None:
    if application.quota_rank is not None:
        quota.release_slot(application, actor=actor, reason=reason)


def may_act(application: Application, admin, now=None) -> bool:
    """domain.review.can_act over this application's facts: the review page shows its buttons, the queue its
    审核 link and bulk approve takes the row only when this is true."""
    return rules.can_act(application.state, chain=chain_for(application),
                         reviewing_org_id=application.reviewing_org_id, actor_org_id=admin.org_id,
                         actor_role=admin.role, now=now or utcnow(),
                         review_closes_at=application.batch.review_closes_at)


def why_not(application: Application, admin, now=None) -> str:
    """What stops the admin acting on the application now (Chinese), for when may_act() is false."""
    if application.state != S.IN_REVIEW:
        return "该申请不在审核中。"
    refusal = rules.turn_refusal(chain_for(application), application.reviewing_org_id, admin.org_id,
                                 now=now or utcnow(), review_closes_at=application.batch.review_closes_at)
    return str(refusal) if refusal else "本级不能审核该申请。"


def turn_note(application: Application, admin, now=None) -> str | None:
    """The review page's note when the application waits for the admin's own level but it may not act (the
    review period is over); None otherwise (other cases have their own wording)."""
    waiting_for_me = application.state == S.IN_REVIEW and application.reviewing_org_id == admin.org_id
    if not waiting_for_me or may_act(application, admin, now):
        return None
    return why_not(application, admin, now)


def visible(application: Application, admin) -> bool:
    """Admins only ever touch applications inside their org subtree."""
    stmt = db.select(Application.id).where(Application.id == application.id,
                                           scope_clause(Application, admin.org.path))
    return db.session.execute(stmt).first() is not None


def approve(application: Application, admin, *, reason: str = "", confirmed_flags: bool = False,
            now=None) -> Application:
    """Approve at the admin's level; a flagged application only once the reviewer confirmed seeing its flags."""
    _check_visible(application, admin)
    unconfirmed = integrity.unconfirmed_flags(application.flags or [], confirmed_flags)
    if unconfirmed:
        raise rules.ReviewError("flags_unconfirmed", "该申请有核验提示：" + "；".join(map(flag_label, unconfirmed))
                                + "。请核对材料后勾选“已核对核验提示”再通过。")
    change = apply_transition(application, A.APPROVE, admin=admin, actor_org_id=admin.org_id, now=now,
                              history={"org_id": admin.org_id, "reason": reason or None})
    audit.record("application_approved", actor=admin, target=application,
                 detail={"level": admin.org_id, "final": change.state == S.APPROVED})
    if change.state == S.APPROVED:
        application.decided_at = now or utcnow()
        quota.allocate_funding(application)
        tell(Event.APPROVED, application, change.step)
    db.session.commit()
    return application


def return_for_correction(application: Application, admin, items: list[dict], reason: str = "",
                          now=None) -> Application:
    """驳回: back to the applicant with per-document reasons; the slot is kept until the resubmit deadline."""
    _check_visible(application, admin)
    now = now or utcnow()
    clean = rules.clean_return_items(items)
    seen = {d.kind.value: d.id for d in application.documents}
    for item in clean:  # resubmission needs these documents replaced (domain.integrity.documents_to_replace)
        item["document_id"] = seen.get(item["kind"])
    text = _return_text(clean, reason)
    change = apply_transition(application, A.RETURN, admin=admin, actor_org_id=admin.org_id, now=now, values={
        "return_items": clean, "last_reason": text,
        "resubmit_due_at": rules.resubmit_due(now, application.batch.review_closes_at)},
        history={"org_id": admin.org_id, "reason_code": clean[0]["code"], "reason": text, "documents": clean})
    audit.record("application_returned", actor=admin, target=application, detail={"items": clean})
    tell(Event.RETURNED, application, change.step, detail=f"退回原因：{text}\n逾期未重新提交将失去名额。",
         due=short_date(application.resubmit_due_at))
    db.session.commit()
    return application


def refuse(application: Application, admin, reason_code: str, reason: str = "", now=None) -> Application:
    """拒绝: final unless an appeal succeeds; the quota slot goes to the first on the waitlist."""
    _check_visible(application, admin)
    if reason_code not in rules.REFUSE_REASONS:
        raise rules.ReviewError("reason_required", "请选择拒绝原因。")
    text = rules.REFUSE_REASONS[reason_code] + (f"：{reason.strip()}" if reason.strip() else "")
    change = apply_transition(application, A.REFUSE, admin=admin, actor_org_id=admin.org_id, now=now,
                              values={"last_reason": text, "decided_at": now or utcnow()},
                              history={"org_id": admin.org_id, "reason_code": reason_code, "reason": text})
    audit.record("application_refused", actor=admin, target=application, detail={"reason": text})
    release_slot(application, actor=admin, reason=text)
    tell(Event.REFUSED, application, change.step, detail=f"未通过原因：{text}")
    db.session.commit()
    return application


def tell(event: Event, application: Application, step: ReviewAction, *, detail: str = "", **values) -> None:
    """The worker hears of a decision once it commits; the review step it recorded names the occurrence."""
    db.session.flush()
    notifications.announce(event, application, step.id, detail=detail, **values)


def union_mismatch(application: Application) -> bool:
    """The side-by-side's 所属工会 row: applied under another union than the roster's, with no transfer."""
    entry = application.roster_entry
    if entry is None:
        return False
    moved_to = db.session.execute(db.select(Transfer.to_org_id).where(
        Transfer.applicant_id == application.applicant_id, Transfer.status == TransferStatus.APPROVED)).scalars()
    return integrity.union_mismatch(application.org_id, entry.org_id, moved_to)


def set_rotation(document: Document, admin, degrees: int) -> Document:
    _check_visible(document.application, admin)
    document.rotation = int(degrees) % 360 // 90 * 90
    audit.record("document_rotated", actor=admin, target=document, detail={"rotation": document.rotation})
    db.session.commit()
    return document


def _return_text(items: list[dict], reason: str) -> str:
    parts = [f"{DOCUMENT_KIND_LABELS[DocumentKind(i['kind'])]}：{rules.RETURN_REASONS[i['code']]}"
             + (f"（{i['note']}）" if i["note"] else "") for i in items]
    if reason.strip():
        parts.append(reason.strip())
    return "；".join(parts)


def _check_visible(application, admin) -> None:
    if not visible(application, admin):
        raise rules.ReviewError("not_found", "找不到该申请，或它不在您的管辖范围内。")


def history(application: Application) -> list[ReviewAction]:
    return list(db.session.execute(db.select(ReviewAction).where(ReviewAction.application_id == application.id)
                                   .order_by(ReviewAction.at, ReviewAction.id)).scalars())


def release_overdue_returns(now=None) -> list[int]:
    """Returned applications not resubmitted by their deadline give their slot to the waitlist (daily job)."""
    now = now or utcnow()
    overdue = db.session.execute(db.select(Application).where(
        Application.state == S.RETURNED, Application.quota_rank.is_not(None),
        Application.resubmit_due_at < now)).scalars().all()
    for application in overdue:
        audit.record("returned_slot_expired", actor_type="system", org_id=application.org_id, target=application,
                     detail={"due": application.resubmit_due_at.isoformat()})
        release_slot(application, reason="驳回后逾期未补正")
    db.session.commit()
    return [a.id for a in overdue]
