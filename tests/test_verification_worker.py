"""`python worker.py` as a real subprocess on the test's PostgreSQL database: a burst run, and a worker killed
mid-job whose document another worker verifies within seconds (heartbeat + sweeper), not minutes."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from support import REDIS_URL
from test_verification_helpers import add_document, form_image, make_application

from backoffice.domain.enums import DocumentKind
from backoffice.domain.enums import VerificationStatus as VS
from backoffice.extensions import db as _db
from backoffice.models import Document
from backoffice.services import verification
from backoffice.verification.sweeper import sweep_stuck

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parent.parent
# Timings shrunk for the test (production: a beat every 10 s, dead after 40 s, a sweep every 15 s).
FAST = {"VERIFY_HEARTBEAT": "0.5", "VERIFY_STUCK_AFTER": "3"}


@pytest.fixture
def file_app(redis_app):
    """The app on its own PostgreSQL database, which a worker subprocess shares."""
    return redis_app()


def _env(app) -> dict:
    return os.environ | FAST | {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS_URL,
        "UPLOAD_DIR": app.config["UPLOAD_DIR"], "VERIFY_QUEUE_NAME": app.config["VERIFY_QUEUE_NAME"],
        "BULK_QUEUE_NAME": app.config["BULK_QUEUE_NAME"], "XUEBU_ENV": "demo",
        # the worker reads what the app wrote: the same keys (derived from SECRET_KEY outside production)
        "SECRET_KEY": app.config["SECRET_KEY"]}


def _worker(app, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "worker.py", *args], cwd=ROOT, env=_env(app), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"PPid:\t{pid}\n" in (entry / "status").read_text():
                out.append(int(entry.name))
        except OSError:
            continue
    return out


def _statuses(ids) -> list:
    _db.session.expire_all()
    return [_db.session.get(Document, i).verification_status for i in ids]


def _documents(count: int) -> list[int]:
    from test_verification_helpers import ROSTER_ID

    from backoffice.seed import ensure_demo_orgs
    orgs = ensure_demo_orgs()
    application = make_application(orgs["HZ-PORT"], id_number=ROSTER_ID)
    ids = [add_document(application, form_image(seal=i % 2 == 0, seed=i), DocumentKind.APPLICATION_FORM).id
           for i in range(count)]
    _db.session.commit()
    return ids


def test_worker_script_burst_verifies_queued_uploads(file_app):
    ids = _documents(2)
    verification.request_verification(ids)
    proc = _worker(file_app, "--burst")
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert _statuses(ids) == [VS.DONE, VS.DONE]
    application = _db.session.get(Document, ids[0]).application
    assert application.flags == ["application_form:seal_present"]   # the newest form has no seal


def test_a_killed_workers_document_is_verified_again_within_seconds(file_app):
    ids = _documents(4)
    verification.request_verification(ids)
    proc = _worker(file_app)
    try:
        deadline = time.monotonic() + 90
        while VS.VERIFYING not in _statuses(ids) and time.monotonic() < deadline:
            time.sleep(0.02)
        for pid in [proc.pid, *_children(proc.pid)]:  # RQ puts its work horse in a session of its own
            os.kill(pid, signal.SIGKILL)              # the worker and its work horse die mid-job
        killed_at = time.monotonic()
    finally:
        proc.wait(timeout=30)
    left = _statuses(ids)
    assert VS.VERIFYING in left, left
    orphan = ids[left.index(VS.VERIFYING)]
    other = _worker(file_app, "--sweep-interval", "0.5")
    try:
        while _statuses(ids) != [VS.DONE] * len(ids) and time.monotonic() - killed_at < 120:
            time.sleep(0.2)
        took = time.monotonic() - killed_at
    finally:
        os.killpg(other.pid, signal.SIGTERM)
        other.wait(timeout=30)
    assert _statuses(ids) == [VS.DONE] * len(ids)
    # Noticed by the missing heartbeat (3 s here), not by a fixed wait: well under the production bound.
    assert took < 60, took
    assert _db.session.get(Document, orphan).verification_attempts == 2


def test_the_heartbeat_beats_while_a_verification_runs(file_app):
    from backoffice.models.base import utcnow
    document_id = _documents(1)[0]
    document = _db.session.get(Document, document_id)
    started = utcnow() - timedelta(minutes=5)
    document.verification_status, document.verification_alive_at = VS.VERIFYING, started
    _db.session.commit()
    file_app.config["VERIFY_HEARTBEAT"] = 0.2
    with verification.heartbeat(document_id):
        time.sleep(0.7)
    _db.session.expire_all()
    assert _db.session.get(Document, document_id).verification_alive_at > started + timedelta(minutes=4)
    swept = sweep_stuck()
    assert swept["stuck"] == 0  # a beating document is alive, however long ago it started
