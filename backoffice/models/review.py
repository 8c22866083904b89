"""Review history, appeals, transfers, public notices, disbursement and the audit log."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import AppealStatus, PaymentStatus, ReviewDecision, TransferStatus
from ..extensions import db
from . import append_only
from .base import created_at, enum_column
from .encrypted import EncryptedString


class ReviewAction(db.Model):
    """One line of 审核记录: who did what to an application, at which level, and why."""
    __tablename__ = "review_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True, nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # the level that acted
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    decision: Mapped[ReviewDecision] = enum_column(ReviewDecision, nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    documents: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # kinds to fix on a return
    at: Mapped[datetime] = created_at()

    application = relationship("Application")
    org = relationship("Organisation")
    admin = relationship("AdminUser")


class Appeal(db.Model):
    """申诉: an applicant's appeal against a return or refusal, or an objection during the notice."""
    __tablename__ = "appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True, nullable=False)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="applicant")  # applicant | objection
    text: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[AppealStatus] = enum_column(AppealStatus, nullable=False, default=AppealStatus.OPEN)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = created_at()

    application = relationship("Application")
    to_org = relationship("Organisation")


class Transfer(db.Model):
    """迁入迁出: a worker moving from one unit union to another; both sides approve."""
    __tablename__ = "transfer"
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id"), index=True, nullable=False)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[TransferStatus] = enum_column(TransferStatus, nullable=False, default=TransferStatus.PENDING)
    requested_by: Mapped[str] = mapped_column(String(60), nullable=False)
    from_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    to_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = created_at()

    applicant = relationship("Applicant")
    from_org = relationship("Organisation", foreign_keys=[from_org_id])
    to_org = relationship("Organisation", foreign_keys=[to_org_id])


class PublicNotice(db.Model):
    """公示: the approved list of a batch published for some days."""
    __tablename__ = "public_notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True, nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    application_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    created_at: Mapped[datetime] = created_at()
    # Withdrawn (撤回) by the publisher: off the public pages, no objections, and its rows count as never shown.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    batch = relationship("Batch")


class PaymentBatch(db.Model):
    """发放批次: a locked snapshot of approved applications to pay, exported to the bank."""
    __tablename__ = "payment_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True, nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), nullable=False)  # the paying org
    funding_line_id: Mapped[int | None] = mapped_column(ForeignKey("funding_line.id"))
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="locked")
    total_amount: Mapped[float] = mapped_column(Numeric(12, 2), nullable=False, default=0)
    people: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")  # rows, as locked
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    exported_at: Mapped[datetime | None] = mapped_column(DateTime)
    results_imported_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = created_at()

    batch = relationship("Batch")
    funding_line = relationship("FundingLine")
    disbursements: Mapped[list["Disbursement"]] = relationship(back_populates="payment_batch")


class Disbursement(db.Model):
    """One payment row: an application paid (or not) in a payment batch."""
    __tablename__ = "disbursement"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batch.id"), index=True, nullable=False)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True, nullable=False)
    funding_line_id: Mapped[int | None] = mapped_column(ForeignKey("funding_line.id"))
    amount: Mapped[float] = mapped_column(Numeric(10, 2), nullable=False)
    bank_card: Mapped[str | None] = mapped_column(EncryptedString("card", 30), info={"pii": "card"})
    status: Mapped[PaymentStatus] = enum_column(PaymentStatus, nullable=False, default=PaymentStatus.PENDING)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # 已发放 is read newest first
    created_at: Mapped[datetime] = created_at()

    payment_batch: Mapped[PaymentBatch] = relationship(back_populates="disbursements")
    application = relationship("Application")


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at()
    actor_type: Mapped[str] = mapped_column(String(20), nullable=False)  # admin | applicant | system
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str | None] = mapped_column(String(60))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # for scoping
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))

    org = relationship("Organisation")

    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),
                      Index("ix_audit_event_at", "at"))  # the log is read newest first


append_only.install(AuditEvent.__table__)


class ReviewJob(db.Model):
    """A long console job (bulk approve, a large export): progress for the progress bar and what it produced."""
    __tablename__ = "review_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)  # bulk_approve | export
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")  # queued|running|done|failed
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    succeeded: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    results: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # [{"id", "ok", "message"}]
    error: Mapped[str | None] = mapped_column(Text)
    file_key: Mapped[str | None] = mapped_column(String(255))  # an export's file under UPLOAD_DIR/exports/
    created_at: Mapped[datetime] = created_at()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
