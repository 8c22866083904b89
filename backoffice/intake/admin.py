"""Console views for programmes, batches, funding lines and the roster (replacing the core defaults)."""
from flask import flash, g
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField

from ..admin.base import ScopedModelView
from ..admin.views import COMMON_LABELS, _label, _mask_id
from ..domain.enums import DOCUMENT_KIND_LABELS, ONCE_RULE_LABELS, OnceRule, OrgKind
from ..extensions import db
from ..models import Batch, FundingLine, Programme, RosterBatch, RosterEntry
from ..services import audit
from . import stats

ONCE_LABELS = ONCE_RULE_LABELS
LABELS = COMMON_LABELS | {
    "batch_count": "发放补助项目数量", "approved_total": "通过总人数", "submitted_total": "申报总人数",
    "required_kinds": "必传材料", "roster_batches": "认可的预报名批次", "released_slots": "空出名额",
    "shortcuts": "快捷入口",
}


def _shortcuts(v, c, m, p) -> Markup:
    """The Guangzhou console's per-row entries: 申报管理 / 运营工作台 / 迁入迁出管理 / 发放管理."""
    from flask import url_for
    from markupsafe import escape
    latest = m.batches[-1].id if m.batches else ""
    links = [("申报管理", url_for("review_queue.index", mine="0", batch_id=latest)),
             ("运营工作台", url_for("review_dashboard.index")),
             ("迁入迁出管理", url_for("review_transfers.index", batch_id=latest)),
             ("发放管理", url_for("review_payments.index", programme_id=m.id))]
    return Markup(" ".join(f'<a class="btn btn-outline-primary btn-sm mb-1" href="{escape(u)}">{t}</a>'
                           for t, u in links))


class _Audited(ScopedModelView):
    admin_only = True

    def after_model_change(self, form, model, is_created):
        audit.record(f"{type(model).__name__.lower()}_{'created' if is_created else 'changed'}",
                     actor=current_user, target=model, org_id=current_user.org_id)
        db.session.commit()

    def handle_view_exception(self, exc):
        if isinstance(exc, ValueError):
            flash(str(exc), "danger")
            return True
        return super().handle_view_exception(exc)


class ProgrammeView(_Audited):
    """The city level creates programmes; the list shows the GZ console's columns."""
    column_list = ("name", "batch_count", "approved_total", "submitted_total", "created_at", "enabled", "shortcuts")
    column_labels = LABELS
    column_default_sort = ("created_at", True)
    column_searchable_list = ("name",)
    column_sortable_list = ("name", "created_at", "enabled")
    column_formatters_export = {"shortcuts": lambda v, c, m, p: ""}
    column_export_exclude_list = ("shortcuts",)
    form_columns = ("name", "description", "once_rule", "enabled")
    form_overrides = {"once_rule": SelectField}
    form_args = {"once_rule": {"label": "享受次数规则", "coerce": lambda v: OnceRule(v) if v else None,
                               "choices": [(k.value, v) for k, v in ONCE_LABELS.items()]}}
    column_formatters = {
        "batch_count": lambda v, c, m, p: v._counts(m)[0],
        "submitted_total": lambda v, c, m, p: v._counts(m)[1],
        "approved_total": lambda v, c, m, p: v._counts(m)[2],
        "shortcuts": _shortcuts,
        "enabled": lambda v, c, m, p: Markup('<span class="badge badge-success">启用</span>' if m.enabled
                                             else '<span class="badge badge-secondary">停用</span>'),
    }

    @property
    def can_create(self):
        return current_user.is_authenticated and current_user.org.kind == OrgKind.CITY

    def _counts(self, model):
        cache = g.setdefault("programme_counts", {})
        if model.id not in cache:
            ids = g.get("programme_page") or [model.id]
            cache.update(stats.programme_counts(current_user.org, ids))
        return cache.get(model.id, (0, 0, 0))

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):  # a page shown: its counts in one query (an export counts row by row)
            g.programme_page = [m.id for m in rows]
        return count, rows

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.org_id = current_user.org_id


