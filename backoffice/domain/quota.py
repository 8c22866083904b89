"""Quota rules that need no database: what a submit gets, the first free rank, waitlist compaction."""
from __future__ import annotations

from dataclasses import dataclass
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
    """Slots for k submits in arrival order, and the counters afterwards.

    Ranks continue from the counter; once a rank was freed without a successor (released_slots), the
    smallest free ranks are handed out instead, so ranks stay exactly 1..quota.
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
    after = Counters(counters.quota, counters.waitlist_cap, allocated, waitlisted, counters.released_slots)
    return slots, after
