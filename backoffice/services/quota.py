"""Quota allocation: single conditional UPDATEs on the batch counters, so no interleaving overshoots.

The UPDATE that takes a slot also takes the batch row's write lock (PostgreSQL row lock, SQLite's
database lock) until the transaction ends, so everything read after it in the same transaction (free
ranks, the head of the waitlist) is stable. UNIQUE(batch_id, quota_rank) is the safety net.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from ..domain.enums import ApplicationState, ReviewDecision
from ..domain.notifications import Event
from ..domain.quota import Counters, Outcome, Slot, assign, first_free_rank
from ..extensions import db
from ..models import (
    Application,
    AuditEvent,
    Batch,
    FundingLine,
    Organisation,
    ReviewAction,
)
from . import audit, notifications


@dataclass(frozen=True)
class Claim:
    """One submit waiting for a slot: plain values, so it can cross threads and outlive its session."""
    application_id: int
    batch_id: int
    org_id: int
    applicant_id: int
    applicant_name: str
    amount: object
    now: datetime


def allocate(claim: Claim) -> Slot | None:
    """A slot for one submit: through the worker's group allocator when there is one, else directly."""
    from flask import current_app
    runner = current_app.extensions.get("xuebu_allocator")
    if runner is not None:
        return runner.run(claim)
    return allocate_group([claim])[claim.application_id]


def allocate_group(claims: list[Claim]) -> dict[int, Slot | None]:
    """One transaction for many submits, in arrival order; None for an application no longer a draft.

    The drafts are claimed first (a conditional UPDATE, so a double submit gets one slot), then the batch
    row is locked and the counters moved once for the whole group: one commit (one WAL flush) serves
    every submit in it, which is what keeps a 2000-place surge from queueing on the lock.
    """
    ids = [c.application_id for c in claims]
    claimed = set(db.session.execute(
        update(Application).where(Application.id.in_(ids), Application.state == ApplicationState.DRAFT)
        .values(state=ApplicationState.IN_REVIEW).returning(Application.id)
        .execution_options(synchronize_session=False)).scalars())
    results: dict[int, Slot | None] = {i: None for i in ids}
    groups: dict[int, list[Claim]] = {}
    for claim in claims:
        if claim.application_id in claimed:
            groups.setdefault(claim.batch_id, []).append(claim)
    rows = {"app": [], "action": [], "audit": []}
    for batch_id, group in groups.items():
        for claim, slot in zip(group, _slots_for(batch_id, len(group))):
            results[claim.application_id] = slot
            _rows_for(claim, slot, rows)
    if rows["app"]:
        db.session.execute(update(Application), rows["app"])
    if rows["action"]:
        db.session.execute(insert(ReviewAction), rows["action"])
        db.session.execute(insert(AuditEvent), rows["audit"])
    db.session.commit()
    return results


def _slots_for(batch_id: int, k: int) -> list[Slot]:
    row = db.session.execute(
        select(Batch.quota, Batch.waitlist_cap, Batch.allocated_count, Batch.waitlist_count, Batch.released_slots)
        .where(Batch.id == batch_id).with_for_update()).one()
    counters = Counters(*row)
    taken = set(_taken_ranks(batch_id)) if counters.released_slots else None
    slots, after = assign(counters, k, taken)
    values = {"allocated_count": after.allocated, "waitlist_count": after.waitlisted}
    if taken is not None:
        held = taken | {s.rank for s in slots if s.rank}
        if held == set(range(1, after.allocated + 1)):
            values["released_slots"] = 0  # the gaps are filled: back to the fast path
    db.session.execute(update(Batch).where(Batch.id == batch_id).values(**values)
                       .execution_options(synchronize_session=False))
    return slots


