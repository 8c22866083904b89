"""The applicant's side after submitting: bank card, failed payments, returns, appeals and transfer requests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..domain import bank_card as cards
from ..domain.enums import (
    DOCUMENT_KIND_LABELS,
    ApplicationState,
    DocumentKind,
    PaymentStatus,
    TransferStatus,
)
from ..domain.payments import normalise_card
from ..domain.review import RETURN_REASONS
from ..extensions import db
from ..models import (
    Appeal,
    Applicant,
    Application,
    Batch,
    Disbursement,
    Organisation,
    Transfer,
)
from . import payments, transfers
from .applications import EDITABLE, UNIT_KINDS, unit_orgs

S = ApplicationState
KIND_VALUES = frozenset(k.value for k in DocumentKind)
TRANSFER_LABELS = {TransferStatus.PENDING: "办理中", TransferStatus.APPROVED: "已迁移",
                   TransferStatus.REJECTED: "未通过", TransferStatus.CANCELLED: "已取消"}
APPEAL_LABELS = {"open": "待答复", "upheld": "申诉成立，已重新进入审核", "dismissed": "申诉未获支持"}


class SelfServiceError(ValueError):
    """A refused request: `code`/`detail` for the API (English), str() for people (Chinese)."""

    def __init__(self, code: str, message: str, detail: str, status: int = 422):
        super().__init__(message)
        self.code, self.message, self.detail, self.status = code, message, detail, status


@dataclass
class PaymentProblem:
    """A payment the bank refused: why, and whether the card now on file lets the next batch retry it."""
    application: Application
    reason: str
    refused_cards: set[str]
    retry_ready: bool


@dataclass
class FollowUp:
    """Everything an applicant reads about an application beyond its state."""
    return_items: list[dict] = field(default_factory=list)
    resubmit_due_at: datetime | None = None
    payment: PaymentProblem | None = None
    appeals: list[Appeal] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


# ---- bank card -------------------------------------------------------------------------------------------

def _failed_rows(application_ids: list[int]) -> list[Disbursement]:
    if not application_ids:
        return []
    return list(db.session.execute(select(Disbursement).where(
        Disbursement.application_id.in_(application_ids), Disbursement.status == PaymentStatus.FAILED)
        .order_by(Disbursement.id)).scalars())


def payment_problems(applicant: Applicant) -> list[PaymentProblem]:
    """Applications whose payment failed; retry_ready once a valid card the bank has not refused is on file."""
    failed_apps = list(db.session.execute(select(Application).where(
        Application.applicant_id == applicant.id, Application.state == S.PAYMENT_FAILED)
        .order_by(Application.id)).scalars())
    rows = _failed_rows([a.id for a in failed_apps])
    card = normalise_card(applicant.bank_card)
    out = []
    for app in failed_apps:
        own = [d for d in rows if d.application_id == app.id]
        refused = {normalise_card(d.bank_card) for d in own if d.bank_card}
        reason = own[-1].failure_reason if own and own[-1].failure_reason else (app.last_reason or "银行退回")
        out.append(PaymentProblem(app, reason, refused, cards.card_valid(card) and card not in refused))
    return out


def set_bank_card(applicant: Applicant, raw: str) -> Applicant:
    """Check the typed number (Luhn, not a card the bank already refused), then store it through payments."""
    message = cards.problem(raw)
    if message:
        raise SelfServiceError("invalid_card", message, "The card number must be 12-19 digits with a valid "
                                                        "Luhn check digit.")
    clean = normalise_card(raw)
    refused = next((p for p in payment_problems(applicant) if clean in p.refused_cards), None)
    if refused is not None:
        raise SelfServiceError("card_refused", f"该卡号已被银行退回（{refused.reason}），请改用另一张本人名下的"
                                               "借记卡。", "The bank already refused this card; enter another one.")
    try:
        payments.update_bank_card(applicant, clean, actor=applicant)
    except payments.PaymentError as exc:
        db.session.rollback()
        raise SelfServiceError(exc.code, str(exc), "The card number is not valid.") from None
    return applicant


def card_warnings(application: Application) -> list[dict]:
    """Before submitting: the subsidy is paid to the card on file, so say so while it can still be added."""
    if application.state not in EDITABLE or cards.card_valid(application.applicant.bank_card):
        return []
    needs_doc = DocumentKind.BANK_CARD.value in (application.batch.required_documents or [])
    text = "您还没有填写银行卡号，补助将发放到您填写的银行卡。请在“我的信息与银行卡”中填写" + \
        ("，并与上传的银行卡照片一致。" if needs_doc else "。")
    return [{"code": "bank_card_missing", "message": text}]


# ---- returns and appeals ---------------------------------------------------------------------------------

def return_items(application: Application) -> list[dict]:
    """驳回 per document, with the labels the applicant reads; empty unless the application is returned now."""
    if application.state != S.RETURNED:
        return []
    out = []
    for item in application.return_items or []:
        kind, code = item.get("kind"), item.get("code")
        label = DOCUMENT_KIND_LABELS[DocumentKind(kind)] if kind in KIND_VALUES else kind
        out.append({"kind": kind, "kind_label": label, "code": code,
                    "reason": RETURN_REASONS.get(code, code), "note": item.get("note") or ""})
    return out


def appeals_of(application: Application) -> list[Appeal]:
    """The applicant's own appeals (not public objections), newest first."""
    return list(db.session.execute(select(Appeal).where(
        Appeal.application_id == application.id, Appeal.source == "applicant")
        .order_by(Appeal.id.desc())).scalars())


