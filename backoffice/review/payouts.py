"""发放管理's lists as queries: 未发放 (approved, not yet paid) and 已发放 (paid), with the Guangzhou console's
filters, and the per-union summary of people and amounts for finance."""
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select

from ..domain.enums import ApplicationState as S
from ..domain.enums import PaymentStatus
from ..models import Applicant, Application, Batch, Disbursement, Organisation, RosterBatch, RosterEntry
from ..services.scope import scope_clause
from .queue import person_matches

UNPAID_STATES = (S.APPROVED, S.PAYMENT_FAILED)


@dataclass
class PayoutFilter:
    tab: str = "unpaid"            # unpaid | paid
    programme_id: int | None = None  # 发放补贴项目
    roster_batch_id: int | None = None  # 预登记项目 / 批次
    q: str = ""                    # 姓名 or 身份证号
    org_id: int | None = None      # 工会 (its whole subtree)
    unit: str = ""                 # 单位名称 (part of it)
    roster_from: str = ""          # 预登记时间
    roster_to: str = ""
    applied_from: str = ""         # 发放项目申报时间
    applied_to: str = ""
    paid_from: str = ""            # 发放补贴时间
    paid_to: str = ""

    @classmethod
    def from_args(cls, args) -> "PayoutFilter":
        def as_int(key):
            value = (args.get(key) or "").strip()
            return int(value) if value.isdigit() else None
        texts = {k: (args.get(k) or "").strip() for k in ("q", "unit", "roster_from", "roster_to", "applied_from",
                                                          "applied_to", "paid_from", "paid_to")}
        return cls(tab="paid" if args.get("tab") == "paid" else "unpaid", programme_id=as_int("programme_id"),
                   roster_batch_id=as_int("roster_batch_id"), org_id=as_int("org_id"), **texts)

    def as_params(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _day(text: str, end: bool = False) -> datetime | None:
    """A date typed in Beijing time, as the UTC bound of that Beijing day."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except (TypeError, ValueError):
        return None
    return day + timedelta(days=1 if end else 0) - timedelta(hours=8)


def _between(stmt, column, start: str, end: str):
    if _day(start):
        stmt = stmt.where(column >= _day(start))
    if _day(end, True):
        stmt = stmt.where(column < _day(end, True))
    return stmt


def _common(stmt, org, f: PayoutFilter):
    # Tables are joined only for the filters that read them: the plain lists then walk one index in order.
    stmt = stmt.where(scope_clause(Application, org.path))
    if f.programme_id:
        stmt = stmt.where(Application.batch_id.in_(select(Batch.id).where(Batch.programme_id == f.programme_id)))
    if f.q:
        stmt = stmt.join(Applicant, Applicant.id == Application.applicant_id).where(
            person_matches(f.q, Applicant.name, Applicant.id_number_hash))
    if f.unit or f.org_id:
        units = select(Organisation.id)
        if f.unit:
            units = units.where(Organisation.name.contains(f.unit))
        if f.org_id:
            sub = select(Organisation.path).where(Organisation.id == f.org_id).scalar_subquery()
            units = units.where(Organisation.path.startswith(sub))
        stmt = stmt.where(Application.org_id.in_(units))
    if f.roster_batch_id or f.roster_from or f.roster_to:
        stmt = stmt.join(RosterEntry, RosterEntry.id == Application.roster_entry_id).join(
            RosterBatch, RosterBatch.id == RosterEntry.roster_batch_id)
        if f.roster_batch_id:
            stmt = stmt.where(RosterBatch.id == f.roster_batch_id)
        stmt = _between(stmt, RosterBatch.published_at, f.roster_from, f.roster_to)
    return _between(stmt, func.coalesce(Application.first_submitted_at, Application.submitted_at),
                    f.applied_from, f.applied_to)


def unpaid(org, f: PayoutFilter):
    """Approved (or failed at the bank) applications with no successful city payment yet."""
    paid = exists().where(Disbursement.application_id == Application.id, Disbursement.funding_line_id.is_(None),
                          Disbursement.status == PaymentStatus.PAID)
    stmt = _common(select(Application), org, f).where(Application.state.in_(UNPAID_STATES), ~paid)
    return stmt.order_by(Application.id)


def paid(org, f: PayoutFilter):
    stmt = _common(select(Disbursement).join(Application, Application.id == Disbursement.application_id), org, f)
    stmt = _between(stmt.where(Disbursement.status == PaymentStatus.PAID), Disbursement.paid_at, f.paid_from,
                    f.paid_to)
    return stmt.order_by(Disbursement.paid_at.desc(), Disbursement.id.desc())


def union_summary(org, f: PayoutFilter):
    """Per unit union: people and amount, for the tab's rows (what finance reconciles against)."""
    if f.tab == "paid":
        base = paid(org, f).order_by(None)
        amount = func.sum(Disbursement.amount)
    else:
        base = unpaid(org, f).order_by(None)
        amount = func.sum(func.coalesce(Application.amount, Batch.amount))
    stmt = base.join(Organisation, Organisation.id == Application.org_id).join(Batch, Batch.id == Application.batch_id) \
        .with_only_columns(Organisation.name, func.count(Application.id.distinct()), amount) \
        .group_by(Organisation.id, Organisation.name).order_by(Organisation.name)
    return stmt


