"""The notification outbox: one row per message to one person on one channel, written in the same transaction as
the change it is about, so a committed change is never left untold and a rolled-back one is never told."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import created_at


class Notification(db.Model):
    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(30), nullable=False)        # domain.notifications.Event
    key: Mapped[str] = mapped_column(String(120), nullable=False)         # one occurrence of the event
    recipient_type: Mapped[str] = mapped_column(String(10), nullable=False)  # applicant | admin
    recipient_id: Mapped[int] = mapped_column(Integer, nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # for scoping
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))
    channel: Mapped[str] = mapped_column(String(10), nullable=False)      # sms | email | log
    subject: Mapped[str] = mapped_column(String(120), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, info={"pii": "text"})  # may quote a number: masked on screens
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # an SMS template's short values
    # pending → sent; or failed (retries used up: admins see it and can send again), limited (the worker's
    # daily SMS limit), skipped (no address for the channel, or SMS switched off for the programme)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint("key", "recipient_type", "recipient_id", "channel", name="uq_notification_once"),
        Index("ix_notification_recipient", "recipient_type", "recipient_id", "created_at"),
        Index("ix_notification_status", "status", "created_at"),
    )
