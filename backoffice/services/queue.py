"""Redis and RQ wiring: app.extensions['xuebu_redis'] and the verification queue."""
from flask import Flask

VERIFY_QUEUE = "verify"


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
