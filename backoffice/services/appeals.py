"""申诉: applicants appeal a return or refusal, the public objects during the notice; the level above answers."""
from datetime import timedelta

from sqlalchemy import func, select

from ..domain import review as rules
from ..domain.integrity import may_appeal, notice_running
from ..domain.enums import AppealStatus
from ..domain.enums import ApplicationState as S
from ..domain.enums import ReviewDecision as A
from ..domain.notifications import Event
from ..extensions import db
from ..models import Appeal, Application, PublicNotice, ReviewAction
from ..models.base import utcnow
from . import audit, notifications, quota
from .transitions import apply_transition, chain_for

APPEALABLE = (S.RETURNED, S.REFUSED)
MAX_TEXT = 2000


class AppealError(ValueError):
    """An appeal that cannot be filed or decided; str() is Chinese, `detail_en` English for the API."""

    def __init__(self, code: str, message: str, detail_en: str):
        super().__init__(message)
        self.code, self.detail_en = code, detail_en


def _clean_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise AppealError("text_required", "请填写申诉理由。", "The appeal text is required.")
    if len(text) > MAX_TEXT:
        raise AppealError("text_too_long", f"申诉理由不能超过 {MAX_TEXT} 字。", "The appeal text is too long.")
    return text


def _last_decision(application: Application) -> ReviewAction | None:
    return db.session.execute(select(ReviewAction).where(
        ReviewAction.application_id == application.id,
        ReviewAction.decision.in_([A.RETURN, A.REFUSE])).order_by(ReviewAction.at.desc(), ReviewAction.id.desc())
    ).scalars().first()


def open_appeal_for(application: Application) -> Appeal | None:
    return db.session.execute(select(Appeal).where(Appeal.application_id == application.id,
                                                   Appeal.status == AppealStatus.OPEN)).scalars().first()


def file_appeal(application: Application, applicant, text: str, now=None) -> Appeal:
    """The applicant appeals a 驳回 or 拒绝; it goes to the level above the one that decided."""
    now = now or utcnow()
    if application.applicant_id != getattr(applicant, "id", None):
        raise AppealError("not_found", "找不到该申请。", "Application not found.")
    if application.state not in APPEALABLE:
        raise AppealError("not_appealable", "只有被驳回或被拒绝的申请才能申诉。",
                          "Only returned or refused applications can be appealed.")
    text = _clean_text(text)
    if open_appeal_for(application):
        raise AppealError("appeal_open", "该申请已有一份申诉正在处理，请耐心等待答复。",
                          "An appeal for this application is already open.")
    decision = _last_decision(application)
    decided_at = decision.at if decision else (application.decided_at or application.updated_at)
    if not may_appeal_now(application, decided_at):
        raise AppealError("appeal_used", "对这次审核决定已申诉过一次，不能再次申诉；如对答复仍有异议，请联系上级工会。",
                          "This decision was already appealed once.")
    if decided_at and now > decided_at + timedelta(days=rules.APPEAL_FILE_DAYS):
        raise AppealError("appeal_too_late", f"已超过申诉期限（审核决定后 {rules.APPEAL_FILE_DAYS} 天内）。",
                          "The appeal period has ended.")
    to_org = rules.appeal_level(chain_for(application), decision.org_id if decision else None)
    appeal = Appeal(application_id=application.id, to_org_id=to_org, source="applicant", text=text,
                    due_at=now + timedelta(days=rules.APPEAL_REPLY_DAYS), created_at=now)
    db.session.add(appeal)
    db.session.flush()
    audit.record("appeal_filed", actor=applicant, target=appeal, org_id=application.org_id,
                 detail={"application_id": application.id, "to_org_id": to_org})
    db.session.commit()
    return appeal


def may_appeal_now(application: Application, decided_at=None) -> bool:
    """One appeal per decision (domain.integrity.may_appeal); the portal hides the form when it is used up."""
    if decided_at is None:
        decision = _last_decision(application)
        decided_at = decision.at if decision else (application.decided_at or application.updated_at)
    filed = db.session.execute(select(Appeal.created_at).where(Appeal.application_id == application.id,
                                                               Appeal.source == "applicant")).scalars()
    return may_appeal(decided_at, filed)


