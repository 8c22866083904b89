"""公示: the city publishes a batch's approved list for N days; the public page reads it masked."""
from datetime import timedelta

from sqlalchemy import select

from ..domain.enums import ApplicationState as S
from ..domain.masking import mask_id_number, mask_name
from ..extensions import db
from ..models import Application, Batch, PublicNotice
from ..models.base import utcnow
from ..domain.permissions import Permission
from . import audit, permissions

SHOWN = (S.APPROVED, S.PAID, S.PAYMENT_FAILED)  # an upheld objection takes a row off the public list


class NoticeError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def noticed_ids(batch_id: int) -> set[int]:
    ids = set()
    for notice in db.session.execute(select(PublicNotice).where(PublicNotice.batch_id == batch_id)).scalars():
        ids.update(notice.application_ids or [])
    return ids


def publish(batch: Batch, admin, days: int, title: str = "", now=None) -> PublicNotice:
    """Publish every approved application of the batch not yet on a notice."""
    now = now or utcnow()
    permissions.require(admin, Permission.PUBLISH_NOTICE)
    if admin.org_id != batch.programme.org_id:
        raise NoticeError("not_owner", "只有发布项目的单位（市总工会）可以发布公示。")
    if not 1 <= int(days) <= 60:
        raise NoticeError("bad_days", "公示天数应在 1 到 60 天之间。")
    done = noticed_ids(batch.id)
    ids = [i for i in db.session.execute(select(Application.id).where(
        Application.batch_id == batch.id, Application.state == S.APPROVED)
        .order_by(Application.quota_rank, Application.id)).scalars() if i not in done]
    if not ids:
        raise NoticeError("nothing_to_publish", "没有尚未公示的审核通过名单。")
    notice = PublicNotice(batch_id=batch.id, org_id=admin.org_id, application_ids=ids, created_by_id=admin.id,
                          title=(title or "").strip()[:200] or f"{batch} 补助名单公示",
                          starts_at=now, ends_at=now + timedelta(days=int(days)))
    db.session.add(notice)
    db.session.flush()
    audit.record("notice_published", actor=admin, target=notice, detail={"count": len(ids), "days": int(days)})
    db.session.commit()
    return notice


def public_notices(now=None) -> list[PublicNotice]:
    """Notices the public may read: current ones and those ended within 30 days."""
    now = now or utcnow()
    return list(db.session.execute(select(PublicNotice).where(
        PublicNotice.starts_at <= now, PublicNotice.ends_at >= now - timedelta(days=30))
        .order_by(PublicNotice.starts_at.desc())).scalars())


def masked_rows(notice: PublicNotice) -> list[dict]:
    """What the public sees: masked name and ID, the unit union, the amount."""
    apps = db.session.execute(select(Application).where(
        Application.id.in_(notice.application_ids or []), Application.state.in_(SHOWN))
        .order_by(Application.quota_rank, Application.id)).scalars()
    return [{"id": a.id, "name": mask_name(a.applicant.name), "id_number": mask_id_number(a.applicant.id_number),
             "org": a.org.name, "amount": a.amount or a.batch.amount} for a in apps]


def is_open(notice: PublicNotice, now=None) -> bool:
    now = now or utcnow()
    return notice.starts_at <= now <= notice.ends_at


def ended_notice_ids(batch_id: int, now=None) -> set[int]:
    """Applications whose notice is over (they may be paid)."""
    now = now or utcnow()
    ids = set()
    for notice in db.session.execute(select(PublicNotice).where(PublicNotice.batch_id == batch_id,
                                                                PublicNotice.ends_at < now)).scalars():
        ids.update(notice.application_ids or [])
    return ids
