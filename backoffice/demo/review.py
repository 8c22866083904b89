"""Demo data after review (idempotent): a notice, a paid payment batch, a failed one, open appeals, a transfer."""
from datetime import timedelta

from sqlalchemy import select

from ..domain.bank_card import demo_card_number
from ..domain.enums import AppealStatus, PaymentStatus
from ..domain.enums import ApplicationState as S
from ..extensions import db
from ..models import (
    Appeal,
    Application,
    Batch,
    Disbursement,
    PaymentBatch,
    PublicNotice,
)
from ..models.base import utcnow


def seed_review_demo(batch: Batch) -> int:
    """Returns how many rows it made; does nothing when the batch already has a notice."""
    if db.session.execute(select(PublicNotice.id).where(PublicNotice.batch_id == batch.id)).first():
        return 0
    apps = db.session.execute(select(Application).where(Application.batch_id == batch.id)
                              .order_by(Application.id)).scalars().all()
    now, city_id = utcnow(), batch.programme.org_id
    for i, a in enumerate(apps):
        a.applicant.bank_card = a.applicant.bank_card or demo_card_number(a.applicant_id)
    listed = [a for a in apps if a.state in (S.APPROVED, S.PAID, S.PAYMENT_FAILED)]
    db.session.add(PublicNotice(batch_id=batch.id, org_id=city_id, title=f"{batch} 补助名单公示（演示）",
                                application_ids=[a.id for a in listed], starts_at=now - timedelta(days=9),
                                ends_at=now - timedelta(days=2)))
    _payment(batch, city_id, [a for a in apps if a.state == S.PAID], PaymentStatus.PAID, now)
    _payment(batch, city_id, [a for a in apps if a.state == S.PAYMENT_FAILED], PaymentStatus.FAILED, now)
    refused = [a for a in apps if a.state == S.REFUSED][:5]
    for k, a in enumerate(refused):  # open appeals to the city, one of them overdue
        db.session.add(Appeal(application_id=a.id, to_org_id=city_id, text="我符合条件，请复核。",
                              status=AppealStatus.OPEN, created_at=now - timedelta(days=12 if k == 0 else 1),
                              due_at=now - timedelta(days=2) if k == 0 else now + timedelta(days=9)))
    db.session.flush()
    return 1 + len(refused)


def _payment(batch, city_id, apps, status, now) -> None:
    if not apps:
        return
    pb = PaymentBatch(batch_id=batch.id, org_id=city_id, name=f"演示发放（{'成功' if status == PaymentStatus.PAID else '失败'}）",
                      status="closed", exported_at=now - timedelta(days=1), results_imported_at=now)
    for a in apps:
        pb.disbursements.append(Disbursement(
            application_id=a.id, amount=a.amount or batch.amount, bank_card=a.applicant.bank_card, status=status,
            paid_at=now if status == PaymentStatus.PAID else None,
            failure_reason=None if status == PaymentStatus.PAID else "户名与账号不符"))
        if status == PaymentStatus.FAILED:
            a.last_reason = "银行发放失败：户名与账号不符。请核对并更新银行卡号。"
    pb.total_amount, pb.people = sum(d.amount for d in pb.disbursements), len(pb.disbursements)
    db.session.add(pb)