def file_objection(notice: PublicNotice, application_id: int, name: str, contact: str, text: str,
                   ip: str | None = None, now=None) -> Appeal:
    """异议 during the 公示: opens an appeal to the publishing (top) level."""
    now = now or utcnow()
    if not notice_running(notice.starts_at, notice.ends_at, notice.withdrawn_at, now):
        raise AppealError("notice_closed", "公示期已结束，不能再提出异议。", "The notice period is over.")
    application = db.session.get(Application, application_id)
    if application is None or application_id not in (notice.application_ids or []):
        raise AppealError("not_in_notice", "公示名单中没有该记录。", "Not in this notice.")
    text = _clean_text(text)
    name, contact = (name or "").strip()[:60], (contact or "").strip()[:60]
    if not name or not contact:
        raise AppealError("contact_required", "请留下您的姓名和联系方式，以便核实。", "Name and contact required.")
    appeal = Appeal(application_id=application.id, to_org_id=notice.org_id, source="objection",
                    text=f"{text}\n——异议人：{name}，联系方式：{contact}", created_at=now,
                    due_at=now + timedelta(days=rules.APPEAL_REPLY_DAYS))
    db.session.add(appeal)
    db.session.flush()
    audit.record("objection_filed", actor_type="public", target=appeal, org_id=notice.org_id, ip=ip,
                 detail={"notice_id": notice.id, "application_id": application.id})
    db.session.commit()
    return appeal


def decide(appeal: Appeal, admin, upheld: bool, reply: str, now=None) -> Appeal:
    """The appeal level answers; upheld → the application is reviewed again by the level that decided."""
    now = now or utcnow()
    if appeal.status != AppealStatus.OPEN:
        raise AppealError("appeal_closed", "该申诉已处理。", "The appeal was already decided.")
    if admin.org_id != appeal.to_org_id:
        raise AppealError("not_your_appeal", "该申诉应由受理单位答复。", "Only the addressed level may decide.")
    reply = (reply or "").strip()
    if not reply:
        raise AppealError("reply_required", "请填写答复内容。", "A reply is required.")
    application = appeal.application
    appeal.reply, appeal.replied_by_id, appeal.replied_at = reply, admin.id, now
    if upheld:
        _reopen(application, appeal, admin, now)
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
    audit.record("appeal_decided", actor=admin, target=appeal, detail={"upheld": upheld})
    if appeal.source == "applicant":  # an objection's filer is the public, not the worker
        notifications.announce(Event.APPEAL_ANSWERED, application, appeal.id, detail=f"答复：{reply}",
                               outcome="申诉成立，重新审核" if upheld else "申诉未获支持")
    db.session.commit()
    return appeal


def reopen_level(application: Application, appeal: Appeal) -> int:
    """An upheld appeal sends the application back to the level whose decision was overturned (发回重审),

    so every level on the chain still approves it; an upheld objection reopens at the publishing level.
    """
    decision = _last_decision(application) if appeal.source == "applicant" else None
    chain = chain_for(application)
    if decision is not None and decision.org_id in chain:
        return decision.org_id
    return appeal.to_org_id if appeal.to_org_id in chain else chain[-1]


def _reopen(application: Application, appeal: Appeal, admin, now) -> None:
    if application.state == S.REFUSED:
        _reclaim_slot(application, admin)
    apply_transition(application, A.REOPEN, admin=admin, reopen_at=reopen_level(application, appeal), now=now,
                     values={"return_items": [], "resubmit_due_at": None},
                     history={"org_id": admin.org_id, "reason": f"申诉成立：{appeal.reply or ''}".strip()})


def _reclaim_slot(application: Application, admin) -> None:
    """A refused application gave its slot away; reopening takes one again."""
    if application.quota_rank is None:
        quota.reclaim_slot(application, actor=admin)


def open_query(org):
    """Open appeals this org must answer, the oldest deadline first."""
    return select(Appeal).where(Appeal.to_org_id == org.id, Appeal.status == AppealStatus.OPEN) \
        .order_by(Appeal.due_at, Appeal.id)


def open_counts(org, now=None) -> dict:
    now = now or utcnow()
    base = select(func.count()).select_from(Appeal).where(Appeal.to_org_id == org.id,
                                                          Appeal.status == AppealStatus.OPEN)
    return {"open": db.session.scalar(base) or 0,
            "overdue": db.session.scalar(base.where(Appeal.due_at < now)) or 0}
