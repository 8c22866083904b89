"""Quota allocation: exact under concurrency on PostgreSQL, waitlist order, promotion, reused ranks."""
import threading
from collections import Counter

import pytest
from support import told
from factories.intake import draft, make_batch, worker

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Application, AuditEvent, Batch, ReviewAction
from backoffice.services import applications as service
from backoffice.services import quota
from backoffice.services.applications import ApplicationError


def _world(orgs_by_code, n, quota_, cap):
    batch = make_batch(orgs_by_code["GZ"], quota=quota_, waitlist_cap=cap, required=("id_card_front",))
    ids = []
    for i in range(n):
        a = worker(i, orgs_by_code["YX-METRO"], orgs_by_code["GZ"])
        ids.append(draft(a, batch, orgs_by_code["YX-METRO"]).id)
    db.session.commit()
    return batch.id, ids


def _demo_orgs():
    from backoffice.demo.seed import ensure_demo_orgs
    made = ensure_demo_orgs()
    db.session.commit()
    return made


@pytest.mark.postgres
@pytest.mark.parametrize("grouped", [False, True], ids=["one-by-one", "group-allocator"])
def test_concurrent_submits_never_overshoot_on_postgres(pg_app, tmp_path, grouped):
    apps = [pg_app]
    if grouped:  # two "worker processes", each with its own allocator thread, racing on one batch
        from support import make_app

        from backoffice.intake.allocator import GroupAllocator
        apps.append(make_app(tmp_path / "second", SQLALCHEMY_DATABASE_URI=pg_app.config["SQLALCHEMY_DATABASE_URI"]))
        for flask_app in apps:
            flask_app.extensions["xuebu_allocator"] = GroupAllocator(flask_app)
    n, q, cap = 240, 90, 60
    batch_id, ids = _world(_demo_orgs(), n, q, cap)
    outcomes, errors = Counter(), []
    todo = list(ids)
    lock = threading.Lock()

    def run(flask_app):
        with flask_app.app_context():
            while True:
                with lock:
                    if not todo:
                        return
                    app_id = todo.pop()
                try:
                    app = db.session.get(Application, app_id)
                    service.submit(app)
                    outcomes[app.state.value] += 1
                except ApplicationError as exc:
                    outcomes[exc.code] += 1
                except Exception as exc:  # noqa: BLE001
                    errors.append(repr(exc))
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=run, args=(apps[i % len(apps)],)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert outcomes == {"in_review": q, "waitlisted": cap, "batch_full": n - q - cap}
    rows = db.session.execute(db.select(Application).where(Application.batch_id == batch_id)).scalars().all()
    ranks = sorted(a.quota_rank for a in rows if a.quota_rank is not None)
    assert ranks == list(range(1, q + 1))
    waiting = sorted((a for a in rows if a.state == S.WAITLISTED), key=lambda a: a.waitlist_position)
    assert [a.waitlist_position for a in waiting] == list(range(1, cap + 1))
    assert sum(a.state == S.DRAFT for a in rows) == n - q - cap
    batch = db.session.get(Batch, batch_id)
    assert (batch.allocated_count, batch.waitlist_count) == (q, cap)
    # Freed slots go to the head of the waitlist, in order, and the queue closes up.
    holder = next(a for a in rows if a.quota_rank == 7)
    service.withdraw(holder, reason="test")
    head = db.session.get(Application, waiting[0].id)
    db.session.refresh(head)
    assert (head.state, head.quota_rank, head.reviewing_org_id) == (S.IN_REVIEW, 7, head.org_id)
    second = db.session.get(Application, waiting[1].id)
    db.session.refresh(second)
    assert second.waitlist_position == 1


def test_release_without_waitlist_frees_a_rank_for_the_next_submit(app, orgs):
    batch_id, ids = _world(orgs, 4, 3, 0)
    apps = [db.session.get(Application, i) for i in ids]
    for a in apps[:3]:
        service.submit(a)
    assert [a.quota_rank for a in apps[:3]] == [1, 2, 3]
    with pytest.raises(ApplicationError) as full:
        service.submit(apps[3])
    assert full.value.code == "batch_full" and full.value.status == 409
    service.withdraw(apps[1])
    assert apps[1].quota_rank is None and apps[1].state == S.WITHDRAWN
    service.submit(apps[3])
    assert apps[3].quota_rank == 2  # the freed rank, not 4
    batch = db.session.get(Batch, batch_id)
    db.session.refresh(batch)
    assert (batch.allocated_count, batch.released_slots) == (3, 0)  # gap filled: back to the fast path


def test_release_slot_interface_for_reviewers(app, orgs):
    """What the review engineer calls when refusing: caller commits, promotion audited and notified after."""
    _, ids = _world(orgs, 4, 2, 2)
    apps = [db.session.get(Application, i) for i in ids]
    for a in apps:
        service.submit(a)
    assert [a.state for a in apps] == [S.IN_REVIEW, S.IN_REVIEW, S.WAITLISTED, S.WAITLISTED]
    refused = apps[0]
    refused.state = S.REFUSED
    promoted = quota.release_slot(refused, actor=None, reason="不在名单")
    assert told("promoted") == [(apps[2].applicant_id, "log", "pending")]  # not sent before the commit
    db.session.commit()
    assert promoted.id == apps[2].id and promoted.quota_rank == 1 and promoted.state == S.IN_REVIEW
    assert told("promoted") == [(promoted.applicant_id, "log", "sent")]
    db.session.refresh(apps[3])
    assert apps[3].waitlist_position == 1
    assert db.session.execute(db.select(AuditEvent).filter_by(action="quota_slot_promoted")).scalar_one()
    assert db.session.execute(db.select(ReviewAction).filter_by(application_id=promoted.id,
                                                                decision="promote")).scalar_one()
    # A rolled-back promotion tells nobody.
    assert quota.release_slot(apps[1], reason="x").id == apps[3].id
    db.session.rollback()
    assert told("promoted") == [(promoted.applicant_id, "log", "sent")]


