"""Figures for the console home page and the dashboard, always for one org subtree."""
from sqlalchemy import func, select

from ..domain.enums import ApplicationState, OrgStatus
from ..extensions import db
from ..models import Application, Organisation
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
    from ..models import Batch, Programme
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


def _median_days_per_level(org: Organisation) -> list[dict]:
    """Days from reaching a level to that level's decision, from the 审核记录 of the subtree's applications."""
    from datetime import timedelta

    from ..domain.enums import ReviewDecision as D
    from ..models import ReviewAction
    from ..models.base import utcnow
    since = utcnow() - timedelta(days=LEVEL_WINDOW_DAYS)
    arrived = func.lag(ReviewAction.at, type_=ReviewAction.at.type).over(partition_by=ReviewAction.application_id,
                                             order_by=(ReviewAction.at, ReviewAction.id))
    steps = (select(ReviewAction.org_id, ReviewAction.decision, ReviewAction.at, arrived.label("arrived"))
             .join(Application, Application.id == ReviewAction.application_id)
             .where(Application.org_id.in_(subtree_ids(org.path)),
                    Application.submitted_at >= since - timedelta(days=LEVEL_WINDOW_DAYS))).subquery()
    decided = [steps.c.decision.in_((D.APPROVE, D.RETURN, D.REFUSE)), steps.c.arrived.is_not(None),
               steps.c.org_id.is_not(None), steps.c.at >= since]
    rows = db.session.execute(select(steps.c.org_id, steps.c.at, steps.c.arrived).where(*decided)).all()
    waits: dict[int, list[float]] = {}
    for org_id, at, start in rows:
        waits.setdefault(org_id, []).append((at - start).total_seconds() / 86400)
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(list(waits) or [0]))).all())
    from statistics import median
    return sorted(({"org": names.get(k, str(k)), "median_days": round(median(v), 2), "n": len(v)}
                   for k, v in waits.items()), key=lambda r: r["org"])


def _flag_rate(org: Organisation) -> dict:
    counts = tally.counts(org.id, org.path, ("state", "flagged"))
    unsent = (ApplicationState.DRAFT.value,)
    total = sum(n for (state, _), n in counts.items() if state not in unsent)
    flagged = sum(n for (state, flagged), n in counts.items() if state not in unsent and flagged)
    return {"total": total, "flagged": flagged, "rate": round(100 * flagged / total, 1) if total else 0.0}
