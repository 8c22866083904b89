"""Granting and revoking console permissions, and the checks services make before a guarded action.

The rule is domain.permissions; this module loads and stores the rows, audits every grant and revoke (the
account page shows that history) and raises PermissionDenied with a Chinese message when the rule says no.
"""
from sqlalchemy import select

from ..domain import permissions as rules
from ..domain.permissions import Permission
from ..extensions import db
from ..models import AdminPermission, AdminUser, AuditEvent
from . import audit

GRANTED, REVOKED = "permission_granted", "permission_revoked"


class PermissionDenied(ValueError):
    """A refused action; the message is Chinese and meant for the user."""


def require(user, permission: Permission) -> None:
    """Raise PermissionDenied unless `user` may use `permission` (checked by the service doing the action)."""
    if permission not in user.permissions:
        raise PermissionDenied(f"您没有“{rules.label(permission)}”权限，请联系上级管理员。")


def require_account_change(actor: AdminUser, org, target: AdminUser | None = None) -> None:
    """`actor` may create (target None) or change an account of `org`."""
    refusal = rules.account_refusal(actor.holder, org.path, getattr(target, "id", None))
    if refusal:
        raise PermissionDenied(refusal)


def grant(granter: AdminUser | None, grantee: AdminUser, permission: Permission | str, *, ip=None,
          via: str | None = None) -> bool:
    """Give `permission` to `grantee`; False when it already held it. `granter` None is the system (the CLI or a
    new account's defaults), which only the ceiling limits."""
    permission = Permission(permission)
    if permission in _stored(grantee):
        return False
    if granter is None:
        _check(rules.ceiling_refusal(grantee.holder, permission))
    else:
        _check(rules.grant_refusal(granter.holder, grantee.holder, permission))
    grantee.permission_rows.append(AdminPermission(permission=permission.value,
                                                   granted_by_id=getattr(granter, "id", None)))
    _record(GRANTED, granter, grantee, permission, ip, via)
    return True


def revoke(granter: AdminUser | None, grantee: AdminUser, permission: Permission | str, *, ip=None,
           via: str | None = None) -> bool:
    permission = Permission(permission)
    row = next((r for r in grantee.permission_rows if r.permission == permission.value), None)
    if row is None:
        return False
    if granter is not None:
        _check(rules.revoke_refusal(granter.holder, grantee.holder, permission))
    grantee.permission_rows.remove(row)
    _record(REVOKED, granter, grantee, permission, ip, via)
    return True


def set_permissions(granter: AdminUser, grantee: AdminUser, wanted, *, ip=None) -> tuple[list, list]:
    """Make `grantee` hold exactly `wanted` among the permissions `granter` may change; others stay as they are.
    Every change is checked first, so a refused one leaves the account untouched. Returns (granted, revoked)."""
    wanted = {Permission(p) for p in wanted}
    held = _stored(grantee)
    to_grant = sorted(wanted - held, key=list(Permission).index)
    to_revoke = sorted(held - wanted, key=list(Permission).index)
    for p in to_grant:
        _check(rules.grant_refusal(granter.holder, grantee.holder, p))
    for p in to_revoke:
        _check(rules.revoke_refusal(granter.holder, grantee.holder, p))
    for p in to_grant:
        grant(granter, grantee, p, ip=ip)
    for p in to_revoke:
        revoke(granter, grantee, p, ip=ip)
    return to_grant, to_revoke


def grant_defaults(granter: AdminUser | None, grantee: AdminUser, *, ip=None, via: str | None = None) -> None:
    """A new account's starting permissions (domain.permissions.DEFAULTS): those its creator may hand out."""
    for p in sorted(rules.defaults(grantee.role, grantee.holder.level), key=list(Permission).index):
        if granter is None or rules.grant_refusal(granter.holder, grantee.holder, p) is None:
            grant(granter, grantee, p, ip=ip, via=via)


def drop_beyond_ceiling(actor: AdminUser | None, grantee: AdminUser, *, ip=None) -> list[Permission]:
    """After a role or org change: rows the account may no longer hold are removed (and audited)."""
    allowed = rules.ceiling(grantee.role, grantee.holder.level)
    dropped = [Permission(r.permission) for r in list(grantee.permission_rows) if r.permission not in allowed]
    for p in dropped:
        row = next(r for r in grantee.permission_rows if r.permission == p.value)
        grantee.permission_rows.remove(row)
        _record(REVOKED, actor, grantee, p, ip, "role_or_org_changed")
    return dropped


def offered(granter: AdminUser, grantee: AdminUser | None) -> list[Permission]:
    """What an account form may offer `granter` to tick for `grantee` (None: a new account)."""
    if grantee is None or grantee.id is None:
        return rules.offerable_to_new(granter.holder)
    return rules.grantable(granter.holder, grantee.holder)


def history(user: AdminUser, limit: int = 100) -> list[AuditEvent]:
    """Grants and revokes of `user`'s permissions, newest first (the account page shows them)."""
    return list(db.session.execute(select(AuditEvent).where(
        AuditEvent.target_type == "AdminUser", AuditEvent.target_id == user.id,
        AuditEvent.action.in_([GRANTED, REVOKED])).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)).scalars())


def _stored(user: AdminUser) -> set:
    return {Permission(r.permission) for r in user.permission_rows}


def _check(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _record(action, granter, grantee, permission: Permission, ip, via) -> None:
    detail = {"permission": permission.value, "label": rules.label(permission)}
    if via:
        detail["via"] = via
    audit.record(action, actor=granter, actor_type=None if granter else "system", target=grantee,
                 org_id=grantee.org_id if grantee.org_id is not None else grantee.org.id, detail=detail, ip=ip)