def _rows_for(claim: Claim, slot: Slot, rows: dict) -> None:
    allocated, full = slot.outcome == Outcome.ALLOCATED, slot.outcome == Outcome.FULL
    state = ApplicationState.DRAFT if full else (ApplicationState.IN_REVIEW if allocated
                                                 else ApplicationState.WAITLISTED)
    rows["app"].append({
        "id": claim.application_id, "state": state, "quota_rank": slot.rank,
        "waitlist_position": slot.waitlist_position, "reviewing_org_id": claim.org_id if allocated else None,
        "amount": claim.amount if allocated else None, "submitted_at": None if full else claim.now,
        "first_submitted_at": None if full else claim.now, "updated_at": claim.now})
    if full:
        return
    rows["action"].append({"application_id": claim.application_id, "decision": ReviewDecision.SUBMIT,
                           "from_state": ApplicationState.DRAFT.value, "to_state": state.value, "documents": [],
                           "at": claim.now})
    rows["audit"].append({"actor_type": "applicant", "actor_id": claim.applicant_id,
                          "actor_name": claim.applicant_name, "org_id": claim.org_id,
                          "action": "application_submitted", "target_type": "Application",
                          "target_id": claim.application_id, "at": claim.now,
                          "detail": {"rank": slot.rank, "waitlist": slot.waitlist_position}})


def allocate_slot(application: Application) -> Slot:
    """Give the application a quota rank, else a waitlist position, else report the batch full."""
    batch_id = application.batch_id
    row = db.session.execute(
        update(Batch).where(Batch.id == batch_id, Batch.allocated_count < Batch.quota)
        .values(allocated_count=Batch.allocated_count + 1)
        .returning(Batch.allocated_count, Batch.released_slots, Batch.quota)
        .execution_options(synchronize_session=False)).first()
    if row is not None:
        rank = row.allocated_count
        if row.released_slots:  # a rank was freed without a successor: rank n may be taken
            rank = first_free_rank(_taken_ranks(batch_id), row.quota)
        return Slot(Outcome.ALLOCATED, rank=rank)
    position = db.session.execute(
        update(Batch).where(Batch.id == batch_id, Batch.waitlist_count < Batch.waitlist_cap)
        .values(waitlist_count=Batch.waitlist_count + 1)
        .returning(Batch.waitlist_count)
        .execution_options(synchronize_session=False)).scalar()
    if position is None:
        return Slot(Outcome.FULL)
    return Slot(Outcome.WAITLISTED, waitlist_position=position)


def _taken_ranks(batch_id: int) -> list[int]:
    return list(db.session.execute(
        select(Application.quota_rank).where(Application.batch_id == batch_id,
                                             Application.quota_rank.is_not(None))).scalars())


def _lock_batch(batch_id: int) -> None:
    """A no-op UPDATE: takes the batch row's write lock on every engine (SQLite ignores FOR UPDATE)."""
    db.session.execute(update(Batch).where(Batch.id == batch_id).values(waitlist_count=Batch.waitlist_count)
                       .execution_options(synchronize_session=False))


def release_slot(application: Application, *, actor=None, reason: str = "") -> Application | None:
    """Free the application's slot (it was refused or withdrawn) and promote the head of the waitlist.

    Runs in the caller's transaction; the caller commits. Returns the promoted application or None.
    """
    rank = application.quota_rank
    if rank is None:
        leave_waitlist(application)
        return None
    _lock_batch(application.batch_id)
    application.quota_rank = None
    db.session.flush()  # the rank is free in the table before anyone takes it
    head = db.session.execute(
        select(Application).where(Application.batch_id == application.batch_id,
                                  Application.state == ApplicationState.WAITLISTED)
        .order_by(Application.waitlist_position, Application.id).limit(1)).scalar_one_or_none()
    if head is None:
        db.session.execute(update(Batch).where(Batch.id == application.batch_id).values(
            allocated_count=Batch.allocated_count - 1, released_slots=Batch.released_slots + 1)
            .execution_options(synchronize_session=False))
        audit.record("quota_slot_released", actor=actor, org_id=application.org_id, target=application,
                     detail={"rank": rank, "reason": reason, "promoted": None})
        return None
    _promote(head, rank, actor=actor, freed_by=application, reason=reason)
    return head


