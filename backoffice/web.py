"""Plain site routes: the landing redirect and the health check."""
from flask import Blueprint, current_app, jsonify, redirect, url_for
from sqlalchemy import text

from .extensions import db

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    return redirect(url_for("admin.index"))


@bp.get("/healthz")
def healthz():
    """200 while the database answers (Redis down only degrades: uploads wait for the sweeper, rate limits
    hold per process); 503 when the database does not, so a balancer takes this process out."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    redis_ok = checks["redis"] in ("ok", "not configured")
    checks["rate_limits"] = "shared" if checks["redis"] == "ok" else "per process (Redis unreachable)" \
        if not redis_ok else "per process"
    if not redis_ok:
        current_app.logger.warning("healthz: Redis unreachable (%s): rate limits per process, uploads wait",
                                   checks["redis"])
    ok = checks["database"] == "ok"
    return jsonify(status="ok" if ok and redis_ok else "degraded", **checks), 200 if ok else 503


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # the point is to report, not to raise
        db.session.rollback()
        return f"error: {type(exc).__name__}"


def _check_redis() -> str:
    redis = current_app.extensions.get("xuebu_redis")
    if redis is None:
        return "not configured"
    try:
        redis.ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
