"""`python worker.py [--burst]`: the RQ worker for bulk jobs and document verification, with the app context
(contract §2). It also sweeps: documents whose verification stopped beating are queued again."""
import argparse
import logging
import os
import sys
import threading

# Tesseract's OpenMP threads fight each other when several work horses run on a small machine.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

log = logging.getLogger("xuebu.worker")


def parse_args(argv):
    parser = argparse.ArgumentParser(description="学补材料核验 RQ worker")
    parser.add_argument("--burst", action="store_true", help="处理完队列中的任务后退出")
    parser.add_argument("--queue", action="append", help="队列名（默认先 bulk 批量任务、后 verify 材料核验）")
    parser.add_argument("--simple", action="store_true", help="不 fork，在本进程内执行任务（调试用）")
    parser.add_argument("--sweep-interval", type=float, default=None, help="巡检间隔秒数（默认 15）")
    return parser.parse_args(argv)


def build_app():
    from backoffice import create_app
    app = create_app()
    if not app.config.get("REDIS_URL"):
        sys.exit("未设置 REDIS_URL：没有 Redis 时上传的材料在网站进程内直接核验，不需要 worker。")
    return app


def worker_class(simple: bool):
    from rq import SimpleWorker, Worker

    from backoffice.extensions import db

    class AppWorker(Worker):
        def main_work_horse(self, job, queue):
            # The forked horse must not reuse the parent's database connections (SQLAlchemy fork rule).
            db.engine.dispose(close=False)
            db.session.remove()
            return super().main_work_horse(job, queue)

    return SimpleWorker if simple else AppWorker


def start_sweeper(app, interval: float) -> threading.Thread:
    """Sweep once now and then every `interval` seconds in a daemon thread with its own app context."""
    stop = threading.Event()

    def loop():
        from backoffice.extensions import db
        from backoffice.services import housekeeping
        while True:
            with app.app_context():
                try:
                    housekeeping.sweep()
                finally:
                    db.session.remove()
            if stop.wait(interval):
                return

    thread = threading.Thread(target=loop, name="xuebu-sweeper", daemon=True)
    thread.stop = stop
    thread.start()
    return thread


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = build_app()
    from redis import Redis
    from sqlalchemy.orm import configure_mappers

    from backoffice.extensions import db
    from backoffice.services.queue import worker_queue_names
    from backoffice.verification.sweeper import SWEEP_INTERVAL
    from backoffice.verification import jobs  # noqa: F401  (imported before forking)
    app.app_context().push()
    configure_mappers()
    # Load the OCR models once in the parent: every forked work horse then starts warm (~0.6 s saved per job).
    from verifier.ocr import warm_up
    warm_up()
    # Its own connection without the web's socket timeout: the worker blocks on the queue for minutes.
    connection = Redis.from_url(app.config["REDIS_URL"])
    queues = args.queue or worker_queue_names(app)
    interval = args.sweep_interval or app.config.get("VERIFY_SWEEP_INTERVAL", SWEEP_INTERVAL)
    if args.burst:
        from backoffice.verification.sweeper import sweep_stuck
        sweep_stuck()
    else:
        start_sweeper(app, interval)
    db.session.remove()
    db.engine.dispose()
    worker = worker_class(args.simple)(queues, connection=connection)
    worker.work(burst=args.burst, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