def follow_up(application: Application) -> FollowUp:
    payment = None
    if application.state == S.PAYMENT_FAILED:
        payment = next((p for p in payment_problems(application.applicant) if p.application.id == application.id),
                       None)
    return FollowUp(return_items=return_items(application),
                    resubmit_due_at=application.resubmit_due_at if application.state == S.RETURNED else None,
                    payment=payment, appeals=appeals_of(application), warnings=card_warnings(application))


# ---- transfers -------------------------------------------------------------------------------------------

TRANSFER_DETAILS = {
    "no_org": "You have no unit union yet: the unit chosen on your first application becomes yours.",
    "same_org": "The target is your current unit union.",
    "org_inactive": "The target organisation is not active.",
    "transfer_pending": "A transfer request of yours is already pending.",
}


def transfer_targets(applicant: Applicant) -> list[Organisation]:
    return [o for o in unit_orgs(limit=500) if o.id != applicant.org_id]


def own_transfers(applicant: Applicant) -> list[Transfer]:
    return list(db.session.execute(select(Transfer).where(Transfer.applicant_id == applicant.id)
                                   .order_by(Transfer.id.desc())).scalars())


def ask_transfer(applicant: Applicant, to_org_id: int | None, reason: str = "",
                 batch_id: int | None = None) -> Transfer:
    """The worker asks to move to another active unit union; both unions then approve in the console."""
    ok_id = isinstance(to_org_id, int) and 0 < to_org_id < 2**31  # a larger id would crash the driver
    to_org = db.session.get(Organisation, to_org_id) if ok_id else None
    if to_org is None or to_org.kind not in UNIT_KINDS:
        raise SelfServiceError("invalid_org", "请选择要迁入的单位工会（须为已入网的基层工会或企业）。",
                               "to_org_id must be an active grassroots union or enterprise.")
    if applicant.org_id is None:
        raise SelfServiceError("no_org", "您还没有所属工会：首次申报时选择的单位即为您的所属工会，无需迁移。",
                               TRANSFER_DETAILS["no_org"], 409)
    if batch_id is not None and db.session.get(Batch, batch_id) is None:
        raise SelfServiceError("invalid_input", "所选批次不存在。", "batch_id is not a known batch.")
    try:
        return transfers.request_transfer(applicant, to_org, requested_by=applicant, reason=reason,
                                          batch_id=batch_id)
    except transfers.TransferError as exc:
        db.session.rollback()
        status = 409 if exc.code == "transfer_pending" else 422
        raise SelfServiceError(exc.code, str(exc).replace("该职工", "您"), TRANSFER_DETAILS.get(
            exc.code, "The transfer cannot be requested."), status) from None
