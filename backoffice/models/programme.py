"""Subsidy programmes, their batches and lower levels' matching funding lines."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, Numeric, String, Table, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import OnceRule
from ..extensions import db
from .base import created_at, enum_column

batch_roster_batches = Table(
    "batch_roster_batch",
    db.metadata,
    Column("batch_id", ForeignKey("batch.id", ondelete="CASCADE"), primary_key=True),
    Column("roster_batch_id", ForeignKey("roster_batch.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(db.Model):
    __tablename__ = "programme"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    once_rule: Mapped[OnceRule] = enum_column(OnceRule, nullable=False, default=OnceRule.PER_PERSON)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Off: workers are told on the portal (and by e-mail) only, e.g. when the SMS budget is used up.
    sms_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=true())
    created_at: Mapped[datetime] = created_at()

    org = relationship("Organisation")
    batches: Mapped[list["Batch"]] = relationship(back_populates="programme", order_by="Batch.id")

    def __str__(self) -> str:
        return self.name


class Batch(db.Model):
    __tablename__ = "batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    apply_opens_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    apply_closes_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    review_closes_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    quota: Mapped[int] = mapped_column(Integer, nullable=False)
    waitlist_cap: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    amount: Mapped[float] = mapped_column(Numeric(10, 2), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    required_documents: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    roster_required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    graduation_required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    validity_years: Mapped[int] = mapped_column(Integer, nullable=False, default=8)
    # Counters moved only by single conditional UPDATEs, so allocation is atomic on every engine.
    allocated_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    waitlist_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Slots freed with nobody waiting; while non-zero a new submit looks for the smallest free rank.
    released_slots: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_at: Mapped[datetime] = created_at()

    programme: Mapped[Programme] = relationship(back_populates="batches")
    roster_batches = relationship("RosterBatch", secondary=batch_roster_batches)
    funding_lines: Mapped[list["FundingLine"]] = relationship(back_populates="batch")

    def __str__(self) -> str:
        return f"{self.programme.name if self.programme else ''} {self.name}".strip()


class FundingLine(db.Model):
    """A lower level's matching subsidy (配套补助) inside a batch, for its own subtree."""
    __tablename__ = "funding_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True, nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    amount: Mapped[float] = mapped_column(Numeric(10, 2), nullable=False)
    quota: Mapped[int] = mapped_column(Integer, nullable=False)
    allocated_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_at()

    batch: Mapped[Batch] = relationship(back_populates="funding_lines")
    org = relationship("Organisation")

    def __str__(self) -> str:
        return self.name
