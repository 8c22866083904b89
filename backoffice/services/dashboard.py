"""Figures for the console home page and the dashboard, always for one org subtree."""
from sqlalchemy import func, select

from ..domain.enums import ApplicationState, OrgStatus
from ..extensions import db
from ..models import Application, Organisation
from .scope import subtree_ids


def home_summary(org: Organisation) -> dict:
    ids = subtree_ids(org.path)
    by_state = dict(db.session.execute(
        select(Application.state, func.count()).where(Application.org_id.in_(ids)).group_by(Application.state)).all())
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
    ids = subtree_ids(org.path)
    out = []
    for b in db.session.execute(select(Batch).join(Programme).where(
            Batch.programme_id == Programme.id,
            (scope_clause(Batch, org.path)) | Programme.org_id.in_(org.ancestor_ids()))
            .order_by(Batch.id.desc()).limit(12)).scalars():
        mine = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.batch_id == b.id, Application.org_id.in_(ids), Application.quota_rank.is_not(None)))
        waiting = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.batch_id == b.id, Application.org_id.in_(ids),
            Application.state == ApplicationState.WAITLISTED))
        out.append({"batch": b, "used": b.allocated_count, "quota": b.quota,
                    "remaining": max(b.quota - b.allocated_count, 0), "waitlist": b.waitlist_count,
                    "mine_used": mine or 0, "mine_waiting": waiting or 0})
    return out


def _median_days_per_level(org: Organisation) -> list[dict]:
    """Days from reaching a level to that level's decision, from the 审核记录 of the subtree's applications."""
    from statistics import median

    from ..domain.enums import ReviewDecision
    from ..models import ReviewAction
    rows = db.session.execute(select(ReviewAction.application_id, ReviewAction.org_id, ReviewAction.decision,
                                     ReviewAction.at).join(Application, Application.id == ReviewAction.application_id)
                              .where(Application.org_id.in_(subtree_ids(org.path)))
                              .order_by(ReviewAction.application_id, ReviewAction.at, ReviewAction.id)).all()
    waits: dict[int, list[float]] = {}
    arrived: dict[int, object] = {}
    entry = {ReviewDecision.SUBMIT, ReviewDecision.RESUBMIT, ReviewDecision.PROMOTE, ReviewDecision.REOPEN}
    acted = {ReviewDecision.APPROVE, ReviewDecision.RETURN, ReviewDecision.REFUSE}
    for app_id, org_id, decision, at in rows:
        if decision in entry:
            arrived[app_id] = at
        elif decision in acted and org_id is not None:
            start = arrived.get(app_id)
            if start is not None:
                waits.setdefault(org_id, []).append((at - start).total_seconds() / 86400)
            arrived[app_id] = at  # the next level starts now
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(list(waits) or [0]))).all())
    return sorted(({"org": names.get(k, str(k)), "median_days": round(median(v), 2), "n": len(v)}
                   for k, v in waits.items()), key=lambda r: r["org"])


def _flag_rate(org: Organisation) -> dict:
    from sqlalchemy import String, cast
    base = select(func.count()).select_from(Application).where(
        Application.org_id.in_(subtree_ids(org.path)), Application.submitted_at.is_not(None))
    total = db.session.scalar(base) or 0
    flagged = db.session.scalar(base.where(cast(Application.flags, String).not_in(["[]", "null"]))) or 0
    return {"total": total, "flagged": flagged, "rate": round(100 * flagged / total, 1) if total else 0.0}
