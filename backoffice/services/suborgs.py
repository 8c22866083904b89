"""A parent administering its subtree: the join approval queue, disable/enable, accounts, moving orgs.

Every function takes the acting admin, refuses targets outside the admin's subtree and audits the change.
"""
import secrets
import string

from sqlalchemy import func, or_, select

from ..domain.auth import password_problems
from ..domain.enums import AdminRole, OrgKind, OrgStatus
from ..domain.invitations import USERNAME
from ..extensions import db
from ..models import AdminUser, Organisation
from ..models.base import utcnow
from . import accounts, audit, orgs, permissions, tally


class SubOrgError(ValueError):
    """A refused change; the message is Chinese and meant for the user."""


def below(actor, org: Organisation | None) -> Organisation:
    """`org` if it lies strictly below the actor's own org, else SubOrgError (also for None)."""
    own = actor.org
    if org is None or org.id == own.id or not org.path.startswith(own.path):
        raise SubOrgError("找不到该组织，或它不在您的管辖范围内。")
    return org


def _may_manage_accounts(actor, org: Organisation, user: AdminUser | None = None) -> None:
    try:
        permissions.require_account_change(actor, org, user)
    except permissions.PermissionDenied as exc:
        raise SubOrgError(str(exc)) from None


def pending_queue(actor) -> list[Organisation]:
    """Registrations waiting for a decision anywhere in the actor's subtree, oldest first."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.path.startswith(actor.org.path), Organisation.id != actor.org.id,
        Organisation.status == OrgStatus.PENDING).order_by(Organisation.created_at, Organisation.id)))


def approve(actor, org: Organisation, ip: str | None = None) -> None:
    _decide(actor, org, OrgStatus.ACTIVE, None, ip)
    for admin in org.admins:
        admin.active = True
    audit.record("org_approved", actor=actor, org_id=org.id, target=org, ip=ip)
    db.session.commit()


def reject(actor, org: Organisation, reason: str, ip: str | None = None) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise SubOrgError("驳回时请填写原因，申请单位会看到它。")
    _decide(actor, org, OrgStatus.REJECTED, reason, ip)
    audit.record("org_rejected", actor=actor, org_id=org.id, target=org, ip=ip, detail={"reason": reason})
    db.session.commit()


def _decide(actor, org, status, reason, ip) -> None:
    below(actor, org)
    if org.status != OrgStatus.PENDING:
        raise SubOrgError("该申请已经处理过了。")
    org.status, org.status_reason, org.decided_at = status, reason, utcnow()


def set_enabled(actor, org: Organisation, enabled: bool, ip: str | None = None) -> None:
    """Disable or re-enable a sub-org; its admins (and its subtree's) lose access at their next request."""
    below(actor, org)
    wanted_from = OrgStatus.DISABLED if enabled else OrgStatus.ACTIVE
    if org.status != wanted_from:
        raise SubOrgError("只有“正常”的组织可以停用，只有“已停用”的组织可以重新启用。")
    org.status = OrgStatus.ACTIVE if enabled else OrgStatus.DISABLED
    audit.record("org_enabled" if enabled else "org_disabled", actor=actor, org_id=org.id, target=org, ip=ip)
    db.session.commit()


def one_time_password() -> str:
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "Il1O0o")
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))
        if not password_problems(candidate):
            return candidate


def reset_password(actor, user: AdminUser, ip: str | None = None) -> str:
    """A one-time password for a sub-org account, to be changed at the next login; shown once."""
    below(actor, user.org)
    _may_manage_accounts(actor, user.org, user)
    password = one_time_password()
    accounts.set_password(user, password, must_change=True)
    user.failed_logins, user.locked_until = 0, None
    audit.record("admin_password_reset", actor=actor, org_id=user.org_id, target=user, ip=ip)
    db.session.commit()
    return password


def add_account(actor, org: Organisation, *, username: str, display_name: str = "", role: str = "admin",
                ip: str | None = None) -> tuple[AdminUser, str]:
    """A new admin or reviewer for the actor's org or a sub-org, with a one-time password."""
    if org.id != actor.org.id:
        below(actor, org)
    _may_manage_accounts(actor, org)
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise SubOrgError("用户名应以字母开头，3–40 位，只能包含字母、数字、下划线、点和减号。")
    if role not in (AdminRole.ADMIN.value, AdminRole.REVIEWER.value):
        raise SubOrgError("角色只能是管理员或审核员。")
    if db.session.scalar(select(AdminUser.id).where(AdminUser.username == username)) is not None:
        raise SubOrgError("该用户名已被使用，请换一个。")
    password = one_time_password()
    user = accounts.create_admin(org, username, password, role, display_name=display_name.strip() or None,
                                 must_change_password=True, granted_by=actor)
    audit.record("admin_user_created", actor=actor, org_id=org.id, target=user, ip=ip, detail={"role": role})
    db.session.commit()
    return user, password


def can_move(actor) -> bool:
    return actor.org.parent_id is None and actor.org.kind == OrgKind.CITY


def move(actor, org: Organisation, new_parent: Organisation, ip: str | None = None) -> None:
    """Only the city union re-parents orgs, and only inside its own tree."""
    if not can_move(actor):
        raise SubOrgError("只有市总工会可以调整组织的上级单位。")
    below(actor, org)
    if new_parent is None or not new_parent.path.startswith(actor.org.path):
        raise SubOrgError("找不到目标上级单位。")
    if new_parent.id == org.parent_id:
        raise SubOrgError("该组织已经在这个上级单位之下。")
    old_parent_id = org.parent_id
    try:
        orgs.move_subtree(org, new_parent)
    except ValueError as exc:  # a move into its own subtree
        db.session.rollback()
        raise SubOrgError(str(exc)) from exc
    audit.record("org_moved", actor=actor, org_id=org.id, target=org, ip=ip,
                 detail={"from_parent_id": old_parent_id, "to_parent_id": new_parent.id})
    db.session.commit()


def level(actor, parent: Organisation, q: str = ""):
    """One level of the tree: `parent`'s direct children (or, with `q`, any org of the actor's subtree whose name
    or code matches), as a statement to page, name order."""
    below(actor, parent) if parent.id != actor.org_id else None
    stmt = select(Organisation)
    if q.strip():
        stmt = stmt.where(Organisation.path.startswith(parent.path), Organisation.id != parent.id,
                          or_(Organisation.code.startswith(q.strip().upper()), Organisation.name.contains(q.strip())))
    else:
        stmt = stmt.where(Organisation.parent_id == parent.id)
    return stmt.order_by(Organisation.name, Organisation.id)


def with_counts(orgs: list[Organisation]) -> list[dict]:
    """Each org with its direct children, pending registrations, admins and its whole subtree's applications."""
    ids = [o.id for o in orgs]
    children = _counts(select(Organisation.parent_id, func.count()).where(
        Organisation.parent_id.in_(ids), Organisation.status != OrgStatus.PENDING).group_by(Organisation.parent_id))
    pending = _counts(select(Organisation.parent_id, func.count()).where(
        Organisation.parent_id.in_(ids), Organisation.status == OrgStatus.PENDING).group_by(Organisation.parent_id))
    admins = _counts(select(AdminUser.org_id, func.count()).where(AdminUser.org_id.in_(ids))
                     .group_by(AdminUser.org_id))
    applications = tally.totals(orgs)
    return [{"org": o, "children": children.get(o.id, 0), "pending": pending.get(o.id, 0),
             "admins": admins.get(o.id, 0), "applications": applications[o.id]} for o in orgs]


def _counts(stmt) -> dict[int, int]:
    return dict(db.session.execute(stmt).all())
