"""The review state machine: explicit transitions over ApplicationState along the org chain (pure)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from .enums import ApplicationState as S
from .enums import DocumentKind
from .enums import ReviewDecision as A

# 驳回 reasons the reviewer picks per document (code → what the applicant reads).
RETURN_REASONS = {
    "unclear": "图片不清晰或不完整",
    "mismatch": "信息与预报名名单不一致",
    "wrong_document": "上传的材料类型不对",
    "expired": "证件已过期",
    "missing_seal": "缺少工会盖章或照片",
    "other": "其他（见说明）",
}
# 拒绝 reasons (the whole application).
REFUSE_REASONS = {
    "not_on_roster": "不在预报名名单内",
    "out_of_validity": "不在学籍有效期内",
    "already_subsidised": "已享受过补助",
    "not_graduated": "尚未毕业",
    "fraud": "材料虚假",
    "other": "其他（见说明）",
}
RESUBMIT_DAYS = 7      # a returned application keeps its slot if resubmitted within this many days
APPEAL_FILE_DAYS = 15  # an applicant may appeal this many days after a return or refusal
APPEAL_REPLY_DAYS = 10  # the appeal level must answer within this many days

REVIEWER_ACTIONS = frozenset({A.APPROVE, A.RETURN, A.REFUSE})
# (state, action) → target state; IN_REVIEW targets also move reviewing_org (see transition()).
TRANSITIONS = {
    (S.DRAFT, A.SUBMIT): S.IN_REVIEW,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.WAITLISTED, A.PROMOTE): S.IN_REVIEW,
    (S.WAITLISTED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_REVIEW, A.APPROVE): S.IN_REVIEW,  # or APPROVED at the top level
    (S.IN_REVIEW, A.RETURN): S.RETURNED,
    (S.IN_REVIEW, A.REFUSE): S.REFUSED,
    (S.IN_REVIEW, A.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, A.RESUBMIT): S.IN_REVIEW,
    (S.RETURNED, A.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, A.REOPEN): S.IN_REVIEW,
    (S.REFUSED, A.REOPEN): S.IN_REVIEW,
    (S.APPROVED, A.REOPEN): S.IN_REVIEW,  # an objection during the notice was upheld
    (S.APPROVED, A.PAY): S.PAID,
    (S.APPROVED, A.PAY_FAIL): S.PAYMENT_FAILED,
    (S.PAYMENT_FAILED, A.PAY): S.PAID,
    (S.PAYMENT_FAILED, A.PAY_FAIL): S.PAYMENT_FAILED,
}
# Where a submit lands when the quota has no rank left but a waitlist place (queued=True in transition()):
# a first submit, and a resubmit that came too late to keep its rank.
QUEUED = {
    (S.DRAFT, A.SUBMIT): S.WAITLISTED,
    (S.RETURNED, A.RESUBMIT): S.WAITLISTED,
}


class ReviewError(ValueError):
    """An action that is not allowed; `code` is English snake_case, str() is the Chinese message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Outcome:
    state: S
    reviewing_org_id: int | None


def review_chain(org_path: str) -> list[int]:
    """Org ids from the unit union (the end of the path) up to the top (the root)."""
    return [int(p) for p in reversed(org_path.strip("/").split("/")) if p]


def next_reviewer(chain: list[int], current: int | None) -> int | None:
    """The level after `current` on the chain; None when `current` is the top (its approval is final)."""
    if current not in chain:
        raise ReviewError("not_on_chain", "当前审核单位不在该申请的审核链上。")
    i = chain.index(current)
    return chain[i + 1] if i + 1 < len(chain) else None


def appeal_level(chain: list[int], decided_by: int | None) -> int:
    """Appeals go to the level above the one that decided; the top level decides appeals against itself."""
    if decided_by not in chain:
        return chain[-1]
    return next_reviewer(chain, decided_by) or decided_by


def follow_chain(new_chain: list[int], current: int | None) -> int | None:
    """Where an in-review application waits after a transfer: the same org if it is shared, else the new unit."""
    if current is None:
        return None
    return current if current in new_chain else new_chain[0]


def allowed(state: S, action: A) -> bool:
    """Whether the table has `action` from `state` at all (turn and timing aside)."""
    return (state, action) in TRANSITIONS


def target(state: S, action: A, *, queued: bool = False) -> S:
    """The state `action` leads to from `state` (queued: the quota gave a waitlist place, not a rank)."""
    found = QUEUED.get((state, action)) if queued else TRANSITIONS.get((state, action))
    if found is None:
        raise ReviewError("invalid_transition", f"当前状态不能执行该操作（{state.value} → {action.value}）。")
    return found


