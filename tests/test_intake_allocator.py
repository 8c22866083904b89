"""The group allocator on PostgreSQL: one read for a whole group of submits, the rules for each, refusals
answered one by one, a double submit in one group gets one slot, and a returned application goes back to
the ORM resubmit path."""
from concurrent.futures import Future

import pytest
from factories.intake import draft, make_batch, worker

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.intake import fast_submit
from backoffice.intake.allocator import GroupAllocator
from backoffice.models import Application, Batch
from backoffice.models.base import utcnow
from backoffice.services import applicants
from backoffice.services.applications import ApplicationError

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(pg_app, pg_orgs):
    city, unit = pg_orgs["GZ"], pg_orgs["YX-METRO"]
    batch = make_batch(city, quota=2, waitlist_cap=5)
    people = [worker(i, unit, city) for i in range(1, 9)]
    apps = [draft(p, batch, unit, kinds=() if i == 3 else None) for i, p in enumerate(people)]  # 3: no upload
    apps[4].state = S.IN_REVIEW  # already submitted
    apps[5].state, apps[5].last_reason = S.RETURNED, "身份证照片不清晰"
    db.session.commit()
    allocator = GroupAllocator(pg_app)
    pg_app.extensions["xuebu_allocator"] = allocator
    return allocator, batch, people, apps


def outcome(future: Future):
    exc = future.exception(timeout=0)
    if exc is None:
        return future.result(timeout=0)
    return exc.code if isinstance(exc, ApplicationError) else type(exc).__name__


def test_one_group_answers_each_submit_on_its_own(world):
    allocator, batch, people, apps = world
    now = utcnow()

    def req(i, applicant=None, version=None):
        p = people[i]
        return fast_submit.SubmitRequest(apps[i].id, applicant or p.id, p.token_version if version is None
                                         else version, now)

    items = [(req(0), Future()), (req(0), Future()), (req(1, applicant=people[2].id), Future()),
             (req(2, version=people[2].token_version + 1), Future()), (req(3), Future()), (req(4), Future()),
             (req(5), Future()), (req(6), Future()), (req(7), Future())]
    allocator._serve(items)
    got = [outcome(f) for _, f in items]
    assert got[0].state == S.IN_REVIEW and got[0].quota_rank == 1
    assert got[1:7] == ["invalid_state", "not_found", "unauthorized", "not_eligible", "invalid_state", "Returned"]
    assert (got[7].state, got[7].quota_rank, got[7].amount) == (S.IN_REVIEW, 2, batch.amount)  # arrival order
    assert got[8].state == S.WAITLISTED and got[8].waitlist_position == 1
    db.session.expire_all()
    assert db.session.get(Batch, batch.id).allocated_count == 2
    assert [db.session.get(Application, a.id).state for a in apps] == [
        S.IN_REVIEW, S.DRAFT, S.DRAFT, S.DRAFT, S.IN_REVIEW, S.RETURNED, S.IN_REVIEW, S.WAITLISTED]


def test_api_submit_through_the_allocator_refuses_and_resubmits(world, pg_app):
    _, batch, people, apps = world
    client = pg_app.test_client()

    def submit(i, who=None):
        token = applicants.issue_token(people[who if who is not None else i].id, people[i].token_version)
        return client.post(f"/api/v1/applications/{apps[i].id}/submit", headers={"Authorization": f"Bearer {token}"})

    refused = submit(3)
    assert refused.status_code == 422 and refused.json["error"] == "not_eligible"
    assert "尚未上传" in refused.json["message"]
    assert submit(0, who=1).status_code == 404
    first = submit(0)
    assert first.status_code == 200 and first.json["quota_rank"] == 1
    assert submit(0).json["error"] == "invalid_state"
    resubmitted = submit(5)  # returned for correction: the ORM path, then back in review
    assert resubmitted.status_code == 200, resubmitted.json
    db.session.expire_all()
    assert db.session.get(Application, apps[5].id).state == S.IN_REVIEW


def test_nobody_is_answered_before_the_allocation_is_durable(world, pg_app):
    """The allocation commits asynchronously (the batch lock is not held through an fsync); a synchronous
    commit on the allocator's second connection must come after it and before any answer."""
    from sqlalchemy import event
    allocator, batch, people, apps = world
    log = []

    @event.listens_for(db.engine, "after_cursor_execute")
    def record(conn, cursor, statement, *args):
        setting = conn.exec_driver_sql("SHOW synchronous_commit").scalar() if "pg_current_xact_id" in statement \
            or "WITH input AS" in statement else None
        log.append(("allocate" if "WITH input AS" in statement else "flush" if "pg_current_xact_id" in statement
                    else "other", setting))

    class Watched(Future):
        def set_result(self, result):
            log.append(("answer", None))
            super().set_result(result)

    try:
        now = utcnow()
        for i in (0, 1):
            items = [(fast_submit.SubmitRequest(apps[i].id, people[i].id, people[i].token_version, now), Watched())]
            allocator._serve(items)
            assert items[0][1].result(timeout=0).state == S.IN_REVIEW
    finally:
        event.remove(db.engine, "after_cursor_execute", record)
    steps = [entry for entry in log if entry[0] != "other"]
    assert steps == [("allocate", "off"), ("flush", "on"), ("answer", None)] * 2


def test_a_failure_after_the_commit_is_reported_not_retried(world, monkeypatch):
    """Losing the connection at the flush: the allocation may stand, so the answer is an error (503 in the
    API, which tells the applicant to look first), never a retry that would call it 'already submitted'."""
    from sqlalchemy.exc import OperationalError
    allocator, batch, people, apps = world

    real_flush, calls = allocator._flush, []

    def connection_lost_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT pg_current_xact_id()", {}, Exception("server closed the connection"))
        real_flush()

    monkeypatch.setattr(allocator, "_flush", connection_lost_once)
    items = [(fast_submit.SubmitRequest(apps[0].id, people[0].id, people[0].token_version, utcnow()), Future())]
    allocator._serve(items)
    assert isinstance(items[0][1].exception(timeout=0), OperationalError)
    db.session.expire_all()
    placed = db.session.get(Application, apps[0].id)
    assert (placed.state, placed.quota_rank) == (S.IN_REVIEW, 1)
    assert db.session.get(Batch, batch.id).allocated_count == 1
