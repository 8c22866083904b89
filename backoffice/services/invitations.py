"""Invitation links: create, look up by token, revoke, re-issue, list with their registration counts.

Only the SHA-256 of a token is stored, so a link can be shown once, at creation; to show it again an admin
re-issues it (a new token for the same invitation; the old link stops working, counts are kept).
"""
import os

from flask import current_app
from sqlalchemy import func, select

from ..domain import invitations as rules
from ..domain.enums import OrgStatus
from ..extensions import db
from ..models import Invitation, Organisation
from ..models.base import utcnow
from . import audit

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"


class InvitationError(ValueError):
    """A request the rules refuse; the message is Chinese and meant for the user."""


def create_invitation(org: Organisation, *, kind: str, note: str | None = None, days: int | None = None,
                      max_uses: int | None = None, actor=None, ip: str | None = None) -> tuple[Invitation, str]:
    """Create a link for `org` and return it with its raw token (never stored)."""
    problem = rules.invite_problem(kind, days, max_uses)
    if problem:
        raise InvitationError(problem)
    if org.status != OrgStatus.ACTIVE:
        raise InvitationError("只有状态正常的组织才能发放邀请链接。")
    token = rules.new_token()
    invitation = Invitation(org=org, kind=kind, note=(note or "").strip() or None, max_uses=max_uses,
                            token_hash=rules.hash_token(token), expires_at=rules.expiry(utcnow(), days),
                            created_by_id=getattr(actor, "id", None), used_count=0)
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation_created", actor=actor, actor_type=None if actor else "system", org_id=org.id,
                 target=invitation, ip=ip, detail={"kind": kind, "days": days or rules.DEFAULT_DAYS,
                                                  "max_uses": max_uses})
    db.session.commit()
    return invitation, token


def find_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        select(Invitation).where(Invitation.token_hash == rules.hash_token(token))).scalar_one_or_none()


def link_problem(invitation: Invitation | None) -> str | None:
    """The LINK_PROBLEMS key for a link that cannot be used now (also when its org is no longer active)."""
    if invitation is None:
        return "unknown"
    if invitation.org.status != OrgStatus.ACTIVE:
        return "org_inactive"
    return rules.link_problem(revoked_at=invitation.revoked_at, expires_at=invitation.expires_at,
                              max_uses=invitation.max_uses, used_count=invitation.used_count, now=utcnow())


def revoke(invitation: Invitation, *, actor, ip: str | None = None) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record("invitation_revoked", actor=actor, org_id=invitation.org_id, target=invitation, ip=ip)
        db.session.commit()


def reissue(invitation: Invitation, *, actor, ip: str | None = None) -> str:
    """A fresh token for the same invitation: the old link dies, the counts stay."""
    if invitation.revoked_at is not None:
        raise InvitationError("已作废的链接不能重新生成，请新建邀请。")
    token = rules.new_token()
    invitation.token_hash = rules.hash_token(token)
    audit.record("invitation_reissued", actor=actor, org_id=invitation.org_id, target=invitation, ip=ip)
    db.session.commit()
    return token


def registration_counts(invitation_ids: list[int]) -> dict[int, dict[str, int]]:
    """{invitation id: {status value: number of orgs registered through it}}."""
    rows = db.session.execute(
        select(Organisation.invitation_id, Organisation.status, func.count())
        .where(Organisation.invitation_id.in_(invitation_ids))
        .group_by(Organisation.invitation_id, Organisation.status)).all()
    counts: dict[int, dict[str, int]] = {i: {} for i in invitation_ids}
    for inv_id, status, n in rows:
        counts[inv_id][OrgStatus(status).value] = n
    return counts


def configured_base_url() -> str:
    """Where links point when no page asked (the CLI): PUBLIC_BASE_URL (the env var wins over config)."""
    return (os.environ.get("PUBLIC_BASE_URL") or current_app.config.get("PUBLIC_BASE_URL")
            or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def join_url(token: str, base: str | None = None) -> str:
    """The link to share; views pass their own host (request.host_url) as `base`."""
    return f"{(base or configured_base_url()).rstrip('/')}/join/{token}"
