"""A per-process group allocator: submits queue up while one transaction is in flight and go together.

Each gunicorn worker runs one background thread. A request hands over its submit (token already checked)
and waits; the thread takes everything queued, reads what the whole group needs in one statement, applies
the eligibility rules to each, allocates the eligible ones together (one batch-row lock, one commit) and
answers each request. Under a surge the groups grow by themselves, so the reads, the lock and the WAL flush
are paid once per group instead of once per submit. Portal and API submits both come this way
(services.applications.submit goes through intake.fast_submit).
"""
from __future__ import annotations

import logging
import os
import queue
import threading
from concurrent.futures import Future
from contextlib import contextmanager

from flask import Flask
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..services.applications import ApplicationError, already_submitted
from . import fast_submit

log = logging.getLogger(__name__)
MAX_GROUP = 256
DEADLOCK = "40P01"
WAIT_SECONDS = 30
_TRACE = bool(os.environ.get("XUEBU_TRACE_ALLOCATOR"))


class GroupAllocator:
    def __init__(self, app: Flask):
        self.app = app
        self.queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._conn = self._sync = None  # the allocator thread's own connections (see _connection)

    def submit(self, request):
        """A fast_submit.SubmitRequest read, checked and allocated with its group: the answer, or raises."""
        self._ensure_thread()
        future: Future = Future()
        self.queue.put((request, future))
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
            try:
                self._serve(items)
            except Exception as exc:  # never let the thread die with requests waiting on it
                log.exception("submit group failed")
                self._fail(items, exc)

    def _serve(self, items: list) -> None:
        if _TRACE:
            import sys
            import time
            print(f"alloc pid={os.getpid()} group={len(items)} t={time.time():.3f}", file=sys.stderr)
        with self.app.app_context():
            try:
                pending = self._screen(items)
            except Exception as exc:
                log.exception("reading a submit group failed")
                return self._fail(items, exc)
            claims = [claim for _, claim, _, _ in pending]
            if not claims:
                return None
            for attempt in (1, 2):
                try:
                    results = self._allocate(claims)
                    break
                except OperationalError as exc:
                    db.session.rollback()
                    # A deadlock with a crosswise double submit rolled everything back: try once more. Any
                    # other failure may come after the commit (the flush), so it is reported, not retried.
                    if attempt == 2 or getattr(exc.orig, "sqlstate", None) != DEADLOCK:
                        return self._fail(items, exc)
                except Exception as exc:
                    db.session.rollback()
                    log.exception("group allocation failed")
                    return self._fail(items, exc)
                finally:
                    db.session.remove()
        for _, claim, row, future in pending:
            try:
                future.set_result(fast_submit.answer(row, claim, results[claim.application_id]))
            except ApplicationError as exc:  # batch full, already submitted
                future.set_exception(exc)

    def _screen(self, items: list) -> list:
        """(request, claim, snapshot row, future) for everything that goes on to allocation.

        The requests are read in one statement and checked against the rules; refusals are answered at
        once. A second submit of the same application in one group is answered as already submitted.
        """
        with self._connection() as conn:
            rows = fast_submit.read_group(conn, [item for item, _ in items])
        pending, seen = [], set()
        for item, future in items:
            try:
                if item.app_id in seen and rows.get(item.app_id) is not None:
                    raise already_submitted()
                claim = fast_submit.screen(rows.get(item.app_id), item)
            except (ApplicationError, fast_submit.Returned) as exc:
                future.set_exception(exc)
                continue
            seen.add(item.app_id)
            pending.append((item, claim, rows[item.app_id], future))
        return pending

    def _allocate(self, claims: list) -> dict:
        """One autocommit statement per batch on PostgreSQL; the Python path when ranks were freed."""
        from ..services.quota import allocate_group
        if db.engine.dialect.name != "postgresql":
            return allocate_group(claims)
        from .pg_allocate import allocate_claims
        with self._connection() as conn:
            results, rest = allocate_claims(conn, claims)
        if results:
            self._flush()
        if rest:
            results.update(allocate_group(rest))
        return results

    @contextmanager
    def _connection(self):
        """The thread's own autocommit connection, kept across groups and reopened after an error.

        Generic plans: the group read is otherwise planned afresh on every execution (PostgreSQL keeps
        choosing custom plans for `id = ANY($1)`), which cost more than the read itself.

        Asynchronous commit, then a durability barrier: the allocation commits without waiting for its WAL
        flush, so the batch row lock is released at once instead of after a ~3 ms fsync (with three
        processes taking turns on one batch row, that fsync was the surge's bottleneck). Before anyone is
        answered, `_flush()` commits a transaction on a second, synchronous connection; its commit record
        lies after ours in the WAL, so when it returns our allocation is on disk too. Anything that saw
        the new counters and committed after them is flushed after them, so a crash never keeps a later
        rank while losing an earlier one, and no applicant hears of a rank that a crash could take back.
        """
        if self._conn is None:
            conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            conn.exec_driver_sql("SET synchronous_commit = off")
            self._conn = conn
            self._sync = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield self._conn
        except Exception:
            self._drop_connections()
            raise

    def _flush(self) -> None:
        """Return once everything this thread committed is durable (a synchronous commit behind it)."""
        try:
            self._sync.exec_driver_sql("SELECT pg_current_xact_id()")  # an xid: a commit record to flush
        except Exception:
            self._drop_connections()
            raise

    def _drop_connections(self) -> None:
        for conn in (self._conn, self._sync):
            try:
                if conn is not None:
                    conn.invalidate()  # never back into the pool: its session settings are ours
                    conn.close()
            except Exception:  # the connection is already broken; the first error is what counts
                log.debug("closing a failed allocator connection", exc_info=True)
        self._conn = self._sync = None

    @staticmethod
    def _fail(items: list, exc: Exception) -> None:
        for _, future in items:
            if not future.done():
                future.set_exception(exc)


def install(app: Flask) -> None:
    """Group allocation is on for PostgreSQL outside tests unless SUBMIT_BATCHING says otherwise (PostgreSQL only:
    the group read and the one-statement allocation are PostgreSQL SQL)."""
    on_postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    enabled = app.config.get("SUBMIT_BATCHING")
    if enabled is None:
        enabled = not app.testing
    if enabled and on_postgresql:
        app.extensions["xuebu_allocator"] = GroupAllocator(app)
