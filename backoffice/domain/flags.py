"""Verification flags as reviewers read them: "kind:check" → a Chinese sentence, a short badge text and an icon."""
from .enums import DOCUMENT_KIND_LABELS, DocumentKind

FAILED_FLAG = "verification_failed"  # the verifier itself failed on a document: a person must look

# check name → (what a passing check means, what the flag tells the reviewer, Font Awesome 4 icon)
CHECKS = {
    "readable": ("图片清晰可辨认", "图片不清晰或无法识别", "fa-eye-slash"),
    "photo_present": ("已贴照片", "未检测到照片", "fa-user-circle"),
    "seal_present": ("已加盖公章", "未检测到公章", "fa-certificate"),
    "id_number_valid": ("身份证号码校验通过", "身份证号码校验不通过", "fa-id-card"),
    "id_number_match": ("身份证号与名单一致", "身份证号与名单不一致", "fa-id-card-o"),
    "name_match": ("姓名与名单一致", "姓名与名单不一致", "fa-user-times"),
    "validity_not_expired": ("身份证在有效期内", "身份证已过期", "fa-calendar-times-o"),
    "card_number_valid": ("银行卡号有效且与填写一致", "银行卡号无效或与填写的卡号不一致", "fa-credit-card"),
    FAILED_FLAG: ("", "自动核验失败，请人工审核", "fa-exclamation-triangle"),
}
# The few characters shown on the list's badge (the tooltip has the whole sentence).
SHORT = {"readable": "不清晰", "photo_present": "无照片", "seal_present": "无公章", "id_number_valid": "证号无效",
         "id_number_match": "证号不符", "name_match": "姓名不符", "validity_not_expired": "证件过期",
         "card_number_valid": "卡号有误", FAILED_FLAG: "核验失败"}


def flag_label(flag: str) -> str:
    """"id_card_front:name_match" → "身份证人像面：姓名与名单不一致"."""
    kind, _, name = flag.rpartition(":")
    text = CHECKS.get(name, (name, f"{name} 未通过", ""))[1]
    try:
        return f"{DOCUMENT_KIND_LABELS[DocumentKind(kind)]}：{text}" if kind else text
    except ValueError:
        return text


def flag_options() -> list[tuple[str, str]]:
    return [("any", "有任何核验提示")] + [(name, labels[1]) for name, labels in CHECKS.items()]
