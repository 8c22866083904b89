"""Published pre-registration lists (预报名名单) imported from Excel."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..crypto import lookup_hash
from ..extensions import db
from .base import created_at
from .encrypted import EncryptedString


class RosterBatch(db.Model):
    __tablename__ = "roster_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)  # publisher
    name: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)  # e.g. 2016年秋季
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = created_at()

    entries: Mapped[list["RosterEntry"]] = relationship(back_populates="roster_batch")
    org = relationship("Organisation")

    def __str__(self) -> str:
        return self.name


class RosterEntry(db.Model):
    __tablename__ = "roster_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    roster_batch_id: Mapped[int] = mapped_column(ForeignKey("roster_batch.id"), nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False, info={"pii": "name"})
    # Encrypted at rest; matched to applicants (and kept unique per roster batch) through its keyed hash.
    id_number: Mapped[str] = mapped_column(EncryptedString("id_number", 18), nullable=False,
                                           info={"pii": "id_number"})
    id_number_hash: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    enrolment_date: Mapped[date] = mapped_column(Date, nullable=False)
    school: Mapped[str | None] = mapped_column(String(120))
    level: Mapped[str | None] = mapped_column(String(30))  # 大专 / 本科 …
    graduated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    graduation_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at()

    roster_batch: Mapped[RosterBatch] = relationship(back_populates="entries")
    org = relationship("Organisation")

    __table_args__ = (UniqueConstraint("roster_batch_id", "id_number_hash", name="uq_roster_entry_batch_id_number"),
                      Index("ix_roster_entry_name_prefix", "name", postgresql_ops={"name": "varchar_pattern_ops"}))

    __pii_str__ = "name"  # str() shows a personal value: exports mask a related entry as a name

    @validates("id_number")
    def _hash_id_number(self, key, value):
        self.id_number_hash = lookup_hash(value)
        return value

    def __str__(self) -> str:
        return f"{self.name} {self.id_number[:6]}…"
