"""Quota allocation in the database: domain.quota decides, this module locks, reads and writes.

Every change first write-locks the batch row and reads its counters (one UPDATE … RETURNING: PostgreSQL
row lock, SQLite's database lock) until the transaction ends, so everything read after it (free ranks,
the head of the waitlist) is stable; the rule's answer is then written back. UNIQUE(batch_id, quota_rank)
is the safety net. intake.pg_allocate is the same rule for a group of first submits as one PostgreSQL
statement (tests/test_intake_quota_equivalence.py runs both against domain.quota on random histories).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from ..domain import review as review_rules
from ..domain.enums import ApplicationState as S
from ..domain.enums import ReviewDecision as A
from ..domain.notifications import Event
from ..domain.quota import Counters, Outcome, Slot, assign, reclaim, release
from ..domain.quota import leave_waitlist as leave_rule
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
from .transitions import apply_transition


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


def allocate_group(claims: list[Claim]) -> dict[int, Slot | None]:
    """One transaction for many submits, in arrival order; None for an application no longer a draft.

    The drafts are claimed first (a conditional UPDATE, so a double submit gets one slot), then the batch
    row is locked and the counters moved once for the whole group: one commit (one WAL flush) serves
    every submit in it, which is what keeps a 2000-place surge from queueing on the lock.
    """
    ids = [c.application_id for c in claims]
    claims = list({c.application_id: c for c in claims}.values())  # a double submit counts once, where it came first
    claimed = set(db.session.execute(
        update(Application).where(Application.id.in_(ids), Application.state == S.DRAFT)
        .values(state=review_rules.target(S.DRAFT, A.SUBMIT)).returning(Application.id)
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


def _locked_counters(batch_id: int) -> Counters:
    """The batch's counters, with its row write-locked until the transaction ends (a no-op UPDATE: SQLite
    ignores FOR UPDATE)."""
    row = db.session.execute(
        update(Batch).where(Batch.id == batch_id).values(waitlist_count=Batch.waitlist_count)
        .returning(Batch.quota, Batch.waitlist_cap, Batch.allocated_count, Batch.waitlist_count,
                   Batch.released_slots).execution_options(synchronize_session=False)).one()
    return Counters(*row)


def _write_counters(batch_id: int, after: Counters) -> None:
    db.session.execute(update(Batch).where(Batch.id == batch_id).values(
        allocated_count=after.allocated, waitlist_count=after.waitlisted, released_slots=after.released_slots)
        .execution_options(synchronize_session=False))


def _slots_for(batch_id: int, k: int) -> list[Slot]:
    """k slots from the rule (domain.quota.assign), the counters moved under the batch lock."""
    counters = _locked_counters(batch_id)
    taken = set(_taken_ranks(batch_id)) if counters.released_slots else None
    slots, after = assign(counters, k, taken)
    _write_counters(batch_id, after)
    return slots


def placement(slot: Slot, amount) -> dict:
    """The quota columns of a placement, written from here only: a rank with the batch amount, or a place in
    the waitlist and no amount (the state and whose turn come from the domain's transition)."""
    ranked = slot.outcome == Outcome.ALLOCATED
    return {"quota_rank": slot.rank, "waitlist_position": slot.waitlist_position,
            "amount": amount if ranked else None}


def submitted(claim: Claim, slot: Slot) -> dict:
    """Every column a first submit writes: the transition the slot allows (in review at the unit union, or
    waitlisted), the placement and the times; a FULL slot leaves the draft as it was."""
    if slot.outcome == Outcome.FULL:
        return {"state": S.DRAFT, "quota_rank": None, "waitlist_position": None, "reviewing_org_id": None,
                "amount": None, "submitted_at": None, "first_submitted_at": None, "updated_at": claim.now}
    outcome = review_rules.transition(S.DRAFT, A.SUBMIT, chain=[claim.org_id],
                                      queued=slot.outcome == Outcome.WAITLISTED)
    return {"state": outcome.state, "reviewing_org_id": outcome.reviewing_org_id, **placement(slot, claim.amount),
            "submitted_at": claim.now, "first_submitted_at": claim.now, "updated_at": claim.now}


def _rows_for(claim: Claim, slot: Slot, rows: dict) -> None:
    values = submitted(claim, slot)
    rows["app"].append({"id": claim.application_id, **values})
    if slot.outcome == Outcome.FULL:
        return
    rows["action"].append({"application_id": claim.application_id, "decision": A.SUBMIT,
                           "from_state": S.DRAFT.value, "to_state": values["state"].value, "documents": [],
                           "at": claim.now})
    rows["audit"].append({"actor_type": "applicant", "actor_id": claim.applicant_id,
                          "actor_name": claim.applicant_name, "org_id": claim.org_id,
                          "action": "application_submitted", "target_type": "Application",
                          "target_id": claim.application_id, "at": claim.now,
                          "detail": {"rank": slot.rank, "waitlist": slot.waitlist_position}})


def allocate_one(application: Application) -> Slot:
    """A slot for one application in the caller's transaction (a resubmit that came too late)."""
    return _slots_for(application.batch_id, 1)[0]


def _taken_ranks(batch_id: int) -> list[int]:
    return list(db.session.execute(
        select(Application.quota_rank).where(Application.batch_id == batch_id,
                                             Application.quota_rank.is_not(None))).scalars())


def release_slot(application: Application, *, actor=None, reason: str = "") -> Application | None:
    """Free the application's slot (it was refused or withdrawn) and promote the head of the waitlist.

    Runs in the caller's transaction; the caller commits. Returns the promoted application or None.
    """
    rank = application.quota_rank
    if rank is None:
        leave_waitlist(application)
        return None
    counters = _locked_counters(application.batch_id)
    application.quota_rank = None
    db.session.flush()  # the rank is free in the table before anyone takes it
    head = db.session.execute(
        select(Application).where(Application.batch_id == application.batch_id,
                                  Application.state == S.WAITLISTED)
        .order_by(Application.waitlist_position, Application.id).limit(1)).scalar_one_or_none()
    promote, after = release(counters, head is not None)
    _write_counters(application.batch_id, after)
    if not promote:
        audit.record("quota_slot_released", actor=actor, org_id=application.org_id, target=application,
                     detail={"rank": rank, "reason": reason, "promoted": None})
        return None
    _promote(head, rank, actor=actor, freed_by=application, reason=reason)
    return head


def _promote(head: Application, rank: int, *, actor, freed_by: Application, reason: str) -> None:
    old_position = head.waitlist_position
    step = apply_transition(head, A.PROMOTE, values=placement(Slot(Outcome.ALLOCATED, rank=rank), head.batch.amount),
                            history={"reason": f"候补递补：第 {rank} 号名额"}).step
    _shift_queue(head.batch_id, old_position)
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
    counters = _locked_counters(application.batch_id)
    rank, after = reclaim(counters, set(_taken_ranks(application.batch_id)))
    _write_counters(application.batch_id, after)
    if rank is not None:
        for key, value in placement(Slot(Outcome.ALLOCATED, rank=rank), application.batch.amount).items():
            setattr(application, key, value)
    audit.record("quota_slot_reclaimed" if rank else "quota_slot_unavailable", actor=actor,
                 org_id=application.org_id, target=application, detail={"rank": rank})
    return rank


def leave_waitlist(application: Application) -> None:
    """Take a waitlisted application off the queue; everyone behind it moves up one place."""
    position = application.waitlist_position
    if position is None:
        return
    counters = _locked_counters(application.batch_id)
    application.waitlist_position = None
    db.session.flush()
    _write_counters(application.batch_id, leave_rule(counters))
    _shift_queue(application.batch_id, position)


def _shift_queue(batch_id: int, left: int | None) -> None:
    """domain.quota.moved_up for every place behind `left`, in one UPDATE."""
    if left is None:
        return
    db.session.execute(update(Application).where(
        Application.batch_id == batch_id, Application.waitlist_position > left)
        .values(waitlist_position=Application.waitlist_position - 1)
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

