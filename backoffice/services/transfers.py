"""迁入迁出: a worker moves between unit unions; both sides approve; in-flight applications follow."""
from sqlalchemy import select

from ..domain import review as rules
from ..domain.enums import ApplicationState as S
from ..domain.enums import OrgStatus, TransferStatus
from ..domain.notifications import Event
from ..extensions import db
from ..models import Applicant, Application, Organisation, Transfer
from ..models.base import utcnow
from . import audit, notifications

# Applications not yet decided move with the worker; decided ones stay where they were decided.
IN_FLIGHT = (S.DRAFT, S.WAITLISTED, S.IN_REVIEW, S.RETURNED)


class TransferError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def request_transfer(applicant: Applicant, to_org: Organisation, *, requested_by, reason: str = "",
                     batch_id: int | None = None) -> Transfer:
    """Applicant or admin asks to move a worker; `requested_by` is the actor (admin or applicant)."""
    if applicant.org_id is None:
        raise TransferError("no_org", "该职工还没有所属工会，无需迁移。")
    if to_org.id == applicant.org_id:
        raise TransferError("same_org", "迁入单位与当前单位相同。")
    if to_org.status != OrgStatus.ACTIVE or not _destination(to_org):
        raise TransferError("org_inactive", "迁入单位未启用。")
    pending = db.session.execute(select(Transfer).where(Transfer.applicant_id == applicant.id,
                                                        Transfer.status == TransferStatus.PENDING)).first()
    if pending:
        raise TransferError("transfer_pending", "该职工已有一份迁移申请正在办理。")
    t = Transfer(applicant_id=applicant.id, from_org_id=applicant.org_id, to_org_id=to_org.id, batch_id=batch_id,
                 reason=(reason or "").strip()[:500] or None,
                 requested_by=getattr(requested_by, "username", None) or f"申请人 {applicant.name}")
    db.session.add(t)
    db.session.flush()
    audit.record("transfer_requested", actor=requested_by, target=t, org_id=applicant.org_id,
                 detail={"to_org_id": to_org.id})
    db.session.commit()
    return t


def _destination(org: Organisation) -> bool:
    from .scope import transfer_destinations_clause
    return db.session.execute(select(Organisation.id).where(
        Organisation.id == org.id, transfer_destinations_clause())).first() is not None


def sides(transfer: Transfer, admin) -> list[str]:
    """Which sides this admin may approve: an admin acts for its own org and everything below it."""
    path = admin.org.path
    out = []
    if transfer.from_org.path.startswith(path):
        out.append("from")
    if transfer.to_org.path.startswith(path):
        out.append("to")
    return out


def approve(transfer: Transfer, admin) -> Transfer:
    _check_pending(transfer)
    mine = sides(transfer, admin)
    if not mine:
        raise TransferError("not_your_transfer", "您的单位不是该迁移的迁出或迁入方。")
    if "from" in mine and transfer.from_approved_by_id is None:
        transfer.from_approved_by_id = admin.id
    if "to" in mine and transfer.to_approved_by_id is None:
        transfer.to_approved_by_id = admin.id
    audit.record("transfer_approved", actor=admin, target=transfer, detail={"sides": mine})
    if transfer.from_approved_by_id and transfer.to_approved_by_id:
        _complete(transfer, admin)
    db.session.commit()
    return transfer


def reject(transfer: Transfer, admin, reason: str = "") -> Transfer:
    _check_pending(transfer)
    if not sides(transfer, admin):
        raise TransferError("not_your_transfer", "您的单位不是该迁移的迁出或迁入方。")
    transfer.status, transfer.decided_at = TransferStatus.REJECTED, utcnow()
    audit.record("transfer_rejected", actor=admin, target=transfer, detail={"reason": reason})
    reason = (reason or "").strip()
    notifications.tell(Event.TRANSFER_DECIDED, transfer.applicant, transfer.id, org_id=transfer.from_org_id,
                       outcome="未通过", detail=f"原因：{reason}" if reason else "")
    db.session.commit()
    return transfer


def _check_pending(transfer: Transfer) -> None:
    if transfer.status != TransferStatus.PENDING:
        raise TransferError("transfer_closed", "该迁移申请已办结。")


def _complete(transfer: Transfer, admin) -> None:
    """Both sides agreed: the worker and every undecided application move to the new chain."""
    applicant = transfer.applicant
    applicant.org_id = transfer.to_org_id
    new_chain = rules.review_chain(transfer.to_org.path)
    moved = []
    for app in db.session.execute(select(Application).where(
            Application.applicant_id == applicant.id, Application.state.in_(IN_FLIGHT))).scalars():
        app.org_id = transfer.to_org_id
        app.reviewing_org_id = rules.follow_chain(new_chain, app.reviewing_org_id)
        moved.append(app.id)
    transfer.status, transfer.decided_at = TransferStatus.APPROVED, utcnow()
    audit.record("transfer_completed", actor=admin, target=transfer, org_id=transfer.to_org_id,
                 detail={"applications": moved, "from_org_id": transfer.from_org_id})
    notifications.tell(Event.TRANSFER_DECIDED, applicant, transfer.id, org_id=transfer.to_org_id, outcome="已通过",
                       detail=f"您已转入{transfer.to_org.name}，尚未审结的申请随同转入。")
