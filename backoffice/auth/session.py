"""Flask-Login wiring: a session is valid only while its user, session version and org chain are."""
from flask import Flask

from ..domain.enums import OrgStatus
from ..extensions import db, login_manager
from ..models import AdminUser, Organisation


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(user_id: str):
    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(AdminUser, uid)
    if user is None or user.session_version != version or not user.active:
        return None
    if not org_chain_active(user.org):
        return None
    return user


def org_chain_active(org: Organisation) -> bool:
    """An admin works only while its org and every ancestor are active (disabling cuts a subtree)."""
    ids = org.ancestor_ids()
    statuses = db.session.execute(
        db.select(Organisation.status).where(Organisation.id.in_(ids))).scalars().all()
    return len(statuses) == len(ids) and all(s == OrgStatus.ACTIVE for s in statuses)
