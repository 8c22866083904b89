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
    }
