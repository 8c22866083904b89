"""What reviewers see of verification: Chinese labels, flag icons, the flag filter and per-document check rows."""
from flask import url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from markupsafe import Markup, escape
from sqlalchemy import String, cast

from ..admin.disclosure import pii
from ..domain.enums import DOCUMENT_KIND_LABELS
from ..domain.enums import VerificationStatus as VS
from ..domain.flags import CHECKS, FAILED_FLAG, SHORT, flag_label, flag_options  # noqa: F401  (re-exported)
from ..services.verification import expected_values, latest_result

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
