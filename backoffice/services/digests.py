"""每日待办提醒: for every active admin, what waits at their level today — applications whose turn it is, open and
overdue appeals, deadlines within two days — sent as one message, and nothing when there is nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..domain.enums import AppealStatus, ApplicationState, OrgStatus
from ..domain.notifications import Digest, Event, Message
from ..extensions import db
from ..models import AdminUser, Appeal, Application, Batch, Organisation
from ..models.base import utcnow
from . import notifications

SOON = timedelta(days=2)


def digest_for(org_id: int, now) -> Digest:
    waiting_by_batch = dict(db.session.execute(
        select(Application.batch_id, func.count()).where(Application.state == ApplicationState.IN_REVIEW,
                                                         Application.reviewing_org_id == org_id)
        .group_by(Application.batch_id)).all())
    appeals = db.session.execute(select(Appeal).where(Appeal.to_org_id == org_id,
                                                      Appeal.status == AppealStatus.OPEN)).scalars().all()
    digest = Digest(waiting=sum(waiting_by_batch.values()), appeals_open=len(appeals),
                    appeals_overdue=sum(1 for a in appeals if a.due_at and a.due_at < now))
    if waiting_by_batch:
        for batch in db.session.execute(select(Batch).where(Batch.id.in_(waiting_by_batch),
                                                            Batch.review_closes_at.between(now, now + SOON))).scalars():
            digest.deadlines.append((f"{batch} 审核截止（本级待审 {waiting_by_batch[batch.id]} 份）", batch.review_closes_at))
    for appeal in appeals:
        if appeal.due_at and now <= appeal.due_at <= now + SOON:
            digest.deadlines.append((f"申诉 #{appeal.id} 答复期限", appeal.due_at))
    return digest


def send_digests(now=None) -> dict:
    """One digest per active admin of an active organisation; run daily (cron or an RQ scheduler)."""
    now = now or utcnow()
    admins = db.session.execute(select(AdminUser).join(Organisation, Organisation.id == AdminUser.org_id).where(
        AdminUser.active.is_(True), Organisation.status == OrgStatus.ACTIVE).order_by(AdminUser.id)).scalars().all()
    by_org: dict[int, Digest] = {}
    sent = 0
    for admin in admins:
        digest = by_org.setdefault(admin.org_id, digest_for(admin.org_id, now))
        if not digest:
            continue
        message = Message(subject="【学补】每日待办提醒", sms="",
                          email="\n\n".join(p for p in (f"{admin.org.name}今日待办：{digest.summary()}。",
                                                         digest.detail(), "请登录管理后台处理：" +
                                                         notifications.console_link()) if p))
        notifications.announce_admin(Event.DIGEST, admin, notifications.today(now).isoformat(), message)
        sent += 1
    db.session.commit()
    return {"admins": len(admins), "digests": sent}
