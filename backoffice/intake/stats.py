"""Counts the programme and batch lists show (申报总人数, 通过总人数), one grouped query per page."""
from sqlalchemy import case, func, select

from ..domain.enums import ApplicationState as S
from ..extensions import db
from ..models import Application, Batch

SUBMITTED = [s for s in S if s not in (S.DRAFT, S.WITHDRAWN)]
PASSED = [S.APPROVED, S.PAID] + ([S.PAYMENT_FAILED] if hasattr(S, "PAYMENT_FAILED") else [])


def batch_counts(batch_ids: list[int]) -> dict[int, tuple[int, int]]:
    """batch id → (submitted, approved)."""
    if not batch_ids:
        return {}
    rows = db.session.execute(
        select(Application.batch_id,
               func.sum(case((Application.state.in_(SUBMITTED), 1), else_=0)),
               func.sum(case((Application.state.in_(PASSED), 1), else_=0)))
        .where(Application.batch_id.in_(batch_ids)).group_by(Application.batch_id)).all()
    return {bid: (int(sub or 0), int(ok or 0)) for bid, sub, ok in rows}


def programme_counts(programme_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """programme id → (batches, submitted, approved)."""
    if not programme_ids:
        return {}
    batches = db.session.execute(select(Batch.id, Batch.programme_id).where(
        Batch.programme_id.in_(programme_ids))).all()
    per_batch = batch_counts([b for b, _ in batches])
    out = {pid: [0, 0, 0] for pid in programme_ids}
    for bid, pid in batches:
        sub, ok = per_batch.get(bid, (0, 0))
        out[pid][0] += 1
        out[pid][1] += sub
        out[pid][2] += ok
    return {k: tuple(v) for k, v in out.items()}
