"""Console views for the core tables; feature packages add their own views beside these."""
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup
from wtforms import PasswordField

from ..domain.auth import password_problems
from ..domain.credit_code import problem
from ..domain.enums import (
    DOCUMENT_KIND_LABELS,
    ORG_KIND_LABELS,
    ORG_STATUS_LABELS,
    STATE_LABELS,
    AdminRole,
)
from ..domain.labels import ACTOR_TYPES, AUDIT_ACTIONS, TARGET_TYPES, audit_action
from ..domain.masking import shown
from ..models import Applicant, Application, AuditEvent
from ..services import accounts, audit
from ..verification import ui as verification_ui
from ..verification.actions import ApplicationRequeueMixin, DocumentRequeueMixin
from .accounts import AccountPermissionsMixin, permission_field, permission_labels
from .base import ScopedModelView
from .disclosure import pii
from .display import human


def _label(mapping):
    return lambda v, c, m, p: mapping.get(getattr(m, p), getattr(m, p))


def _mask_id(v, c, m, p):
    from .disclosure import screen_unmasked
    return shown("id_number", getattr(m, p) or "", screen_unmasked())


def _blank_to_none(value):
    return value.strip() or None if isinstance(value, str) else value


def _mime(v, c, m, p):
    return "PDF 文件" if m.mime == "application/pdf" else f"图片（{m.mime.rpartition('/')[2].upper()}）"


def _credit_code_valid(form, field):
    from wtforms.validators import ValidationError

    message = problem(field.data) if field.data else None
    if message:
        raise ValidationError(message)


COMMON_LABELS = {
    "org": "所属单位", "name": "名称", "code": "代码", "kind": "类型", "status": "状态", "created_at": "创建时间",
    "parent": "上级单位", "credit_code": "统一社会信用代码", "address": "地址", "contact_name": "联系人",
    "contact_mobile": "联系电话", "username": "用户名", "display_name": "姓名", "role": "角色", "active": "启用",
    "last_login_at": "最近登录", "enabled": "启用", "programme": "项目", "quota": "名额", "amount": "金额（元）",
    "apply_opens_at": "申报开始", "apply_closes_at": "申报截止", "review_closes_at": "审核截止",
    "allocated_count": "已占名额", "waitlist_count": "候补人数", "id_number": "身份证号", "enrolment_date": "入学日期",
    "school": "学校", "level": "层次", "graduated": "已毕业", "roster_batch": "预报名批次", "batch": "批次",
    "applicant": "申请人", "state": "状态", "submitted_at": "提交时间", "quota_rank": "名额序号",
    "waitlist_position": "候补序号", "reviewing_org": "当前审核单位", "application": "申请",
    "verification_status": "核验状态", "uploaded_at": "上传时间", "size": "大小（字节）", "mime": "类型",
    "at": "时间", "actor_type": "操作者类型", "actor_name": "操作者", "action": "操作", "target_type": "对象",
    "target_id": "对象编号", "detail": "详情", "ip": "IP", "description": "说明", "once_rule": "享受次数规则",
    "waitlist_cap": "候补上限", "roster_required": "须在预报名名单", "graduation_required": "须已毕业",
    "validity_years": "学籍有效年限", "required_documents": "必传材料", "published_at": "发布时间",
    "graduation_date": "毕业日期", "flags": "核验提示", "path": "路径", "depth": "层级",
    "id": "编号", "roster_entry": "预报名名单记录", "education_level": "学历层次", "study_year": "入学年份",
    "first_submitted_at": "首次提交时间", "amount_paid": "发放金额", "funding_line": "配套补助", "funding_rank": "配套名额序号",
    "decided_at": "办结时间", "last_reason": "最近原因", "return_items": "驳回的材料", "resubmit_due_at": "补正期限",
    "updated_at": "更新时间", "actor_id": "操作者编号", "can_unmask": "可查看完整信息（不脱敏）", "original_name": "原文件名",
    "width": "宽（像素）", "height": "高（像素）", "rotation": "旋转角度", "verification_attempts": "核验次数",
    "verification_error": "核验失败原因", "status_reason": "状态说明", "locked_until": "锁定至", "must_change_password":
    "须修改密码", "applicant.name": "申请人姓名", "applicant.id_number": "身份证号", "children": "下级单位",
    "admins": "管理员", "results": "核验结果", "documents": "材料", "applications": "申请", "invitation": "入网邀请",
    "token_version": "登录版本", "bank_card": "银行卡号", "mobile": "手机号", "entries": "名单记录",
    "roster_batches": "认可的预报名批次", "funding_lines": "配套补助", "batches": "批次",
    "reviewing_org_id": "当前审核单位", "exported_at": "导出时间", "results_imported_at": "导入结果时间",
    "total_amount": "合计金额（元）", "paid_at": "发放时间", "failure_reason": "失败原因", "target": "对象",
    "email": "电子邮箱", "sms_enabled": "短信通知",
}


