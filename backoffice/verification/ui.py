"""What reviewers see of verification: Chinese labels, flag icons, the flag filter and per-document check rows."""
from flask import url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from markupsafe import Markup, escape
from sqlalchemy import String, cast

from ..admin.disclosure import pii
from ..domain.enums import DOCUMENT_KIND_LABELS, DocumentKind
from ..domain.enums import VerificationStatus as VS
from ..services.verification import FAILED_FLAG, expected_values, latest_result

# check name → (what a passing check means, what the flag tells the reviewer, Font Awesome 4 icon)
CHECKS = {
    "readable": ("图片清晰可辨认", "图片不清晰或无法识别", "fa-eye-slash"),
    "photo_present": ("已贴照片", "未检测到照片", "fa-user-circle"),
    "seal_present": ("已加盖公章", "未检测到公章", "fa-certificate"),
    "id_number_valid": ("身份证号码校验通过", "身份证号码校验不通过", "fa-id-card"),
    "id_number_match": ("身份证号与名单一致", "身份证号与名单不一致", "fa-id-card-o"),
    "name_match": ("姓名与名单一致", "姓名与名单不一致", "fa-user-times"),
    "validity_not_expired": ("身份证在有效期内", "身份证已过期", "fa-calendar-times-o"),
    "card_number_valid": ("银行卡号校验通过", "银行卡号校验不通过", "fa-credit-card"),
    FAILED_FLAG: ("", "自动核验失败，请人工审核", "fa-exclamation-triangle"),
}
# The few characters shown on the list's badge (the tooltip has the whole sentence).
SHORT = {"readable": "不清晰", "photo_present": "无照片", "seal_present": "无公章", "id_number_valid": "证号无效",
         "id_number_match": "证号不符", "name_match": "姓名不符", "validity_not_expired": "证件过期",
         "card_number_valid": "卡号无效", FAILED_FLAG: "核验失败"}
STATUS_LABELS = {"pass": "通过", "fail": "不通过", "unsure": "无法确定"}
STATUS_CLASSES = {"pass": "success", "fail": "danger", "unsure": "warning"}
VERIFICATION_LABELS = {VS.PENDING: "等待核验", VS.QUEUED: "排队核验中", VS.VERIFYING: "正在核验",
                       VS.DONE: "已核验", VS.FAILED: "核验失败"}
# Checks whose value is compared with the roster (value read vs. value expected).
COMPARED = {"id_number_match": "id_number", "id_number_valid": "id_number", "name_match": "name"}
# The kind of personal data each check's value is (domain.masking); the explanations are scrubbed of numbers.
VALUE_KINDS = {"id_number_match": "id_number", "id_number_valid": "id_number", "card_number_valid": "card"}


PRESENCE = {"photo_present", "seal_present"}


def human_value(name: str, value):
    """What was read, as a clerk says it: 有/无, 是/否, 清晰度 40 %, never True or 0.4."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("有" if value else "无") if name in PRESENCE else ("是" if value else "否")
    if isinstance(value, float):
        percent = f"{round(value * 100)} %" if 0 <= value <= 1 else f"{value:g}"
        return f"清晰度 {percent}" if name == "readable" else percent
    return str(value)


def check_label(name: str) -> str:
    return CHECKS.get(name, (name, name, ""))[0] or name


def flag_label(flag: str) -> str:
    """"id_card_front:name_match" → "身份证人像面：姓名与名单不一致"."""
    kind, _, name = flag.rpartition(":")
    text = CHECKS.get(name, (name, f"{name} 未通过", ""))[1]
    try:
        return f"{DOCUMENT_KIND_LABELS[DocumentKind(kind)]}：{text}" if kind else text
    except ValueError:
        return text


def flag_badges(application) -> Markup:
    """Icons for the application list: one per flag, the Chinese explanation as the tooltip."""
    parts = []
    for flag in application.flags or []:
        name = flag.rpartition(":")[2]
        icon = CHECKS.get(name, ("", "", "fa-flag"))[2]
        css = "danger" if name == FAILED_FLAG else "warning"
        parts.append(f'<span class="badge badge-{css} flag-badge" title="{escape(flag_label(flag))}" '
                     f'data-flag="{escape(flag)}"><i class="fa {icon}"></i> '
                     f'{escape(SHORT.get(name, name))}</span>')
    return Markup("".join(parts))


def flag_options() -> list[tuple[str, str]]:
    return [("any", "有任何核验提示")] + [(name, labels[1]) for name, labels in CHECKS.items()]


class FlagFilter(BaseSQLAFilter):
    """Applications whose JSON flag list holds a check name (on any document); a LIKE works on SQLite and PG."""

    def __init__(self, column, name="核验提示", options=None, data_type=None):
        super().__init__(column, name, options=options or flag_options, data_type=data_type)

    def apply(self, query, value, alias=None):
        text = cast(self.get_column(alias), String)
        if value == "any":
            return query.filter(text.like('%"%'))
        if value not in CHECKS:
            return query
        # Flags are "<kind>:<check>"; the closing quote stops seal_present matching a longer name.
        return query.filter(text.like(f'%:{value}"%'))

    def operation(self):
        return "包含"


def document_checks(document) -> dict:
    """Everything the `verification/_document_checks.html` partial shows for one document."""
    result = latest_result(document) if document.verification_status == VS.DONE else None
    expected = expected_values(document.application)
    rows = []
    for check in (result.result.get("checks", []) if result else []):
        rows.append(_row(document, check, expected))
    return {
        "document": document, "kind_label": DOCUMENT_KIND_LABELS.get(document.kind, document.kind),
        "status": document.verification_status, "status_label": VERIFICATION_LABELS.get(
            document.verification_status, str(document.verification_status)),
        "error": document.verification_error, "rows": rows, "result": result,
        "image_url": url_for("verification.evidence", document_id=document.id, check="full"),
    }


def _row(document, check: dict, expected: dict) -> dict:
    name = check.get("name", "")
    status = check.get("status", "unsure")
    field = COMPARED.get(name)
    value, wanted = check.get("value"), expected.get(field) if field else None
    kind = VALUE_KINDS.get(name)
    value, wanted = pii(value, kind) if kind else value, pii(wanted, field) if field else wanted
    return {
        "name": name, "label": check_label(name), "status": status,
        "status_label": STATUS_LABELS.get(status, status), "css": STATUS_CLASSES.get(status, "secondary"),
        "value": human_value(name, value), "expected": human_value(name, wanted),
        "detail": pii(check.get("detail"), "text"), "confidence": check.get("confidence"),
        "evidence_url": url_for("verification.evidence", document_id=document.id, check=name)
        if check.get("box") else None,
    }
