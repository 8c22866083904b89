"""A per-process group allocator: submits queue up while one transaction is in flight and go together.

Each gunicorn worker runs one background thread. A request that passed the eligibility checks hands its
Claim over and waits; the thread takes everything queued, runs `services.quota.allocate_group` (one
batch-row lock, one commit) and answers each request. Under a surge the groups grow by themselves, so the
lock and the WAL flush are paid once per group instead of once per submit.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
from concurrent.futures import Future

from flask import Flask
from sqlalchemy.exc import OperationalError

from ..extensions import db

log = logging.getLogger(__name__)
MAX_GROUP = 256
WAIT_SECONDS = 30
_TRACE = bool(os.environ.get("XUEBU_TRACE_ALLOCATOR"))


class GroupAllocator:
    def __init__(self, app: Flask):
        self.app = app
        self.queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def run(self, claim):
        """The claim's Slot (or None when it is no longer a draft); raises what the allocation raised."""
        self._ensure_thread()
        future: Future = Future()
        self.queue.put((claim, future))
        return future.result(timeout=WAIT_SECONDS)

    def _ensure_thread(self) -> None:
        # Started lazily and per process: threads do not survive gunicorn's fork.
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self.queue = queue.Queue() if self._pid not in (None, os.getpid()) else self.queue
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, name="xuebu-allocator", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            items = [self.queue.get()]
            while len(items) < MAX_GROUP:
                try:
                    items.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            self._serve(items)

    def _serve(self, items: list) -> None:
        claims = [claim for claim, _ in items]
        if _TRACE:
            import sys
            import time
            print(f"alloc pid={os.getpid()} group={len(items)} t={time.time():.3f}", file=sys.stderr)
        with self.app.app_context():
            for attempt in (1, 2):
                try:
                    results = self._allocate(claims)
                    break
                except OperationalError as exc:  # a deadlock with a crosswise double submit: try once more
                    db.session.rollback()
                    if attempt == 2:
                        return self._fail(items, exc)
                except Exception as exc:
                    db.session.rollback()
                    log.exception("group allocation failed")
                    return self._fail(items, exc)
                finally:
                    db.session.remove()
        for claim, future in items:
            future.set_result(results[claim.application_id])

    def _allocate(self, claims: list) -> dict:
        """One autocommit statement per batch on PostgreSQL; the Python path when ranks were freed."""
        from ..services.quota import allocate_group
        if db.engine.dialect.name != "postgresql":
            return allocate_group(claims)
        from .pg_allocate import allocate_batch_group
        results, rest = {}, []
        by_batch: dict[int, list] = {}
        for claim in claims:
            by_batch.setdefault(claim.batch_id, []).append(claim)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for batch_id, group in by_batch.items():
                got = allocate_batch_group(conn, batch_id, group)
                if got is None:
                    rest += group
                else:
                    results.update(got)
        if rest:
            results.update(allocate_group(rest))
        return results

    @staticmethod
    def _fail(items: list, exc: Exception) -> None:
        for _, future in items:
            if not future.done():
                future.set_exception(exc)


def install(app: Flask) -> None:
    """Group allocation is on for PostgreSQL outside tests unless SUBMIT_BATCHING says otherwise."""
    enabled = app.config.get("SUBMIT_BATCHING")
    if enabled is None:
        enabled = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and not app.testing
    if enabled:
        app.extensions["xuebu_allocator"] = GroupAllocator(app)
