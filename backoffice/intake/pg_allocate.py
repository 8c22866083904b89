"""The group allocation as one PostgreSQL statement, run in autocommit: one round trip holds the batch lock.

domain.quota.assign written as SQL, with the states domain.review's table gives a submit filled in from
that table, so no Python runs while the batch row is locked and a worker thread waiting for the GIL can
never stretch the lock. tests/test_intake_quota_equivalence.py runs random histories through it and through
domain.quota and compares every application and counter. Used only while no rank was freed
(released_slots = 0); otherwise services.quota.allocate_group asks domain.quota for the free ranks. The
group allocator runs it with asynchronous commit and answers nobody before a synchronous commit behind it
has flushed the WAL (see GroupAllocator._connection); the submit path without one runs it in its session.
"""
from __future__ import annotations

import json
import string

from sqlalchemy import text

from ..domain.enums import ApplicationState as S
from ..domain.enums import ReviewDecision as A
from ..domain.quota import Outcome, Slot
from ..domain.review import target

# What domain.review's table says a submit does, written into the statement's text as literals (our own enum
# values, never input), so the SQL carries no state of its own and plans exactly as hand-written literals did.
STATES = {"draft": S.DRAFT.value, "submit": A.SUBMIT.value, "placed": target(S.DRAFT, A.SUBMIT).value,
          "queued": target(S.DRAFT, A.SUBMIT, queued=True).value}

STATEMENT = text(string.Template("""
WITH input AS (
    SELECT t.app_id, t.ord FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS t(app_id, ord)
), b AS (
    SELECT id, quota, waitlist_cap, allocated_count, waitlist_count, released_slots
    FROM batch WHERE id = :batch_id FOR UPDATE
), claimed AS (
    SELECT a.id, a.org_id, a.applicant_id, i.ord FROM application a JOIN input i ON a.id = i.app_id
    WHERE a.state = '$draft' AND a.batch_id = :batch_id AND (SELECT released_slots FROM b) = 0
    FOR UPDATE OF a
), ranked AS (
    SELECT c.*, row_number() OVER (ORDER BY c.ord) AS n FROM claimed c
), slots AS (
    SELECT r.id, r.org_id, r.applicant_id,
           CASE WHEN b.allocated_count + r.n <= b.quota THEN b.allocated_count + r.n END AS rank,
           CASE WHEN b.allocated_count + r.n > b.quota
                 AND b.waitlist_count + r.n - GREATEST(b.quota - b.allocated_count, 0) <= b.waitlist_cap
                THEN b.waitlist_count + r.n - GREATEST(b.quota - b.allocated_count, 0) END AS pos
    FROM ranked r CROSS JOIN b
), moved AS (
    UPDATE batch SET allocated_count = allocated_count + (SELECT count(rank) FROM slots),
                     waitlist_count = waitlist_count + (SELECT count(pos) FROM slots)
    WHERE id = :batch_id RETURNING id
), placed AS (
    UPDATE application a SET
        state = CASE WHEN s.rank IS NOT NULL THEN '$placed' ELSE '$queued' END,
        quota_rank = s.rank, waitlist_position = s.pos,
        reviewing_org_id = CASE WHEN s.rank IS NOT NULL THEN a.org_id END,
        amount = CASE WHEN s.rank IS NOT NULL THEN CAST(:amount AS numeric) END,
        submitted_at = :now, first_submitted_at = COALESCE(a.first_submitted_at, :now), updated_at = :now
    FROM slots s WHERE a.id = s.id AND (s.rank IS NOT NULL OR s.pos IS NOT NULL)
    RETURNING a.id, s.rank, s.pos, s.org_id, s.applicant_id
), history AS (
    INSERT INTO review_action (application_id, decision, from_state, to_state, documents, at)
    SELECT id, '$submit', '$draft', CASE WHEN rank IS NOT NULL THEN '$placed' ELSE '$queued' END,
           CAST('[]' AS json), :now FROM placed
), audited AS (
    INSERT INTO audit_event (at, actor_type, actor_id, actor_name, org_id, action, target_type, target_id, detail)
    SELECT :now, 'applicant', p.applicant_id, n.name, p.org_id, 'application_submitted', 'Application', p.id,
           json_build_object('rank', p.rank, 'waitlist', p.pos)
    FROM placed p JOIN json_to_recordset(CAST(:names AS json)) AS n(id integer, name text) ON n.id = p.id
)
SELECT (SELECT released_slots FROM b) AS released, s.id, s.rank, s.pos FROM slots s
UNION ALL SELECT (SELECT released_slots FROM b), NULL, NULL, NULL
""").substitute(STATES))


def allocate_batch_group(connection, batch_id: int, claims: list) -> dict[int, Slot | None] | None:
    """Slots by application id (None: no longer a draft); None overall when the Python path must run."""
    ids = list(dict.fromkeys(c.application_id for c in claims))  # a double submit: the first one counts
    rows = connection.execute(STATEMENT, {
        "batch_id": batch_id, "ids": ids, "now": claims[0].now,
        "amount": str(claims[0].amount),
        "names": json.dumps([{"id": c.application_id, "name": c.applicant_name} for c in claims]),
    }).all()
    if rows and rows[0].released:
        return None
    results: dict[int, Slot | None] = {c.application_id: None for c in claims}
    for row in rows:
        if row.id is None:
            continue
        if row.rank is not None:
            results[row.id] = Slot(Outcome.ALLOCATED, rank=row.rank)
        elif row.pos is not None:
            results[row.id] = Slot(Outcome.WAITLISTED, waitlist_position=row.pos)
        else:
            results[row.id] = Slot(Outcome.FULL)
    return results


def allocate_claims(connection, claims: list) -> tuple[dict[int, Slot | None], list]:
    """Slots by application id for the batches the statement could serve, and the claims it left for the
    Python path (their batch has freed ranks)."""
    results, rest = {}, []
    by_batch: dict[int, list] = {}
    for claim in claims:
        by_batch.setdefault(claim.batch_id, []).append(claim)
    for batch_id, group in by_batch.items():
        got = allocate_batch_group(connection, batch_id, group)
        if got is None:
            rest += group
        else:
            results.update(got)
    return results, rest
