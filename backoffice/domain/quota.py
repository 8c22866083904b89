"""Quota rules that need no database: every placement, waitlist move and counter change of a batch."""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class Outcome(str, Enum):
    ALLOCATED = "allocated"
    WAITLISTED = "waitlisted"
    FULL = "full"


@dataclass(frozen=True)
class Slot:
    outcome: Outcome
    rank: int | None = None
    waitlist_position: int | None = None


def first_free_rank(taken: list[int] | set[int], quota: int) -> int | None:
    """The smallest rank in 1..quota nobody holds (ranks freed without a waitlisted successor get reused)."""
    held = set(taken)
    for rank in range(1, quota + 1):
        if rank not in held:
            return rank
    return None


def simulate(quota: int, waitlist_cap: int, submits: int) -> list[Slot]:
    """Reference model of the allocator: the i-th successful submit's slot. Used by tests as the oracle."""
    slots = []
    for i in range(1, submits + 1):
        if i <= quota:
            slots.append(Slot(Outcome.ALLOCATED, rank=i))
        elif i <= quota + waitlist_cap:
            slots.append(Slot(Outcome.WAITLISTED, waitlist_position=i - quota))
        else:
            slots.append(Slot(Outcome.FULL))
    return slots


@dataclass(frozen=True)
class Counters:
    """A batch's counters as read under its lock."""
    quota: int
    waitlist_cap: int
    allocated: int
    waitlisted: int
    released_slots: int = 0


def assign(counters: Counters, k: int, taken_ranks: set[int] | None = None) -> tuple[list[Slot], Counters]:
    """Slots for k submits (or late resubmits) in arrival order, and the counters afterwards.

    Ranks continue from the counter; once a rank was freed without a successor (released_slots), the
    smallest free ranks are handed out instead, so ranks stay exactly 1..quota. When the free ranks are
    all taken again, released_slots goes back to 0 (the fast path may continue from the counter).
    """
    allocated, waitlisted = counters.allocated, counters.waitlisted
    free = None
    if counters.released_slots:
        held = set(taken_ranks or ())
        free = iter([r for r in range(1, counters.quota + 1) if r not in held])
    slots = []
    for _ in range(k):
        if allocated < counters.quota:
            allocated += 1
            slots.append(Slot(Outcome.ALLOCATED, rank=next(free) if free is not None else allocated))
        elif waitlisted < counters.waitlist_cap:
            waitlisted += 1
            slots.append(Slot(Outcome.WAITLISTED, waitlist_position=waitlisted))
        else:
            slots.append(Slot(Outcome.FULL))
    released = counters.released_slots
    if released:
        held = set(taken_ranks or ()) | {s.rank for s in slots if s.rank}
        if held == set(range(1, allocated + 1)):
            released = 0
    return slots, Counters(counters.quota, counters.waitlist_cap, allocated, waitlisted, released)


def release(counters: Counters, someone_waiting: bool) -> tuple[bool, Counters]:
    """A held rank is freed (refused, withdrawn, resubmitted too late): (promote the head?, counters after).

    The head of the waitlist takes that very rank (positions close up behind it); with nobody waiting the
    rank is counted free, and later submits get the smallest free rank first (see assign).
    """
    if someone_waiting:
        return True, replace(counters, waitlisted=counters.waitlisted - 1)
    return False, replace(counters, allocated=counters.allocated - 1,
                          released_slots=counters.released_slots + 1)


def leave_waitlist(counters: Counters) -> Counters:
    """Someone left the waitlist (withdrawn, or promoted): everyone behind moves up one place."""
    return replace(counters, waitlisted=counters.waitlisted - 1)


def moved_up(position: int, left: int) -> int:
    """A waiting place after the one at `left` left the waitlist (the SQL in services.quota does the same)."""
    return position - 1 if position > left else position


def reclaim(counters: Counters, taken_ranks: set[int]) -> tuple[int | None, Counters]:
    """A refused application reopened on appeal takes the smallest free rank if the quota has room.

    Nobody is pushed out: with the quota used up it goes on without a rank.
    """
    if counters.allocated >= counters.quota:
        return None, counters
    rank = first_free_rank(taken_ranks, counters.quota)
    return rank, replace(counters, allocated=counters.allocated + 1)
