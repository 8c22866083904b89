"""What the worker does between jobs (every VERIFY_SWEEP_INTERVAL): requeue stuck verifications and unsent
notifications, fold the kept counts, and — once every WARM_EVERY across all workers — warm the dashboard."""
import logging

from flask import current_app

from ..extensions import db

log = logging.getLogger(__name__)
WARM_EVERY = 600  # seconds between dashboard refreshes, whichever worker gets there first


def sweep() -> None:
    from ..verification.sweeper import sweep_stuck
    from . import notifications, tally
    for step in (sweep_stuck, notifications.sweep, tally.fold, _warm_dashboard):
        try:
            step()
        except Exception:  # one step failing must not stop the others
            log.exception("sweep step %s failed", step.__name__)
            db.session.rollback()


def _warm_dashboard() -> None:
    redis = current_app.extensions.get("xuebu_redis")
    key = f"{current_app.config.get('CACHE_PREFIX', 'xuebu')}:dashboard:warming"
    if redis is None or not redis.set(key, 1, nx=True, ex=WARM_EVERY):
        return
    from .dashboard import refresh_level_waits
    refresh_level_waits()
