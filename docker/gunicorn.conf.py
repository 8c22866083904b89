"""gunicorn settings for xuebu (`gunicorn -c docker/gunicorn.conf.py 'backoffice:create_app()'`).

gthread workers: a submit waits on its process's group allocator (and the database) without holding a
core, so each process keeps enough threads for every keep-alive connection it is given. bench/surge.py
measures these settings (3 workers × 24 threads on 2 cores); WEB_WORKERS / WEB_THREADS override them.
"""
import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:5000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("WEB_THREADS", 24))
keepalive = int(os.environ.get("WEB_KEEPALIVE", 30))
timeout = 60
accesslog = os.environ.get("WEB_ACCESS_LOG") or None  # "-": stdout; off by default (the proxy logs)


def post_worker_init(worker):
    from backoffice.factory import settle
    settle()
