"""公示: the city publishes a batch's approved list for N days; the public page reads it masked."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.enums import ApplicationState as S
from ..domain.integrity import notice_running
from ..domain.masking import mask_id_number, mask_name
from ..domain.notifications import Event, short_date
from ..domain.permissions import Permission
from ..extensions import db
from ..models import Application, Batch, PublicNotice
from ..models.base import utcnow
from . import audit, notifications, permissions

SHOWN = (S.APPROVED, S.PAID, S.PAYMENT_FAILED)  # an upheld objection takes a row off the public list


class NoticeError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def noticed_ids(batch_id: int) -> set[int]:
    ids = set()
    for notice in db.session.execute(select(PublicNotice).where(PublicNotice.batch_id == batch_id,
                                                                PublicNotice.withdrawn_at.is_(None))).scalars():
        ids.update(notice.application_ids or [])
    return ids


def pending_ids(batch: Batch) -> list[int]:
    """Approved applications of the batch on no running or ended notice: what publishing would show."""
    done = noticed_ids(batch.id)
    return [i for i in db.session.execute(select(Application.id).where(
        Application.batch_id == batch.id, Application.state == S.APPROVED)
        .order_by(Application.quota_rank, Application.id)).scalars() if i not in done]


def preview(batch: Batch, admin, first: int = 10) -> dict:
    """What a publish would put on the public page: count, total amount and the first rows (masked)."""
    _check_owner(batch, admin)
    ids = pending_ids(batch)
    apps = db.session.execute(select(Application).where(Application.id.in_(ids or [0]))
                              .order_by(Application.quota_rank, Application.id)).scalars().all()
    return {"count": len(ids), "amount": sum(float(a.amount or batch.amount) for a in apps),
            "rows": [_public_row(n, a) for n, a in enumerate(apps[:first], start=1)]}


def _check_owner(batch: Batch, admin) -> None:
    permissions.require(admin, Permission.PUBLISH_NOTICE)
    if admin.org_id != batch.programme.org_id:
        raise NoticeError("not_owner", "只有发布项目的单位（市总工会）可以发布公示。")


def publish(batch: Batch, admin, days: int, title: str = "", now=None, expected: int | None = None) -> PublicNotice:
    """Publish every approved application of the batch not yet on a notice; `expected` is the count the admin
    confirmed on the preview (a list that changed since is shown again rather than published)."""
    now = now or utcnow()
    _check_owner(batch, admin)
    if not 1 <= int(days) <= 60:
        raise NoticeError("bad_days", "公示天数应在 1 到 60 天之间。")
    ids = pending_ids(batch)
    if not ids:
        raise NoticeError("nothing_to_publish", "没有尚未公示的审核通过名单。")
    if expected is not None and expected != len(ids):
        raise NoticeError("changed", f"确认后名单有变化（现为 {len(ids)} 人），请重新核对后再发布。")
    notice = PublicNotice(batch_id=batch.id, org_id=admin.org_id, application_ids=ids, created_by_id=admin.id,
                          title=(title or "").strip()[:200] or f"{batch} 补助名单公示",
                          starts_at=now, ends_at=now + timedelta(days=int(days)))
    db.session.add(notice)
    db.session.flush()
    audit.record("notice_published", actor=admin, target=notice, detail={"count": len(ids), "days": int(days)})
    _tell_listed(notice)
    db.session.commit()
    return notice


def _tell_listed(notice: PublicNotice) -> None:
    until = short_date(notice.ends_at)
    for start in range(0, len(notice.application_ids), 500):
        chunk = notice.application_ids[start:start + 500]
        listed = db.session.execute(select(Application).where(Application.id.in_(chunk))
                                    .options(selectinload(Application.applicant))).scalars().all()
        notifications.announce_many(Event.ON_NOTICE, listed, notice.id, until=until,
                                    detail="公示期内如有异议，任何人可向发布单位反映。")


def withdraw(notice: PublicNotice, admin, reason: str, now=None) -> PublicNotice:
    """撤回: the notice leaves the public pages; its rows may be published again (a fresh notice period)."""
    now = now or utcnow()
    if admin.org_id != notice.org_id:
        raise NoticeError("not_owner", "只有发布公示的单位可以撤回。")
    if notice.withdrawn_at is not None:
        raise NoticeError("withdrawn", "该公示已撤回。")
    if notice.ends_at < now:
        raise NoticeError("ended", "公示期已结束，不能撤回（可能已据此发放）。")
    reason = (reason or "").strip()[:500]
    if not reason:
        raise NoticeError("reason_required", "请填写撤回原因。")
    notice.withdrawn_at, notice.withdrawn_reason = now, reason
    audit.record("notice_withdrawn", actor=admin, target=notice, detail={"reason": reason})
    db.session.commit()
    return notice


def public_notices(now=None) -> list[PublicNotice]:
    """Notices the public may read: current ones and those ended within 30 days, never withdrawn ones."""
    now = now or utcnow()
    return list(db.session.execute(select(PublicNotice).where(
        PublicNotice.withdrawn_at.is_(None),
        PublicNotice.starts_at <= now, PublicNotice.ends_at >= now - timedelta(days=30))
        .order_by(PublicNotice.starts_at.desc())).scalars())


def masked_rows(notice: PublicNotice) -> list[dict]:
    """What the public sees: masked name and ID, the unit union, the amount."""
    apps = db.session.execute(select(Application).where(
        Application.id.in_(notice.application_ids or []), Application.state.in_(SHOWN))
        .order_by(Application.quota_rank, Application.id)).scalars()
    return [_public_row(n, a) for n, a in enumerate(apps, start=1)]


def _public_row(n: int, a: Application) -> dict:
    """序号 1..N on the page; the application id stays only in the objection form's value."""
    return {"n": n, "id": a.id, "name": mask_name(a.applicant.name), "id_number": mask_id_number(a.applicant.id_number),
            "org": a.org.name, "amount": a.amount or a.batch.amount}


def is_open(notice: PublicNotice, now=None) -> bool:
    return notice_running(notice.starts_at, notice.ends_at, notice.withdrawn_at, now or utcnow())


def ended_notice_ids(batch_id: int, now=None) -> set[int]:
    """Applications whose notice is over (they may be paid)."""
    now = now or utcnow()
    ids = set()
    for notice in db.session.execute(select(PublicNotice).where(PublicNotice.batch_id == batch_id,
                                                                PublicNotice.withdrawn_at.is_(None),
                                                                PublicNotice.ends_at < now)).scalars():
        ids.update(notice.application_ids or [])
    return ids
