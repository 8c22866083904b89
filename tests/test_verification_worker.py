"""`python worker.py` as a real subprocess on a file SQLite database: burst run, and a SIGKILL mid-job."""
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

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def file_app(tmp_path, redis_app):
    """A file database, so a worker subprocess sees what the test wrote."""
    return redis_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'xuebu.sqlite3'}")


def _env(app) -> dict:
    return os.environ | {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS_URL,
                         "UPLOAD_DIR": app.config["UPLOAD_DIR"], "VERIFY_QUEUE_NAME": app.config["VERIFY_QUEUE_NAME"],
                         "XUEBU_ENV": "demo"}


def _worker(app, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "worker.py", *args], cwd=ROOT, env=_env(app), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


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


def test_worker_killed_mid_job_leaves_nothing_stuck_after_sweep(file_app):
    ids = _documents(4)
    verification.request_verification(ids)
    proc = _worker(file_app)
    try:
        deadline = time.monotonic() + 90
        while VS.VERIFYING not in _statuses(ids) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)   # the worker and its work horse die mid-job
    finally:
        proc.wait(timeout=30)
    left = _statuses(ids)
    assert VS.VERIFYING in left or all(s == VS.DONE for s in left)
    swept = sweep_stuck(verification.utcnow() + timedelta(hours=1))
    assert swept["stuck"] == left.count(VS.VERIFYING)
    rerun = _worker(file_app, "--burst")
    out, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out
    assert _statuses(ids) == [VS.DONE] * len(ids)
