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


def get_queue(app: Flask, name: str = VERIFY_QUEUE):
    from rq import Queue
    redis = app.extensions.get("xuebu_redis")
    if redis is None:
        return None
    return Queue(name, connection=redis)
