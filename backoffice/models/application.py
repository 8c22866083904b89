"""Applicants, their applications, uploaded documents and verification results."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..crypto import lookup_hash
from ..domain.enums import ApplicationState, DocumentKind, VerificationStatus
from ..extensions import db
from .base import created_at, enum_column, utcnow
from .encrypted import EncryptedJSON, EncryptedString


class Applicant(db.Model):
    """A worker who applies through the portal or the API."""
    __tablename__ = "applicant"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False, info={"pii": "name"})
    # ID, mobile and card numbers are encrypted at rest (models.encrypted); the ID number is found, and kept
    # unique, through its keyed hash, set whenever the number is.
    id_number: Mapped[str] = mapped_column(EncryptedString("id_number", 18), nullable=False,
                                           info={"pii": "id_number"})
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    mobile: Mapped[str] = mapped_column(EncryptedString("mobile", 20), nullable=False, info={"pii": "mobile"})
    email: Mapped[str | None] = mapped_column(String(120))  # optional: notices by e-mail besides SMS
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)  # current unit union
    # where the subsidy is paid; the applicant enters it
    bank_card: Mapped[str | None] = mapped_column(EncryptedString("card", 30), info={"pii": "card"})
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Wrong passwords in a row and the lock they lead to, as for admin accounts (domain.auth).
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = created_at()

    org = relationship("Organisation")
    applications: Mapped[list["Application"]] = relationship(back_populates="applicant")

    __pii_str__ = "name"  # str() shows a personal value: exports mask a related applicant as a name
    # Search by name goes from its start (surname first), which this index serves among a million people.
    __table_args__ = (Index("ix_applicant_name_prefix", "name", postgresql_ops={"name": "varchar_pattern_ops"}),)

    @validates("id_number")
    def _hash_id_number(self, key, value):
        self.id_number_hash = lookup_hash(value)
        return value

    def __str__(self) -> str:
        return self.name


class Application(db.Model):
    __tablename__ = "application"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), nullable=False)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id"), index=True, nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)  # unit union
    roster_entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entry.id"))
    state: Mapped[ApplicationState] = enum_column(ApplicationState, nullable=False, default=ApplicationState.DRAFT)
    # Whose turn it is while in review: an org on the chain from org_id up to the top.
    reviewing_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    education_level: Mapped[str | None] = mapped_column(String(30))
    study_year: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    quota_rank: Mapped[int | None] = mapped_column(Integer)
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[float | None] = mapped_column(Numeric(10, 2))
    funding_line_id: Mapped[int | None] = mapped_column(ForeignKey("funding_line.id"))
    funding_rank: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_reason: Mapped[str | None] = mapped_column(Text)
    # 驳回 per document: [{"kind", "code", "note"}]; cleared on resubmit.
    return_items: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    resubmit_due_at: Mapped[datetime | None] = mapped_column(DateTime)  # keeps its quota slot until then
    flags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # union of document flags
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)

    batch = relationship("Batch")
    applicant: Mapped[Applicant] = relationship(back_populates="applications")
    org = relationship("Organisation", foreign_keys=[org_id])
    reviewing_org = relationship("Organisation", foreign_keys=[reviewing_org_id])
    roster_entry = relationship("RosterEntry")
    funding_line = relationship("FundingLine")
    documents: Mapped[list["Document"]] = relationship(back_populates="application", order_by="Document.id")

    __table_args__ = (
        UniqueConstraint("batch_id", "quota_rank", name="uq_application_batch_quota_rank"),
        Index("ix_application_batch_state", "batch_id", "state"),
        # A level's work, in the order places were given: counted and paged straight off this index.
        Index("ix_application_reviewing_state", "reviewing_org_id", "state", "quota_rank", "submitted_at", "id"),
    )

    def __str__(self) -> str:
        return f"#{self.id}"


class Document(db.Model):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True, nullable=False)
    kind: Mapped[DocumentKind] = enum_column(DocumentKind, nullable=False)
    storage_key: Mapped[str] = mapped_column(String(255), nullable=False)
    original_name: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    mime: Mapped[str] = mapped_column(String(60), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    rotation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # set by reviewers, degrees
    verification_status: Mapped[VerificationStatus] = enum_column(
        VerificationStatus, nullable=False, default=VerificationStatus.PENDING)
    verification_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    verification_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    verification_alive_at: Mapped[datetime | None] = mapped_column(DateTime)  # the running job's last heartbeat
    verification_queued_at: Mapped[datetime | None] = mapped_column(DateTime)  # last enqueue (sweeper age)
    verification_error: Mapped[str | None] = mapped_column(Text)  # why automatic verification gave up
    uploaded_at: Mapped[datetime] = created_at()

    application: Mapped[Application] = relationship(back_populates="documents")
    results: Mapped[list["VerificationResult"]] = relationship(back_populates="document",
                                                               order_by="VerificationResult.id")

    __table_args__ = (Index("ix_document_verification_status", "verification_status"),)


class VerificationResult(db.Model):
    __tablename__ = "verification_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True, nullable=False)
    checks_version: Mapped[str] = mapped_column(String(20), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    result: Mapped[dict] = mapped_column(EncryptedJSON, nullable=False)  # quotes the numbers read: encrypted
    flags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at()

    document: Mapped[Document] = relationship(back_populates="results")

    __table_args__ = (UniqueConstraint("document_id", "sha256", "checks_version",
                                       name="uq_verification_result_key"),)
