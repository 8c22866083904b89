"""The Flask-Admin console at /admin/ (zh_CN by default)."""
from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ..extensions import db
from ..models import (
    AdminUser, Application, AuditEvent, Batch, Document, FundingLine, Organisation, Programme, RosterBatch,
    RosterEntry,
)
from .base import HomeView
from . import views as v

# Feature packages append (module, function) hooks that add their views: see register_feature_views().
FEATURE_VIEW_MODULES = (
    "backoffice.onboarding.admin", "backoffice.intake.admin", "backoffice.review.admin",
    "backoffice.verification.admin",
)


def init_admin(app: Flask) -> Admin:
    admin = Admin(app, name="学补管理后台", index_view=HomeView(name="工作台", url="/admin"),
                  theme=Bootstrap4Theme(swatch="cerulean", fluid=True))
    s = db
    admin.add_view(v.ApplicationView(Application, s, name="申请列表", category="申报审核", endpoint="applications"))
    admin.add_view(v.DocumentView(Document, s, name="申请材料", category="申报审核", endpoint="documents"))
    # Programme, batch, funding line and roster views come from backoffice.intake.admin (add_views).
    admin.add_view(v.OrganisationView(Organisation, s, name="组织机构", category="组织与账号", endpoint="orgs"))
    admin.add_view(v.AdminUserView(AdminUser, s, name="管理员账号", category="组织与账号", endpoint="admin_users"))
    admin.add_view(v.AuditEventView(AuditEvent, s, name="操作日志", category="组织与账号", endpoint="audit"))
    _register_feature_views(admin)
    from flask_admin.menu import MenuLink
    admin.add_link(MenuLink(name="修改密码", url="/account/password", category="我的账号"))
    admin.add_link(MenuLink(name="退出登录", url="/logout", category="我的账号"))

    @app.context_processor
    def labels():
        from ..domain.enums import STATE_LABELS
        return {"state_labels": STATE_LABELS}
    return admin


def _register_feature_views(admin: Admin) -> None:
    import importlib
    for name in FEATURE_VIEW_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.add_views(admin)
