"""Counts the programme and batch lists show (申报总人数, 通过总人数) within the viewer's subtree, from the kept
tally (services/tally.py): one small query per page, however many applications there are."""
from sqlalchemy import select

from ..domain.enums import ApplicationState as S
from ..extensions import db
from ..models import Batch
from ..services import tally

SUBMITTED = [s for s in S if s not in (S.DRAFT, S.WITHDRAWN)]
PASSED = [S.APPROVED, S.PAID] + ([S.PAYMENT_FAILED] if hasattr(S, "PAYMENT_FAILED") else [])


def batch_counts(org, batch_ids: list[int]) -> dict[int, tuple[int, int]]:
    """batch id → (submitted, approved), counting the applications in `org`'s subtree."""
    if not batch_ids:
        return {}
    out = {bid: [0, 0] for bid in batch_ids}
    submitted, passed = {s.value for s in SUBMITTED}, {s.value for s in PASSED}
    for (bid, state), n in tally.counts(org.id, org.path, ("batch_id", "state"), batch_id=batch_ids).items():
        out[bid][0] += n if state in submitted else 0
        out[bid][1] += n if state in passed else 0
    return {k: tuple(v) for k, v in out.items()}


def programme_counts(org, programme_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """programme id → (batches, submitted, approved)."""
    if not programme_ids:
        return {}
    batches = db.session.execute(select(Batch.id, Batch.programme_id).where(
        Batch.programme_id.in_(programme_ids))).all()
    per_batch = batch_counts(org, [b for b, _ in batches])
    out = {pid: [0, 0, 0] for pid in programme_ids}
    for bid, pid in batches:
        sub, ok = per_batch.get(bid, (0, 0))
        out[pid][0] += 1
        out[pid][1] += sub
        out[pid][2] += ok
    return {k: tuple(v) for k, v in out.items()}