def transition(state: S, action: A, *, chain: list[int], reviewing_org_id: int | None = None,
               actor_org_id: int | None = None, now: datetime | None = None,
               review_closes_at: datetime | None = None, reopen_at: int | None = None,
               queued: bool = False) -> Outcome:
    """The state (and whose turn) after `action`; raises ReviewError for anything out of turn or order."""
    target_state = target(state, action, queued=queued)
    if not chain:
        raise ReviewError("no_chain", "该申请没有审核链。")
    if action in REVIEWER_ACTIONS:
        _check_turn(chain, reviewing_org_id, actor_org_id, now, review_closes_at)
        if action == A.APPROVE:
            nxt = next_reviewer(chain, reviewing_org_id)
            return Outcome(S.IN_REVIEW, nxt) if nxt is not None else Outcome(S.APPROVED, None)
        return Outcome(target_state, None)
    if action == A.REOPEN:
        if reopen_at not in chain:
            raise ReviewError("not_on_chain", "重新审核的单位不在该申请的审核链上。")
        return Outcome(target_state, reopen_at)
    if target_state == S.IN_REVIEW:  # submit, resubmit, promote: always from the unit level
        return Outcome(target_state, chain[0])
    return Outcome(target_state, None)


def _check_turn(chain, reviewing_org_id, actor_org_id, now, review_closes_at) -> None:
    refusal = turn_refusal(chain, reviewing_org_id, actor_org_id, now=now, review_closes_at=review_closes_at)
    if refusal is not None:
        raise refusal


def level_name(chain: list[int], org_id: int | None) -> str:
    """基层/区（产业）/市: what a level is called, by its place on the chain."""
    if org_id not in chain:
        return "—"
    i = chain.index(org_id)
    if i == len(chain) - 1:
        return "市总工会"
    return "基层工会" if i == 0 else "区（产业）工会"


def resubmit_due(returned_at: datetime, review_closes_at: datetime | None) -> datetime:
    """Until when a returned application keeps its quota slot."""
    due = returned_at + timedelta(days=RESUBMIT_DAYS)
    return min(due, review_closes_at) if review_closes_at else due


def keeps_slot(now: datetime, due: datetime | None) -> bool:
    return due is None or now <= due


def clean_return_items(items: list[dict]) -> list[dict]:
    """Per-document return reasons: keep known kinds and codes, trim notes; at least one is required."""
    kinds = {k.value for k in DocumentKind}
    out = []
    for item in items:
        kind, code = item.get("kind"), item.get("code")
        if kind in kinds and code in RETURN_REASONS:
            out.append({"kind": kind, "code": code, "note": (item.get("note") or "").strip()[:500]})
    if not out:
        raise ReviewError("no_return_items", "驳回时请至少勾选一份需要修改的材料并选择原因。")
    return out


# ---- may this admin act now (one rule: the review page, the queue and bulk approve all ask it) -------------

REVIEW_ROLES = frozenset({"admin", "reviewer"})  # both roles review; permissions add other powers, not this


def turn_refusal(chain: list[int], reviewing_org_id: int | None, actor_org_id: int | None, *,
                 now: datetime | None = None, review_closes_at: datetime | None = None) -> ReviewError | None:
    """Why the actor's level may not approve, return or refuse now; None when it is its turn."""
    if actor_org_id not in chain:
        return ReviewError("not_on_chain", "您的单位不在该申请的审核链上。")
    if actor_org_id != reviewing_org_id:
        return ReviewError("not_your_turn", "还没有轮到本级审核（或本级已审核完毕）。")
    if review_closed(now, review_closes_at):
        return ReviewError("review_closed", "本批次的审核期已结束，不能再审核。")
    return None


def review_closed(now: datetime | None, review_closes_at: datetime | None) -> bool:
    """The batch's review deadline has passed: nobody approves, returns or refuses any more."""
    return now is not None and review_closes_at is not None and now > review_closes_at


def can_act(state: S, *, chain: list[int], reviewing_org_id: int | None, actor_org_id: int | None,
            actor_role: str = "reviewer", now: datetime | None = None,
            review_closes_at: datetime | None = None) -> bool:
    """May this admin approve, return or refuse the application now: it is in review, waiting for the admin's
    own level, and the batch's review period is still open."""
    if state != S.IN_REVIEW or getattr(actor_role, "value", actor_role) not in REVIEW_ROLES:
        return False
    return turn_refusal(chain, reviewing_org_id, actor_org_id, now=now, review_closes_at=review_closes_at) is None
