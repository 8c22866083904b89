"""Which rows an admin may touch: everything is scoped to the admin's org subtree.

Each function takes the admin org's materialised path and returns a SQL condition for one model;
the console, exports and services all use the same table so no screen can drift.
"""
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from ..domain.enums import OrgKind, OrgStatus
from ..extensions import db
from ..models import (
    AdminUser,
    Appeal,
    Applicant,
    Application,
    AuditEvent,
    Batch,
    Disbursement,
    Document,
    FundingLine,
    Invitation,
    Notification,
    Organisation,
    PaymentBatch,
    Programme,
    PublicNotice,
    ReviewAction,
    RosterBatch,
    RosterEntry,
    Transfer,
    VerificationResult,
)


def subtree_ids(path: str):
    return select(Organisation.id).where(Organisation.path.startswith(path))


def _by_org(column):
    return lambda path: column.in_(subtree_ids(path))


def _applications(path: str):
    return select(Application.id).where(Application.org_id.in_(subtree_ids(path)))


SCOPES = {
    Organisation: lambda path: Organisation.path.startswith(path),
    AdminUser: _by_org(AdminUser.org_id),
    Invitation: _by_org(Invitation.org_id),
    Programme: _by_org(Programme.org_id),
    Batch: lambda path: Batch.programme_id.in_(select(Programme.id).where(Programme.org_id.in_(subtree_ids(path)))),
    FundingLine: _by_org(FundingLine.org_id),
    RosterBatch: _by_org(RosterBatch.org_id),
    RosterEntry: _by_org(RosterEntry.org_id),
    Applicant: _by_org(Applicant.org_id),
    Application: _by_org(Application.org_id),
    Document: lambda path: Document.application_id.in_(_applications(path)),
    VerificationResult: lambda path: VerificationResult.document_id.in_(
        select(Document.id).where(Document.application_id.in_(_applications(path)))),
    ReviewAction: lambda path: ReviewAction.application_id.in_(_applications(path)),
    Appeal: lambda path: Appeal.application_id.in_(_applications(path)),
    Transfer: lambda path: or_(Transfer.from_org_id.in_(subtree_ids(path)), Transfer.to_org_id.in_(subtree_ids(path))),
    PublicNotice: _by_org(PublicNotice.org_id),
    PaymentBatch: _by_org(PaymentBatch.org_id),
    Disbursement: lambda path: Disbursement.application_id.in_(_applications(path)),
    AuditEvent: _by_org(AuditEvent.org_id),
    Notification: _by_org(Notification.org_id),
}


def scope_clause(model, path: str):
    """The condition limiting `model` to the subtree at `path`; unknown models see nothing."""
    fn = SCOPES.get(model)
    if fn is None:
        from sqlalchemy import false
        return false()
    return fn(path)


def register_scope(model, fn) -> None:
    """Feature packages add their own models here."""
    SCOPES[model] = fn


def ancestors_batches_clause(org: Organisation):
    """Batches of programmes owned by the org or any of its ancestors (where funding lines attach)."""
    return Batch.programme_id.in_(select(Programme.id).where(Programme.org_id.in_(org.ancestor_ids())))


UNIT_KINDS = (OrgKind.GRASSROOTS, OrgKind.ENTERPRISE)


def active_chain_clause():
    """Organisations that are active, as is every ancestor: a disabled district shuts its units too, and a
    pending or rejected registration is nobody's to see outside its parent's subtree."""
    up = aliased(Organisation)
    return ~exists().where(Organisation.path.startswith(up.path), up.status != OrgStatus.ACTIVE)


def transfer_destinations_clause():
    """Where a worker may be moved to: any working unit union of the city (a move crosses districts, so this is
    not the admin's subtree), never one that is pending, rejected or disabled."""
    return and_(Organisation.kind.in_(UNIT_KINDS), active_chain_clause())


def scoped_get(model, pk, path: str):
    """The row of `model` with primary key `pk` if it lies in the subtree at `path`, else None."""
    if pk is None:
        return None
    return db.session.execute(select(model).where(model.id == pk, scope_clause(model, path))).scalar_one_or_none()
