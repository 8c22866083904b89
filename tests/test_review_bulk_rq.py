"""Bulk approve through a real RQ worker on the real Redis: queued on the bulk queue (ahead of any verification
backlog), then run by the worker with progress."""
import pytest
from rq import SimpleWorker

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db as _db
from backoffice.models import ReviewJob
from backoffice.review import jobs
from backoffice.review import queue as review_queue
from backoffice.services import verification
from backoffice.services.queue import bulk_queue_name, get_queue, worker_queue_names

pytestmark = pytest.mark.redis


@pytest.fixture
def rq_app(redis_app):
    return redis_app()


def test_bulk_approve_runs_on_the_worker(rq_app):
    from backoffice.demo.seed import ensure_demo_orgs
    orgs = ensure_demo_orgs()
    _db.session.commit()
    from factories.review import admin_of, make_batch, submitted
    batch = make_batch(orgs)
    apps = [submitted(orgs, batch, rank=i + 1) for i in range(3)]
    _db.session.commit()
    backlog = get_queue(rq_app)
    for n in range(5):  # a verification backlog: jobs that would take a worker's time first
        backlog.enqueue(verification.JOB_FUNC, 10_000 + n)
    job = jobs.start_bulk_approve(admin_of("YX-METRO"), review_queue.QueueFilter(batch_id=batch.id))
    assert _db.session.get(ReviewJob, job.id).status == "queued"
    bulk = get_queue(rq_app, bulk_queue_name(rq_app))
    assert bulk.count == 1 and backlog.count == 5
    queues = [get_queue(rq_app, name) for name in worker_queue_names(rq_app)]
    SimpleWorker(queues, connection=bulk.connection).work(burst=True, max_jobs=1)  # what worker.py listens to
    assert bulk.count == 0 and backlog.count == 5  # the reviewer's job went first
    _db.session.expire_all()
    job = _db.session.get(ReviewJob, job.id)
    assert job.status == "done" and job.done == job.succeeded == 3
    assert all(a.state == S.IN_REVIEW and a.reviewing_org_id == orgs["YX"].id for a in apps)
