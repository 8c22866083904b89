"""Disbursement rules: who goes into a payment batch, and reading the bank's result file (pure)."""
import re
from dataclasses import dataclass

from .enums import ApplicationState

PAID_WORDS = {"成功", "已支付", "已发放", "paid", "success", "ok", "1"}
FAILED_WORDS = {"失败", "退回", "failed", "fail", "0"}
CARD_RE = re.compile(r"^\d{12,19}$")


@dataclass(frozen=True)
class BankResult:
    row: int
    disbursement_id: int | None
    paid: bool | None  # None: the row could not be read
    reason: str


def payable(state: ApplicationState, *, in_ended_notice: bool, open_appeal: bool, has_open_or_paid: bool,
            card: str | None, failed_cards: set[str]) -> bool:
    """An approved application is paid once its notice ended with no open objection.

    A failed one waits until the applicant entered a different card from the one(s) the bank refused.
    """
    if state not in (ApplicationState.APPROVED, ApplicationState.PAYMENT_FAILED):
        return False
    if not in_ended_notice or open_appeal or has_open_or_paid or not card_valid(card):
        return False
    return state == ApplicationState.APPROVED or normalise_card(card) not in failed_cards


def normalise_card(card: str | None) -> str:
    return re.sub(r"[\s-]", "", card or "")


def card_valid(card: str | None) -> bool:
    return bool(CARD_RE.match(normalise_card(card)))


def read_result_row(row_no: int, disbursement_id, status, reason) -> BankResult:
    """One line of the bank's result file: 序号 (our disbursement id), 状态 (成功/失败), 失败原因."""
    try:
        did = int(str(disbursement_id).strip())
    except (TypeError, ValueError):
        return BankResult(row_no, None, None, "缺少或无法识别发放流水号")
    word = str(status or "").strip().lower()
    if word in PAID_WORDS:
        return BankResult(row_no, did, True, "")
    if word in FAILED_WORDS:
        return BankResult(row_no, did, False, str(reason or "").strip() or "银行未说明原因")
    return BankResult(row_no, did, None, f"无法识别的状态：{status}")