def _promote(head: Application, rank: int, *, actor, freed_by: Application, reason: str) -> None:
    old_position = head.waitlist_position
    head.quota_rank = rank
    head.waitlist_position = None
    head.state = ApplicationState.IN_REVIEW
    head.reviewing_org_id = head.org_id
    head.amount = head.batch.amount
    db.session.flush()
    _close_waitlist_gap(head.batch_id, old_position)
    step = ReviewAction(application=head, decision=ReviewDecision.PROMOTE,
                        from_state=ApplicationState.WAITLISTED.value, to_state=ApplicationState.IN_REVIEW.value,
                        reason=f"候补递补：第 {rank} 号名额")
    db.session.add(step)
    audit.record("quota_slot_promoted", actor=actor, org_id=head.org_id, target=head,
                 detail={"rank": rank, "freed_by": freed_by.id, "reason": reason})
    db.session.flush()
    notifications.announce(Event.PROMOTED, head, step.id, rank=rank,
                           detail="现已进入单位工会审核，请留意审核结果。")


def reclaim_slot(application: Application, *, actor=None) -> int | None:
    """A refused application reopened on appeal takes a free quota rank again if one is left.

    It does not push anyone out: with the quota used up it goes on without a rank (audited).
    """
    if application.quota_rank is not None:
        return application.quota_rank
    row = db.session.execute(
        update(Batch).where(Batch.id == application.batch_id, Batch.allocated_count < Batch.quota)
        .values(allocated_count=Batch.allocated_count + 1)
        .returning(Batch.quota).execution_options(synchronize_session=False)).first()
    rank = first_free_rank(_taken_ranks(application.batch_id), row.quota) if row is not None else None
    application.quota_rank = rank
    audit.record("quota_slot_reclaimed" if rank else "quota_slot_unavailable", actor=actor,
                 org_id=application.org_id, target=application, detail={"rank": rank})
    return rank


def leave_waitlist(application: Application) -> None:
    """Take a waitlisted application off the queue; everyone behind it moves up one place."""
    position = application.waitlist_position
    if position is None:
        return
    _lock_batch(application.batch_id)
    application.waitlist_position = None
    db.session.flush()
    _close_waitlist_gap(application.batch_id, position)


def _close_waitlist_gap(batch_id: int, position: int | None) -> None:
    if position is None:
        return
    db.session.execute(update(Application).where(
        Application.batch_id == batch_id, Application.waitlist_position > position)
        .values(waitlist_position=Application.waitlist_position - 1)
        .execution_options(synchronize_session=False))
    db.session.execute(update(Batch).where(Batch.id == batch_id).values(waitlist_count=Batch.waitlist_count - 1)
                       .execution_options(synchronize_session=False))


def allocate_funding(application: Application) -> FundingLine | None:
    """At final approval: the nearest enabled funding line of the applicant's org chain with room left.

    Lower levels' matching money (配套补助) goes to their first N approvals, in approval order.
    """
    org = db.session.get(Organisation, application.org_id)
    chain = list(reversed(org.ancestor_ids()))  # nearest level first
    lines = db.session.execute(select(FundingLine).where(
        FundingLine.batch_id == application.batch_id, FundingLine.enabled.is_(True),
        FundingLine.org_id.in_(chain))).scalars().all()
    for line in sorted(lines, key=lambda fl: chain.index(fl.org_id)):
        rank = db.session.execute(
            update(FundingLine).where(FundingLine.id == line.id, FundingLine.allocated_count < FundingLine.quota)
            .values(allocated_count=FundingLine.allocated_count + 1).returning(FundingLine.allocated_count)
            .execution_options(synchronize_session=False)).scalar()
        if rank is not None:
            application.funding_line_id, application.funding_rank = line.id, rank
            audit.record("funding_allocated", actor_type="system", org_id=line.org_id, target=application,
                         detail={"funding_line": line.id, "rank": rank, "amount": str(line.amount)})
            return line
    return None

