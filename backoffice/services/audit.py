"""The audit log: every change an admin, applicant or the system makes is recorded here."""
from ..extensions import db
from ..models import AuditEvent


def record(action: str, *, actor=None, actor_type: str | None = None, org_id: int | None = None,
           target=None, detail: dict | None = None, ip: str | None = None) -> AuditEvent:
    """Add an audit event to the session (the caller commits with its own change)."""
    kind = actor_type or _actor_type(actor)
    event = AuditEvent(
        actor_type=kind,
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or getattr(actor, "name", None),
        org_id=org_id if org_id is not None else getattr(actor, "org_id", None),
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        detail=detail or {},
        ip=ip,
    )
    db.session.add(event)
    return event


def _actor_type(actor) -> str:
    if actor is None:
        return "system"
    return "admin" if hasattr(actor, "username") else "applicant"