def test_resubmit_keeps_the_slot_before_the_due_time(app, orgs):
    from datetime import timedelta

    from backoffice.models import AdminUser, Document
    from backoffice.services import review
    _, ids = _world(orgs, 2, 1, 1)
    first, second = (db.session.get(Application, i) for i in ids)
    service.submit(first)
    service.submit(second)
    reviewer = db.session.execute(db.select(AdminUser).filter_by(org_id=first.org_id)).scalars().first()

    def returned_and_fixed():
        review.return_for_correction(first, reviewer, [{"kind": "id_card_front", "code": "unclear"}])
        old = first.documents[0]  # the worker uploads the photo again
        first.documents.append(Document(kind=old.kind, storage_key="x/y/new.png", sha256="1" * 64, mime="image/png",
                                        size=10, width=10, height=10, verification_status=old.verification_status))
        db.session.delete(old)
        db.session.commit()

    returned_and_fixed()
    service.submit(first)  # in time: the portal's button resubmits and the rank is kept
    assert (first.state, first.quota_rank, first.reviewing_org_id) == (S.IN_REVIEW, 1, first.org_id)
    returned_and_fixed()
    service.submit(first, now=first.resubmit_due_at + timedelta(seconds=1))  # late: the slot goes to the waitlist
    db.session.refresh(second)
    assert (second.quota_rank, second.state, second.amount) == (1, S.IN_REVIEW, second.batch.amount)
    assert (first.state, first.quota_rank, first.waitlist_position, first.amount) == (S.WAITLISTED, None, 1, None)
    assert [(h.decision.value, h.to_state) for h in review.history(first)] == [
        ("submit", "in_review"), ("return", "returned"), ("resubmit", "in_review"), ("return", "returned"),
        ("resubmit", "waitlisted")]


@pytest.mark.postgres
def test_api_surge_on_postgres_through_the_group_allocator(pg_app, tmp_path):
    """The real surge path: seed-load, then concurrent POST submit (autocommit reads + one-statement allocation)."""
    from backoffice.intake.allocator import GroupAllocator
    pg_app.extensions["xuebu_allocator"] = GroupAllocator(pg_app)
    _demo_orgs()
    tokens = tmp_path / "tokens.tsv"
    out = pg_app.test_cli_runner().invoke(args=["seed-load", "--applicants", "120", "--quota", "50",
                                                "--waitlist-cap", "40", "--tokens-out", str(tokens)])
    assert out.exit_code == 0, out.output
    pairs = [line.split("\t") for line in tokens.read_text().splitlines()]
    answers, lock = [], threading.Lock()

    def run(chunk):
        client = pg_app.test_client()
        for app_id, token in chunk:
            r = client.post(f"/api/v1/applications/{app_id}/submit", headers={"Authorization": f"Bearer {token}"})
            with lock:
                answers.append((r.status_code, r.json))

    threads = [threading.Thread(target=run, args=(pairs[i::12],)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [body for status, body in answers if status == 200]
    full = [body for status, body in answers if status == 409]
    assert len(ok) == 90 and len(full) == 30 and all(b["error"] == "batch_full" for b in full)
    assert sorted(b["quota_rank"] for b in ok if b["quota_rank"]) == list(range(1, 51))
    assert sorted(b["waitlist_position"] for b in ok if b["waitlist_position"]) == list(range(1, 41))
    batch_id = db.session.get(Application, int(pairs[0][0])).batch_id
    assert db.session.execute(db.select(db.func.count(ReviewAction.id)).join(Application).where(
        Application.batch_id == batch_id)).scalar() == 90
    assert db.session.execute(db.select(db.func.count(AuditEvent.id)).filter_by(
        action="application_submitted")).scalar() == 90


def test_a_withdraw_that_lost_a_race_changes_nothing(app, orgs):
    """The state change goes through the guarded transition: when a reviewer acted first, the withdraw is
    refused and the slot it had begun to free is not given away."""
    from sqlalchemy import update
    batch_id, ids = _world(orgs, 2, 1, 1)
    holder, waiting = (db.session.get(Application, i) for i in ids)
    service.submit(holder)
    service.submit(waiting)
    assert holder.state == S.IN_REVIEW  # what the applicant's page showed …
    with db.engine.begin() as other:  # … before a reviewer returned it in another session
        other.execute(update(Application).where(Application.id == holder.id).values(state=S.RETURNED))
    with pytest.raises(ApplicationError) as err:
        service.withdraw(holder)
    assert (err.value.code, err.value.status) == ("conflict", 409)
    db.session.expire_all()
    assert (holder.state, holder.quota_rank) == (S.RETURNED, 1)
    assert (waiting.state, waiting.waitlist_position) == (S.WAITLISTED, 1)
    batch = db.session.get(Batch, batch_id)
    assert (batch.allocated_count, batch.waitlist_count) == (1, 1)
    assert db.session.execute(db.select(ReviewAction).filter_by(application_id=holder.id, decision="withdraw")
                              ).first() is None
