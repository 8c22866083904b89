"""The one secured base for every console view: login required, rows scoped to the admin's subtree."""
from flask import flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.tools import iterdecode
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect

from ..domain.enums import AdminRole
from ..domain.masking import MASKERS, neutralise
from ..services.scope import scope_clause
from .forms import ConsoleForm, ModelConverter


def _login_redirect():
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return redirect(url_for("auth.login", next=request.full_path))


class SecuredMixin:
    """Anonymous users go to the login page; admins who must change their password go there first."""
    admin_only = False  # True: reviewers may not open the view at all

    def is_accessible(self) -> bool:
        if not current_user.is_authenticated or current_user.must_change_password:
            return False
        return not self.admin_only or current_user.role == AdminRole.ADMIN

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated and not current_user.must_change_password:
            flash("您没有权限访问该页面。", "danger")
            return redirect(url_for("admin.index"))
        return _login_redirect()


class SecuredView(SecuredMixin, BaseView):
    pass


class ScopedModelView(SecuredMixin, ModelView):
    """A model view whose list, count, single-row lookups and relation choices all stop at the subtree.

    flask-admin's get_one() is not filtered by get_query(), so it is overridden too.
    """
    # Flask-WTF's token: the global CSRFProtect checks every POST and rejects flask-admin's SecureForm token.
    form_base_class = ConsoleForm
    model_form_converter = ModelConverter
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    page_size = 50
    can_set_page_size = True
    details_modal = False
    edit_modal = False
    create_modal = False
    list_template = "admin/xuebu_list.html"

    # Export columns holding personal data → masker name in domain.masking.MASKERS.
    pii_columns = {"id_number": "id_number", "mobile": "mobile", "bank_card": "card", "contact_mobile": "mobile"}

    def scope(self):
        return scope_clause(self.model, current_user.org.path)

    def get_export_value(self, model, name):
        """Exports never carry live formulas, and personal data is masked unless the admin may unmask."""
        value = super().get_export_value(model, name)
        masker = self.pii_columns.get(name)
        if masker and value:
            if current_user.can_unmask:
                self._audit_unmasked_export()
            else:
                value = MASKERS[masker](str(value))
        return neutralise(value)

    def _audit_unmasked_export(self):
        from flask import g
        if g.get("unmasked_export_audited"):
            return
        g.unmasked_export_audited = True
        from ..extensions import db
        from ..services import audit
        audit.record("export_unmasked", actor=current_user._get_current_object(),
                     detail={"view": self.endpoint}, ip=request.remote_addr)
        db.session.commit()

    def get_query(self):
        return super().get_query().filter(self.scope())

    def get_count_query(self):
        return super().get_count_query().filter(self.scope())

    def get_one(self, id):
        pk = sa_inspect(self.model).primary_key[0]
        key = iterdecode(id)
        if isinstance(key, tuple):
            key = key[0] if len(key) == 1 else key
        return self.get_query().filter(pk == key).one_or_none()

    # Relation choices in create/edit forms are limited the same way as the lists.
    def create_form(self, obj=None):
        return self._scope_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._scope_form(super().edit_form(obj))

    def _scope_form(self, form):
        mapper = sa_inspect(self.model)
        for field in form:
            rel = mapper.relationships.get(field.name)
            if rel is None or not hasattr(field, "query_factory"):
                continue
            target = rel.mapper.class_
            field.query_factory = self._choices_factory(target)
            field.query = None
        return form

    def _choices_factory(self, target):
        def factory():
            from ..extensions import db
            return db.session.query(target).filter(self.choices_scope(target))
        return factory

    def choices_scope(self, target):
        return scope_clause(target, current_user.org.path)


class HomeView(SecuredMixin, AdminIndexView):
    """The console home: who you are and what waits for you."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and not current_user.must_change_password

    def inaccessible_callback(self, name, **kwargs):
        return _login_redirect()

    @expose("/")
    def index(self):
        from ..services.dashboard import home_summary
        return self.render("admin/home.html", summary=home_summary(current_user.org))
