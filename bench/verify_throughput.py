"""Verification throughput: documents per second with 1…N `python worker.py` processes on this machine, so an operator
can size the worker pool for an opening surge (default: 5000 workers × 5 documents).

    .venv/bin/python bench/verify_throughput.py [--processes 1 2 3 4] [--per-kind 8] [--surge 5000]

A fresh PostgreSQL database and a queue of its own on the local Redis; synthetic documents of five kinds (application
form, ID card front and back, bank card, diploma) stored as uploads; for each pool size the workers are started and
given time to load their models, then every document is queued and timed until all are verified. Each worker
forks a work horse per job, as in production. Only loopback traffic; every loop is bounded.
"""
from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.surge import DEFAULT_PG, create_database, drop_database  # noqa: E402

KINDS = ("application_form", "id_card_front", "id_card_back", "bank_card", "diploma")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3, 4])
    p.add_argument("--per-kind", type=int, default=8, help="documents of each kind per round")
    p.add_argument("--surge", type=int, default=5000, help="applicants in the opening surge (5 documents each)")
    p.add_argument("--pg-url", default=DEFAULT_PG)
    p.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    p.add_argument("--seed", type=int, default=4711)
    return p.parse_args()


def build(per_kind: int, seed: int) -> list[int]:
    """Synthetic documents stored as uploads of one application each, with the roster values they should carry."""
    import numpy as np

    from backoffice.domain.enums import DocumentKind, VerificationStatus
    from backoffice.extensions import db
    from backoffice.models import Applicant, Application, Batch, Document, Programme
    from backoffice.models.base import utcnow
    from backoffice.demo.seed import ensure_demo_orgs
    from backoffice.services import storage
    from verifier.synth.dataset import make_sample
    orgs = ensure_demo_orgs()
    now = utcnow()
    batch = Batch(programme=Programme(org=orgs["GZ"], name="吞吐测试"), name="吞吐测试", apply_opens_at=now,
                  apply_closes_at=now, review_closes_at=now, quota=10, amount=1500)
    rng = np.random.default_rng(seed)
    ids, used = [], set()
    for n, kind in enumerate(k for k in KINDS for _ in range(per_kind)):
        data, ext, label = make_sample(rng, kind)
        key, digest = storage.save(data, ext)
        expected = label.get("expected") or {}
        number = expected.get("id_number")
        number = number if number and number not in used else f"B{n:017d}"
        used.add(number)
        person = Applicant(name=expected.get("name") or f"职工{n}", id_number=number,
                           mobile=f"139{n:08d}", password_hash="x", org=orgs["YX-METRO"])
        application = Application(batch=batch, applicant=person, org_id=orgs["YX-METRO"].id)
        document = Document(application=application, kind=DocumentKind(kind), storage_key=key, sha256=digest,
                            mime="image/png" if ext == "png" else "image/jpeg", size=len(data),
                            verification_status=VerificationStatus.PENDING)
        db.session.add_all([person, application, document])
        db.session.flush()
        ids.append(document.id)
    db.session.commit()
    return ids


def round_trip(ids: list[int], processes: int, env: dict) -> float:
    """Start `processes` workers, wait until each listens (models loaded), then queue every document and time
    until all are verified: the steady rate, without the workers' start-up."""
    import signal

    from redis import Redis
    from rq import Queue, Worker
    from sqlalchemy import delete, update

    from backoffice.domain.enums import VerificationStatus as VS
    from backoffice.extensions import db
    from backoffice.models import Document, VerificationResult
    from backoffice.services import verification
    db.session.execute(delete(VerificationResult))
    db.session.execute(update(Document).values(verification_status=VS.PENDING, verification_attempts=0))
    db.session.commit()
    redis = Redis.from_url(env["REDIS_URL"])
    queue = Queue(env["VERIFY_QUEUE_NAME"], connection=redis)
    workers = [subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(processes)]
    try:
        deadline = time.monotonic() + 300
        while len(Worker.all(queue=queue)) < processes and time.monotonic() < deadline:
            time.sleep(0.2)
        started = time.perf_counter()
        verification.request_verification(ids)
        while time.monotonic() < deadline + 3600:
            db.session.expire_all()
            done = db.session.scalar(db.select(db.func.count()).select_from(Document).where(
                Document.verification_status.in_((VS.DONE, VS.FAILED))))
            if done == len(ids):
                break
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)


def main() -> int:
    args = parse_args()
    url = create_database(args.pg_url)
    queue = f"bench-verify-{secrets.token_hex(4)}"
    uploads = tempfile.mkdtemp(prefix="xuebu-throughput-")
    env = os.environ | {"DATABASE_URL": url, "REDIS_URL": args.redis_url, "UPLOAD_DIR": uploads, "XUEBU_ENV": "demo",
                        "VERIFY_QUEUE_NAME": queue, "BULK_QUEUE_NAME": queue + "-bulk", "OMP_THREAD_LIMIT": "1"}
    os.environ.update(env)
    try:
        from backoffice import create_app
        from backoffice.extensions import db
        app = create_app()
        with app.app_context():
            db.create_all()
            ids = build(args.per_kind, args.seed)
            print(f"{len(ids)} documents ({args.per_kind} each of {', '.join(KINDS)}); {os.cpu_count()} cores")
            print("| worker processes | seconds | documents/s | per process | surge of "
                  f"{args.surge} × 5 documents |")
            print("|---|---|---|---|---|")
            for processes in args.processes:
                elapsed = round_trip(ids, processes, env)
                rate = len(ids) / elapsed
                surge = args.surge * 5 / rate
                print(f"| {processes} | {elapsed:.1f} | {rate:.2f} | {rate / processes:.2f} | "
                      f"{surge / 60:.0f} min |", flush=True)
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(args.pg_url, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
