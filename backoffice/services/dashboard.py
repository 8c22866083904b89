"""Figures for the console home page and the dashboard, always for one org subtree."""
import json

from sqlalchemy import func, select

from ..domain.enums import ApplicationState, OrgStatus
from ..domain.enums import ReviewDecision as D
from ..extensions import db
from ..models import Application, Batch, Organisation, Programme, ReviewAction
from ..models.base import utcnow
from . import tally
from .scope import subtree_ids


def home_summary(org: Organisation) -> dict:
    by_state = {ApplicationState(k): v for k, v in tally.counts(org.id, org.path, ("state",)).items()}
    my_turn = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.reviewing_org_id == org.id, Application.state == ApplicationState.IN_REVIEW))
    pending_orgs = db.session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.parent_id == org.id, Organisation.status == OrgStatus.PENDING))
    return {
        "org": org,
        "by_state": {s: by_state.get(s, 0) for s in ApplicationState},
        "my_turn": my_turn or 0,
        "pending_orgs": pending_orgs or 0,
        "total": sum(by_state.values()),
        "appeals": _appeal_counts(org),
    }


def _appeal_counts(org: Organisation) -> dict:
    from .appeals import open_counts
    return open_counts(org)


# ---- the dashboard page (per org subtree) -------------------------------------------------------------------

def dashboard(org: Organisation) -> dict:
    """Quota per batch, states, median days at each level, flag rate and open appeals for the subtree."""
    from .appeals import open_counts
    summary = home_summary(org)
    return {
        "summary": summary,
        "batches": _batches(org),
        "levels": _median_days_per_level(org),
        "flags": _flag_rate(org),
        "appeals": open_counts(org),
    }


def _batches(org: Organisation) -> list[dict]:
    from .scope import scope_clause
    batches = db.session.execute(select(Batch).join(Programme).where(
        (scope_clause(Batch, org.path)) | Programme.org_id.in_(org.ancestor_ids()))
        .order_by(Batch.id.desc()).limit(12)).scalars().all()
    counts = tally.counts(org.id, org.path, ("batch_id", "state", "ranked"), batch_id=[b.id for b in batches])
    out = []
    for b in batches:
        mine = sum(n for (batch_id, _, ranked), n in counts.items() if batch_id == b.id and ranked)
        waiting = sum(n for (batch_id, state, _), n in counts.items()
                      if batch_id == b.id and state == ApplicationState.WAITLISTED.value)
        out.append({"batch": b, "used": b.allocated_count, "quota": b.quota,
                    "remaining": max(b.quota - b.allocated_count, 0), "waitlist": b.waitlist_count,
                    "mine_used": mine, "mine_waiting": waiting})
    return out


LEVEL_WINDOW_DAYS = 365  # the time each level takes, over the last year's decisions: today's practice, not 2016's
LEVELS_TTL = 900         # seconds a computed answer is kept (Redis): the worker refreshes the big subtrees sooner
LEVEL_NAMES = {0: "市总工会", 1: "区（产业）工会"}  # deeper: 基层工会


def _median_days_per_level(org: Organisation) -> list[dict]:
    """Median days from reaching a level (基层 / 区 / 市) to that level's decision, over the last year of the
    subtree's review history; kept in Redis for LEVELS_TTL, since a whole city's history takes a while to read."""
    from flask import current_app
    redis, key = current_app.extensions.get("xuebu_redis"), levels_key(org.id)
    if redis is not None:
        try:
            cached = redis.get(key)
            if cached:
                return json.loads(cached)
        except Exception:  # noqa: BLE001  Redis down: compute it here
            redis = None
    levels = level_waits(org)
    if redis is not None:
        try:
            redis.set(key, json.dumps(levels, ensure_ascii=False), ex=LEVELS_TTL)
        except Exception:  # noqa: BLE001
            pass
    return levels


def levels_key(org_id: int) -> str:
    from flask import current_app
    return f"{current_app.config.get('CACHE_PREFIX', 'xuebu')}:dashboard:levels:{org_id}"


def level_waits(org: Organisation) -> list[dict]:
    from datetime import timedelta
    from statistics import median

    since = utcnow() - timedelta(days=LEVEL_WINDOW_DAYS)
    arrived = func.lag(ReviewAction.at, type_=ReviewAction.at.type).over(
        partition_by=ReviewAction.application_id, order_by=(ReviewAction.at, ReviewAction.id))
    steps = (select(ReviewAction.org_id, ReviewAction.decision, ReviewAction.at, arrived.label("arrived"))
             .join(Application, Application.id == ReviewAction.application_id)
             .where(Application.org_id.in_(subtree_ids(org.path)),
                    Application.submitted_at >= since - timedelta(days=LEVEL_WINDOW_DAYS))).subquery()
    rows = db.session.execute(
        select(Organisation.depth, steps.c.at, steps.c.arrived).join(Organisation, Organisation.id == steps.c.org_id)
        .where(steps.c.decision.in_((D.APPROVE, D.RETURN, D.REFUSE)), steps.c.arrived.is_not(None),
               steps.c.at >= since)).all()
    waits: dict[int, list[float]] = {}
    for depth, at, start in rows:
        waits.setdefault(min(depth, 2), []).append((at - start).total_seconds() / 86400)
    return [{"org": LEVEL_NAMES.get(depth, "基层工会"), "median_days": round(median(v), 2), "n": len(v)}
            for depth, v in sorted(waits.items())]


def refresh_level_waits() -> int:
    """The worker keeps the city's and the districts' answers warm (their histories are the long ones)."""
    from flask import current_app
    redis = current_app.extensions.get("xuebu_redis")
    if redis is None:
        return 0
    orgs = db.session.execute(select(Organisation).where(Organisation.depth <= 1,
                                                         Organisation.status == OrgStatus.ACTIVE)).scalars().all()
    for org in orgs:
        redis.set(levels_key(org.id), json.dumps(level_waits(org), ensure_ascii=False), ex=LEVELS_TTL)
    return len(orgs)


def _flag_rate(org: Organisation) -> dict:
    counts = tally.counts(org.id, org.path, ("state", "flagged"))
    unsent = (ApplicationState.DRAFT.value,)
    total = sum(n for (state, _), n in counts.items() if state not in unsent)
    flagged = sum(n for (state, flagged), n in counts.items() if state not in unsent and flagged)
    return {"total": total, "flagged": flagged, "rate": round(100 * flagged / total, 1) if total else 0.0}
