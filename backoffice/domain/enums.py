"""The enumerations the whole domain speaks in (stored as their string values)."""
import enum


class OrgKind(str, enum.Enum):
    CITY = "city"
    DISTRICT = "district"
    INDUSTRY = "industry"
    GRASSROOTS = "grassroots"
    ENTERPRISE = "enterprise"


class OrgStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    DISABLED = "disabled"


class AdminRole(str, enum.Enum):
    ADMIN = "admin"
    REVIEWER = "reviewer"


class ApplicationState(str, enum.Enum):
    DRAFT = "draft"
    WAITLISTED = "waitlisted"   # submitted after the quota was used up, waiting for a freed slot
    IN_REVIEW = "in_review"     # reviewing_org_id says whose turn it is
    RETURNED = "returned"       # 驳回: back with the applicant for correction
    REFUSED = "refused"         # 拒绝
    APPROVED = "approved"       # the top level approved
    WITHDRAWN = "withdrawn"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"  # the bank refused the transfer: the applicant fixes the card


class DocumentKind(str, enum.Enum):
    APPLICATION_FORM = "application_form"
    ID_CARD_FRONT = "id_card_front"
    ID_CARD_BACK = "id_card_back"
    BANK_CARD = "bank_card"
    DIPLOMA = "diploma"
    DIPLOMA_REGISTRATION = "diploma_registration"
    STUDENT_STATUS_REPORT = "student_status_report"
    TUITION_RECEIPT = "tuition_receipt"


class VerificationStatus(str, enum.Enum):
    PENDING = "pending"          # stored, not yet queued (or the enqueue failed)
    QUEUED = "queued"
    VERIFYING = "verifying"
    DONE = "done"
    FAILED = "failed"


class ReviewDecision(str, enum.Enum):
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    RETURN = "return"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    PROMOTE = "promote"
    REOPEN = "reopen"
    PAY = "pay"
    PAY_FAIL = "pay_fail"


class OnceRule(str, enum.Enum):
    PER_PERSON = "per_person"            # one subsidy per person, ever (Guangzhou)
    PER_YEAR_LEVEL = "per_year_level"    # one per person per year or per education level (Jinan)


class AppealStatus(str, enum.Enum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class TransferStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class PaymentStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"


DOCUMENT_KIND_LABELS = {
    DocumentKind.APPLICATION_FORM: "申请表（贴照片、盖工会章）",
    DocumentKind.ID_CARD_FRONT: "身份证人像面",
    DocumentKind.ID_CARD_BACK: "身份证国徽面",
    DocumentKind.BANK_CARD: "银行卡",
    DocumentKind.DIPLOMA: "毕业证书",
    DocumentKind.DIPLOMA_REGISTRATION: "学历电子注册备案表",
    DocumentKind.STUDENT_STATUS_REPORT: "学籍在线验证报告",
    DocumentKind.TUITION_RECEIPT: "学费发票",
}

STATE_LABELS = {
    ApplicationState.DRAFT: "草稿",
    ApplicationState.WAITLISTED: "候补中",
    ApplicationState.IN_REVIEW: "审核中",
    ApplicationState.RETURNED: "已驳回（待修改）",
    ApplicationState.REFUSED: "已拒绝",
    ApplicationState.APPROVED: "审核通过",
    ApplicationState.WITHDRAWN: "已撤回",
    ApplicationState.PAID: "已发放",
    ApplicationState.PAYMENT_FAILED: "发放失败（待更正银行卡）",
}

ORG_KIND_LABELS = {
    OrgKind.CITY: "市总工会", OrgKind.DISTRICT: "区总工会", OrgKind.INDUSTRY: "产业工会",
    OrgKind.GRASSROOTS: "基层工会", OrgKind.ENTERPRISE: "企业",
}
ORG_STATUS_LABELS = {
    OrgStatus.PENDING: "待审核", OrgStatus.ACTIVE: "正常", OrgStatus.REJECTED: "已驳回", OrgStatus.DISABLED: "已停用",
}

ROLE_LABELS = {AdminRole.ADMIN: "管理员", AdminRole.REVIEWER: "审核员"}
ONCE_RULE_LABELS = {OnceRule.PER_PERSON: "每人限享受一次", OnceRule.PER_YEAR_LEVEL: "每人每年度或每学历层次限一次"}
VERIFICATION_LABELS = {
    VerificationStatus.PENDING: "待核验", VerificationStatus.QUEUED: "排队中", VerificationStatus.VERIFYING: "核验中",
    VerificationStatus.DONE: "已核验", VerificationStatus.FAILED: "核验失败",
}
APPEAL_STATUS_LABELS = {AppealStatus.OPEN: "待答复", AppealStatus.UPHELD: "申诉成立", AppealStatus.DISMISSED: "申诉不成立"}
TRANSFER_STATUS_LABELS = {TransferStatus.PENDING: "待审核", TransferStatus.APPROVED: "已通过",
                          TransferStatus.REJECTED: "未通过", TransferStatus.CANCELLED: "已撤销"}
PAYMENT_STATUS_LABELS = {PaymentStatus.PENDING: "待发放", PaymentStatus.PAID: "已发放", PaymentStatus.FAILED: "发放失败"}
# What a select box shows for each enumeration (value → Chinese); members not listed show their value.
ENUM_LABELS = {
    OrgKind: ORG_KIND_LABELS, OrgStatus: ORG_STATUS_LABELS, AdminRole: ROLE_LABELS, OnceRule: ONCE_RULE_LABELS,
    ApplicationState: STATE_LABELS, DocumentKind: DOCUMENT_KIND_LABELS, VerificationStatus: VERIFICATION_LABELS,
    AppealStatus: APPEAL_STATUS_LABELS, TransferStatus: TRANSFER_STATUS_LABELS, PaymentStatus: PAYMENT_STATUS_LABELS,
}
