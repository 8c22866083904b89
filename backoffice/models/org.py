"""Organisations (a tree with a materialised path), their admins and their invitations."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import AdminRole, OrgKind, OrgStatus
from ..extensions import db
from .base import created_at, enum_column
from .encrypted import EncryptedString


class Organisation(db.Model):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # "/1/4/17/": the ids from the root down; a subtree is one indexed prefix query.
    path: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[OrgKind] = enum_column(OrgKind, nullable=False)
    status: Mapped[OrgStatus] = enum_column(OrgStatus, nullable=False, default=OrgStatus.ACTIVE)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    address: Mapped[str | None] = mapped_column(String(255))
    contact_name: Mapped[str | None] = mapped_column(String(60), info={"pii": "name"})
    contact_mobile: Mapped[str | None] = mapped_column(EncryptedString("mobile", 20), info={"pii": "mobile"})
    # Soft reference (no FK): invitations already point at organisations, and a cycle would need ALTERs.
    invitation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = created_at()

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent")
    admins: Mapped[list["AdminUser"]] = relationship(back_populates="org")

    __table_args__ = (
        Index("ix_organisation_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
        Index("uq_organisation_parent_name", "parent_id", "name", unique=True),
    )

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class AdminUser(UserMixin, db.Model):
    __tablename__ = "admin_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    username: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(120))  # the daily digest goes here
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[AdminRole] = enum_column(AdminRole, nullable=False, default=AdminRole.ADMIN)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped on logout, deactivation and password reset: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = created_at()

    org: Mapped[Organisation] = relationship(back_populates="admins")
    # Loaded with the account (one query per request): every page asks what the admin may see.
    permission_rows: Mapped[list["AdminPermission"]] = relationship(
        back_populates="admin_user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="AdminPermission.admin_user_id")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def holder(self):
        """The account as domain.permissions sees it."""
        from ..domain import permissions as rules
        return rules.Holder(self.id, self.role, rules.level_of(self.org.kind), self.org.path,
                            frozenset(r.permission for r in self.permission_rows), bool(self.active))

    @property
    def permissions(self) -> frozenset:
        """What this account may use (its rows within its role and level); changed only by services.permissions."""
        return self.holder.permissions

    @property
    def can_unmask(self) -> bool:
        from ..domain.permissions import Permission
        return Permission.UNMASK in self.permissions

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def __str__(self) -> str:
        return self.username


class AdminPermission(db.Model):
    """One permission an admin account holds, and who granted it (None: the system, e.g. the CLI)."""
    __tablename__ = "admin_permission"
    admin_user_id: Mapped[int] = mapped_column(ForeignKey("admin_user.id", ondelete="CASCADE"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(40), primary_key=True)  # a domain.permissions.Permission
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = created_at()

    admin_user: Mapped[AdminUser] = relationship(back_populates="permission_rows", foreign_keys=[admin_user_id])


class Invitation(db.Model):
    """A registration link / QR code a parent org hands to subordinates not yet on the network."""
    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # union | enterprise
    note: Mapped[str | None] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    max_uses: Mapped[int | None] = mapped_column(Integer)  # None = unlimited
    used_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    created_at: Mapped[datetime] = created_at()

    org: Mapped[Organisation] = relationship(foreign_keys=[org_id])
