"""The console at /admin/: the Flask-Admin instance and every feature's views registered on it."""
from flask import Flask
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

from ..domain.enums import ROLE_LABELS, STATE_LABELS
from ..extensions import db
from ..models import AdminUser, Application, AuditEvent, Document, Organisation
from . import views as v
from . import export_jobs, org_search
from .base import HomeView


def init_admin(app: Flask) -> Admin:
    from ..intake import admin as intake
    from ..onboarding import admin as onboarding
    from ..review import admin as review
    from ..verification import admin as verification

    admin = Admin(app, name="学补管理后台", index_view=HomeView(name="工作台", url="/admin"),
                  theme=Bootstrap4Theme(swatch="cerulean", fluid=True, base_template="admin/xuebu_base.html"))
    admin.add_view(v.ApplicationView(Application, db, name="申请列表", category="申报审核", endpoint="applications"))
    admin.add_view(v.DocumentView(Document, db, name="申请材料", category="申报审核", endpoint="documents"))
    admin.add_view(v.OrganisationView(Organisation, db, name="组织机构", category="组织与账号", endpoint="orgs"))
    admin.add_view(v.AdminUserView(AdminUser, db, name="管理员账号", category="组织与账号", endpoint="admin_users"))
    admin.add_view(v.AuditEventView(AuditEvent, db, name="操作日志", category="组织与账号", endpoint="audit"))
    from ..notifications import admin as notifications
    for feature in (onboarding, intake, review, verification, notifications, export_jobs, org_search):
        feature.add_views(admin)
    admin.add_link(MenuLink(name="修改密码", url="/account/password", category="我的账号"))
    admin.add_link(MenuLink(name="退出登录", url="/logout", category="我的账号"))
    app.context_processor(lambda: {"state_labels": STATE_LABELS, "role_labels": ROLE_LABELS})
    from .disclosure import install as install_disclosure
    install_disclosure(app)
    return admin