class BatchView(_Audited):
    column_list = ("programme", "name", "apply_opens_at", "apply_closes_at", "review_closes_at", "quota",
                   "allocated_count", "waitlist_count", "submitted_total", "approved_total", "amount", "enabled")
    column_labels = LABELS
    column_formatters = {
        "submitted_total": lambda v, c, m, p: v._counts(m)[0],
        "approved_total": lambda v, c, m, p: v._counts(m)[1],
    }
    column_descriptions = {"allocated_count": "先到先得已占用的名额", "waitlist_count": "名额满后排队候补的人数"}
    form_columns = ("programme", "name", "apply_opens_at", "apply_closes_at", "review_closes_at", "quota",
                    "waitlist_cap", "amount", "enabled", "required_kinds", "roster_required", "roster_batches",
                    "graduation_required", "validity_years")
    form_extra_fields = {"required_kinds": SelectMultipleField(
        "必传材料", choices=[(k.value, v) for k, v in DOCUMENT_KIND_LABELS.items()],
        description="申请人提交前必须上传的材料（按住 Ctrl 可多选）")}
    form_args = {
        "apply_opens_at": {"description": "到点自动开放申报（北京时间）"},
        "apply_closes_at": {"description": "到点自动截止申报（北京时间）"},
        "review_closes_at": {"description": "到点自动结束审核（北京时间）"},
        "waitlist_cap": {"description": "名额满后最多允许多少人排队候补；名额和候补都满即停止申报"},
        "roster_batches": {"description": "留空表示认可所有预报名批次"},
        "validity_years": {"description": "预报名资格自入学之日起的有效年数（广州为 8 年）"},
    }

    def _counts(self, model):
        cache = g.setdefault("batch_counts", {})
        if model.id not in cache:
            ids = g.get("batch_page") or [model.id]
            cache.update(stats.batch_counts(current_user.org, ids))
        return cache.get(model.id, (0, 0))

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):  # a page shown: its counts in one query (an export counts row by row)
            g.batch_page = [m.id for m in rows]
        return count, rows

    def choices_scope(self, target):
        if target is RosterBatch:  # every published roster may be recognised
            from sqlalchemy import true
            return true()
        return super().choices_scope(target)

    def on_form_prefill(self, form, id):
        model = self.get_one(id)
        if model is not None:
            form.required_kinds.data = list(model.required_documents or [])

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if not form.required_kinds.data and obj is None:
            form.required_kinds.data = []
        return form

    def on_model_change(self, form, model, is_created):
        model.required_documents = list(form.required_kinds.data or [])
        if not (model.apply_opens_at and model.apply_closes_at and model.review_closes_at):
            raise ValueError("请填写申报开始、申报截止和审核截止时间。")
        if not model.apply_opens_at < model.apply_closes_at <= model.review_closes_at:
            raise ValueError("时间顺序应为：申报开始 < 申报截止 ≤ 审核截止。")
        if model.quota is None or model.quota < (model.allocated_count or 0):
            raise ValueError(f"名额不能少于已占用的 {model.allocated_count or 0} 个。")
        if (model.waitlist_cap or 0) < 0 or (model.validity_years or 0) <= 0:
            raise ValueError("候补上限不能为负数，学籍有效年限须大于 0。")


class FundingLineView(_Audited):
    """Lower levels add matching money (配套补助) to their ancestors' batches, for their own subtree."""
    column_list = ("batch", "org", "name", "amount", "quota", "allocated_count", "enabled")
    column_labels = LABELS | {"quota": "配套名额（按审批通过先后）"}
    form_columns = ("batch", "org", "name", "amount", "quota", "enabled")

    def choices_scope(self, target):
        if target is Batch:  # its ancestors' batches, and any batch inside its subtree
            from sqlalchemy import or_

            from ..services.scope import ancestors_batches_clause
            return or_(ancestors_batches_clause(current_user.org), super().choices_scope(target))
        return super().choices_scope(target)

    def on_model_change(self, form, model, is_created):
        if model.quota is None or model.quota < (model.allocated_count or 0):
            raise ValueError("配套名额不能少于已占用的数量。")


class RosterBatchView(_Audited):
    column_list = ("name", "org", "published_at", "created_at")
    column_labels = LABELS
    form_columns = ("name", "published_at")
    list_template = "intake/roster_batch_list.html"

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.org_id = current_user.org_id


class RosterEntryView(ScopedModelView):
    column_list = ("roster_batch", "name", "id_number", "org", "enrolment_date", "school", "level", "graduated")
    column_searchable_list = ("name", "id_number")
    # ID numbers are stored encrypted: their order in the table means nothing, so the list does not sort by them.
    column_sortable_list = ("name", "enrolment_date", "school", "level", "graduated")
    column_filters = ("level", "graduated", "enrolment_date")
    column_labels = LABELS
    column_formatters = {"id_number": _mask_id}
    pii_columns = ScopedModelView.pii_columns | {"name": "name"}
    can_create = False
    can_edit = False
    admin_only = True

    @staticmethod
    def person_search():
        return RosterEntry.name, RosterEntry.id_number_hash, None, None

    def search_placeholder(self):
        return "姓名（从姓开始）或完整身份证号"


def add_views(admin) -> None:
    s = db
    admin.add_view(ProgrammeView(Programme, s, name="补助项目", category="项目管理", endpoint="programmes"))
    admin.add_view(BatchView(Batch, s, name="申报批次", category="项目管理", endpoint="batches"))
    admin.add_view(FundingLineView(FundingLine, s, name="配套补助", category="项目管理", endpoint="funding_lines"))
    admin.add_view(RosterBatchView(RosterBatch, s, name="预报名批次", category="预报名名单", endpoint="roster_batches"))
    admin.add_view(RosterEntryView(RosterEntry, s, name="预报名名单", category="预报名名单", endpoint="roster"))
    from .roster_page import RosterImportView
    admin.add_view(RosterImportView(name="导入名单", category="预报名名单", endpoint="roster_import",
                                    url="/admin/roster-import"))


__all__ = ["ONCE_LABELS", "_label", "add_views"]
