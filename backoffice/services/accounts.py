"""Admin accounts: authentication with lockout, password changes, session invalidation."""
from dataclasses import dataclass

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain import auth as rules
from ..domain.enums import AdminRole, OrgStatus
from ..extensions import db
from ..models import AdminUser, Organisation
from ..models.base import utcnow
from . import audit

# A real hash, so unknown usernames take as long as wrong passwords.
_DUMMY_HASH = generate_password_hash("not-a-password")


@dataclass
class LoginResult:
    user: AdminUser | None
    error: str | None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def policy() -> rules.LockoutPolicy:
    cfg = current_app.config
    return rules.LockoutPolicy(cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCK_MINUTES"])


def authenticate(username: str, password: str, ip: str | None = None) -> LoginResult:
    from ..auth.session import org_chain_active
    user = db.session.execute(db.select(AdminUser).filter_by(username=username.strip())).scalar_one_or_none()
    now = utcnow()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return LoginResult(None, "用户名或密码错误。")
    if rules.is_locked(user.locked_until, now):
        audit.record("login_locked", actor=user, ip=ip)
        db.session.commit()
        return LoginResult(None, "连续输错密码次数过多，账号已临时锁定，请稍后再试或联系上级管理员。")
    if not check_password_hash(user.password_hash, password):
        user.failed_logins, user.locked_until = rules.after_failure(user.failed_logins, now, policy())
        audit.record("login_failed", actor=user, ip=ip)
        db.session.commit()
        return LoginResult(None, "用户名或密码错误。")
    if not user.active:
        return LoginResult(None, "该账号已停用，请联系上级管理员。")
    if not org_chain_active(user.org):
        return LoginResult(None, _org_message(user.org))
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.record("login", actor=user, ip=ip)
    db.session.commit()
    return LoginResult(user, None)


def _org_message(org: Organisation) -> str:
    if org.status == OrgStatus.PENDING:
        return "所在组织的入网申请尚在审核中，审核通过后方可登录。"
    if org.status == OrgStatus.REJECTED:
        return "所在组织的入网申请未通过审核。"
    return "所在组织已停用，请联系上级工会。"


def end_sessions(user: AdminUser) -> None:
    """Every cookie carrying the old version stops working at its next request."""
    user.session_version = (user.session_version or 0) + 1  # None on a row not flushed yet


def set_password(user: AdminUser, password: str, *, must_change: bool = False) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_sessions(user)


def create_admin(org: Organisation, username: str, password: str, role="admin", *, granted_by=None,
                 via: str | None = None, **kw) -> AdminUser:
    """A new account with its role's default permissions: those `granted_by` may hand out (None: the system,
    e.g. the CLI, a registration or the demo seed, limited only by the role and level). The caller commits."""
    from . import permissions
    user = AdminUser(org=org, username=username, password_hash=hash_password(password),
                     role=AdminRole(role), **kw)
    db.session.add(user)
    db.session.flush()  # grants are audited against the account's id
    permissions.grant_defaults(granted_by, user, via=via)
    return user