class OrganisationView(ScopedModelView):
    column_list = ("code", "name", "kind", "status", "parent", "credit_code", "created_at")
    column_searchable_list = ("code", "name", "credit_code")
    column_filters = ("kind", "status")
    column_labels = COMMON_LABELS
    column_formatters = {"kind": _label(ORG_KIND_LABELS), "status": _label(ORG_STATUS_LABELS)}
    column_default_sort = "path"
    form_columns = ("name", "code", "kind", "credit_code", "address", "contact_name", "contact_mobile")
    # A blank optional field must be stored as NULL: '' would collide under the unique credit code.
    form_args = {name: {"filters": [_blank_to_none]} for name in ("address", "contact_name", "contact_mobile")} | {
        "credit_code": {"filters": [_blank_to_none], "validators": [_credit_code_valid]}}
    can_create = False  # organisations join through invitations
    can_delete = False
    admin_only = True


class AdminUserView(AccountPermissionsMixin, ScopedModelView):
    """管理员账号: accounts of my subtree; who may do what is changed only through services.permissions."""
    column_list = ("username", "display_name", "org", "role", "active", "permissions", "last_login_at",
                   "created_at")
    column_searchable_list = ("username", "display_name")
    column_filters = ("role", "active")
    column_labels = COMMON_LABELS | {"new_password": "新密码", "permissions": "权限", "grants": "权限",
                                     "must_change_password": "须修改密码", "locked_until": "锁定至"}
    column_formatters = {"role": _label({AdminRole.ADMIN: "管理员", AdminRole.REVIEWER: "审核员"}),
                         "permissions": lambda v, c, m, p: permission_labels(m)}
    column_formatters_export = {"permissions": lambda v, c, m, p: permission_labels(m)}
    form_columns = ("org", "username", "display_name", "role", "active", "grants", "new_password")
    form_extra_fields = {"new_password": PasswordField("新密码", description="留空则不修改；新账号必填"),
                         "grants": permission_field()}
    column_exclude_list = ("password_hash",)
    # Never the password hash or session internals; the permissions and their history follow the table.
    column_details_list = ("username", "display_name", "org", "role", "active", "permissions", "must_change_password",
                           "locked_until", "last_login_at", "created_at")
    details_template = "admin/admin_user_details.html"
    can_delete = False
    admin_only = True

    def on_model_change(self, form, model, is_created):
        actor = current_user._get_current_object()
        new = form.new_password.data
        self.check_account_change(actor, model, is_created, bool(new))
        if is_created and not new:
            raise ValueError("新账号必须设置密码。")
        if new:
            problems = password_problems(new, model.username or "")
            if problems:
                raise ValueError("；".join(problems))
            accounts.set_password(model, new, must_change=True)
        elif not model.active:
            accounts.end_sessions(model)
        audit.record("admin_user_created" if is_created else "admin_user_changed", actor=actor,
                     target=model, org_id=model.org_id or current_user.org_id)
        self.apply_permissions(actor, model, form.grants.data or [], is_created)

    def handle_view_exception(self, exc):
        if isinstance(exc, ValueError):  # includes services.permissions.PermissionDenied
            from flask import flash
            flash(str(exc), "danger")
            return True
        return super().handle_view_exception(exc)


