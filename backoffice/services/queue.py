"""Redis and RQ wiring: app.extensions['xuebu_redis'], the verification queue and the bulk-job queue.

Bulk jobs (bulk approve, large exports) have a queue of their own, so a reviewer's job never waits behind a
backlog of uploads; `python worker.py` listens on both, the bulk queue first.
"""
from flask import Flask

VERIFY_QUEUE = "verify"
BULK_QUEUE = "bulk"


def init_queue(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if not url:
        app.extensions["xuebu_redis"] = None
        return
    from redis import Redis
    app.extensions["xuebu_redis"] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def get_queue(app: Flask, name: str | None = None):
    """The RQ queue `name` (default: config VERIFY_QUEUE_NAME, else "verify"); None without Redis."""
    from rq import Queue
    redis = app.extensions.get("xuebu_redis")
    if redis is None:
        return None
    return Queue(name or verify_queue_name(app), connection=redis)


def verify_queue_name(app: Flask) -> str:
    # Tests give each run its own queue name so concurrent runs on one Redis never collide.
    return app.config.get("VERIFY_QUEUE_NAME") or VERIFY_QUEUE


def bulk_queue_name(app: Flask) -> str:
    return app.config.get("BULK_QUEUE_NAME") or BULK_QUEUE


def worker_queue_names(app: Flask) -> list[str]:
    """What a worker listens on, in priority order."""
    return [bulk_queue_name(app), verify_queue_name(app)]
