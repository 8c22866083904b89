"""The one secured base for every console view: login required, rows scoped to the admin's subtree."""
from functools import partial
from urllib.parse import urlencode

from flask import flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.tools import iterdecode
from flask_admin.tools import rec_getattr
from markupsafe import Markup
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect

from ..domain.enums import AdminRole
from ..domain.masking import shown
from ..domain.redirects import local_target
from ..models.base import pii_kind
from ..services.exports import Column
from ..services.scope import scope_clause
from .disclosure import SCREEN_KINDS, screen_unmasked
from .display import TYPE_FORMATTERS, ChineseFilterConverter
from . import paging
from .exporting import export_response, wants_unmasked
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

    def _handle_view(self, name, **kwargs):
        """flask-admin carries a return address in `url=` on its edit, details, delete and action pages and sends
        the browser there afterwards; it passes only this site's own console paths (domain.redirects), so a link
        someone else made cannot lead a logged-in admin off the site."""
        if any(local_target(u, "/admin/") is None for u in request.values.getlist("url")):
            args = [(k, v) for k, v in request.args.items(multi=True) if k != "url"]
            if request.method != "GET":  # nothing is saved: the same page again, without the address
                flash("链接中的返回地址无效，没有保存任何更改，请重新操作。", "danger")
            return redirect(request.path + ("?" + urlencode(args) if args else ""), 303)
        return super()._handle_view(name, **kwargs)


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
    # Beijing time to the minute, 是/否, Chinese labels for codes — in lists and on details pages alike.
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    filter_converter = ChineseFilterConverter()
    # Internal bookkeeping nobody reads: kept off the details pages.
    column_details_exclude_list = ("password_hash", "storage_key", "sha256", "token_hash", "session_version",
                                   "failed_logins", "verification_alive_at", "verification_queued_at",
                                   "verification_started_at", "invitation_id", "path", "released_slots",
                                   "id_number_hash")

    # Columns holding personal data are found from the model (info={"pii": kind}, models.base.pii_kind); a view
    # adds here only what the model cannot say (a computed column, or a function of the row).
    pii_columns: dict = {}
    # Exports read the stored values (made plain by services.exports), not the list's HTML formatters; a view
    # gives a formatter here only for a column the model does not hold.
    column_formatters_export: dict = {}

    def pii_kind(self, name: str):
        return self.pii_columns.get(name) or pii_kind(self.model, name)

    def exports_personal_data(self) -> bool:
        return any(self.pii_kind(name) for name, _ in self._export_columns)

    def _export_csv(self, return_url):
        return self._export("csv")

    def _export_tablib(self, export_type, return_url):
        return self._export(export_type)

    def _export(self, fmt):
        columns = [Column(str(label), partial(self._export_cell, name), self.pii_kind(name))
                   for name, label in self._export_columns]
        total, stmt = self._export_statement()
        return export_response(str(self.name), fmt, columns, stmt, unmask=wants_unmasked(), what=str(self.name),
                               total=total)

    def _export_statement(self):
        """(rows, statement): the list's query with its search, filters and sorting, built now (it needs the
        admin's scope) and run when the rows are written."""
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        total, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search, args.filters,
                                     execute=False, page_size=0)
        return total, query.statement

    def _export_cell(self, name, model):
        formatter = self.column_formatters_export.get(name)
        if formatter is not None:
            return formatter(self, None, model, name)
        try:
            return rec_getattr(model, name, None) if "." in name else getattr(model, name)
        except AttributeError:  # a computed column: the list's own formatter, as text
            value = self.get_list_value(None, model, name)
            return value.striptags() if isinstance(value, Markup) else value

    def _get_list_value(self, context, model, name, column_formatters, column_type_formatters):
        """Lists and details show ID, card and mobile numbers masked (domain.masking), full only on a page the
        admin may and did ask to unmask (admin.disclosure); names stay readable on screens."""
        kind = self.pii_kind(name)
        if kind in SCREEN_KINDS and name not in column_formatters and context is not None:
            value = rec_getattr(model, name, None)
            if value not in (None, ""):  # an empty one is shown as the console shows any empty value
                return shown(kind, value, screen_unmasked())
        return super()._get_list_value(context, model, name, column_formatters, column_type_formatters)

    def scope(self):
        return scope_clause(self.model, current_user.org.path)

    # A list of people searches them as the review queue does (name from its start, ID number, record id) through
    # indexes, not Flask-Admin's ILIKE '%…%' over every row: a function giving the columns and the joins it needs.
    person_search = None

    def _apply_search(self, query, count_query, joins, count_joins, search):
        if self.person_search is None or not search.strip():
            return super()._apply_search(query, count_query, joins, count_joins, search)
        from ..review.queue import person_matches
        name, id_number_hash, record_id, join = self.person_search()
        if join is not None:
            query = query.join(*join)
        return query.filter(person_matches(search, name, id_number_hash, record_id)), count_query, joins, count_joins

    # Flask-Admin's own count would scan every row of a large subtree; paging.total estimates past EXACT_COUNT.
    simple_list_pager = True

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        _, query = super().get_list(page, sort_column, sort_desc, search, filters, execute=False,
                                    page_size=page_size)
        count = paging.total(query.limit(None).offset(None).statement)
        return count.n, (query.all() if execute else query)

    def get_query(self):
        return super().get_query().filter(self.scope())

    def get_count_query(self):
        return super().get_count_query().filter(self.scope())

    # Ids arrive as text (query string, row checkboxes); PostgreSQL will not compare an integer key with text
    # (SQLite silently does), so they are converted to the key's own type, and one that is not a key is absent.
    def _key(self, id):
        key = iterdecode(id)
        if isinstance(key, tuple):
            key = key[0] if len(key) == 1 else key
        try:
            return sa_inspect(self.model).primary_key[0].type.python_type(key)
        except (TypeError, ValueError, NotImplementedError):
            return None

    def get_one(self, id):
        key = self._key(id)
        if key is None:
            return None
        return self.get_query().filter(sa_inspect(self.model).primary_key[0] == key).one_or_none()

    @action("delete", "删除", "确定要删除选中的记录吗？")
    def action_delete(self, ids):
        return super().action_delete([key for key in map(self._key, ids) if key is not None])

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