class ApplicationView(ApplicationRequeueMixin, ScopedModelView):
    column_list = ("id", "applicant", "org", "batch", "state", "reviewing_org", "quota_rank", "waitlist_position",
                   "submitted_at", "flags")
    column_sortable_list = ("id", "state", "quota_rank", "waitlist_position", "submitted_at")
    column_searchable_list = ("applicant.name",)
    column_filters = ("state", "submitted_at", "quota_rank", verification_ui.FlagFilter(Application.flags))
    column_labels = COMMON_LABELS
    column_formatters = {
        "state": _label(STATE_LABELS),
        "flags": lambda v, c, m, p: Markup(
            f'<a href="{v.get_url("verification.application", application_id=m.id)}" title="查看材料核验">'
            f'{verification_ui.flag_badges(m) or "<small>材料核验</small>"}</a>'),
    }
    column_formatters_export = {
        "flags": lambda v, c, m, p: "；".join(verification_ui.flag_label(f) for f in m.flags or []),
    }
    pii_columns = ScopedModelView.pii_columns | {"applicant": "name"}
    column_default_sort = ("id", True)

    def search_placeholder(self):
        return "姓名（从姓开始）、完整身份证号或申请编号"

    @staticmethod
    def person_search():
        return Applicant.name, Applicant.id_number_hash, Application.id, (Applicant, Applicant.id == Application.applicant_id)
    can_create = False
    can_edit = False
    can_delete = False


class DocumentView(DocumentRequeueMixin, ScopedModelView):
    column_list = ("id", "application", "kind", "verification_status", "mime", "size", "uploaded_at")
    column_labels = COMMON_LABELS | {"kind": "材料类型"}
    column_formatters = {"kind": _label(DOCUMENT_KIND_LABELS),
                         "verification_status": _label(verification_ui.VERIFICATION_LABELS)}
    column_formatters["mime"] = _mime
    column_formatters_export = {"mime": _mime}
    details_template = "verification/document_details.html"
    column_filters = ("kind", "verification_status")
    can_create = False
    can_edit = False
    can_delete = False


class AuditEventView(ScopedModelView):
    column_list = ("at", "actor_type", "actor_name", "org", "action", "target_type", "target_id", "detail", "ip")
    column_filters = (FilterEqual(AuditEvent.action, "操作", options=sorted(AUDIT_ACTIONS.items(), key=lambda kv: kv[1])),
                      FilterEqual(AuditEvent.actor_type, "操作者类型", options=list(ACTOR_TYPES.items())), "at")
    column_searchable_list = ("actor_name",)
    column_labels = COMMON_LABELS | {"actor_name": "操作者（用户名或姓名）"}
    column_formatters = {
        "action": lambda v, c, m, p: audit_action(m.action),
        "actor_type": lambda v, c, m, p: ACTOR_TYPES.get(m.actor_type, m.actor_type),
        "target_type": lambda v, c, m, p: TARGET_TYPES.get(m.target_type, m.target_type or ""),
        "detail": lambda v, c, m, p: pii(human(m.detail), "text"),
    }
    column_formatters_export = column_formatters | {"detail": lambda v, c, m, p: human(m.detail)}
    # An applicant's (or a member of the public's) name is personal data in files; usernames of staff are not.
    # The details may quote a number someone typed: masked like every other free text.
    pii_columns = {"actor_name": lambda event: None if event.actor_type in ("admin", "system") else "name",
                   "detail": "text"}
    column_default_sort = ("at", True)
    can_create = False
    can_edit = False
    can_delete = False
