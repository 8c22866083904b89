"""迁入迁出: requests touching my subtree, filtered by batch, status and name or ID number; both sides approve."""
from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...admin import org_search
from ...crypto import lookup_hash
from ...admin.base import SecuredView
from ...admin.paging import page_of
from ...domain.enums import TRANSFER_STATUS_LABELS, TransferStatus
from ...extensions import db
from ...models import Applicant, Transfer
from ...services import transfers
from ...services.scope import scope_clause
from .. import exports as review_exports
from ..queue import person_matches
from . import scoped_get, visible_batches


class TransfersView(SecuredView):

    @expose("/")
    def index(self):
        stmt = select(Transfer).where(scope_clause(Transfer, current_user.org.path))
        batch_id = request.args.get("batch_id", type=int)
        status = request.args.get("status", "")
        q = (request.args.get("q") or "").strip()
        if batch_id:
            stmt = stmt.where(Transfer.batch_id == batch_id)
        if status in {s.value for s in TransferStatus}:
            stmt = stmt.where(Transfer.status == TransferStatus(status))
        if q:
            stmt = stmt.join(Applicant, Applicant.id == Transfer.applicant_id).where(
                person_matches(q, Applicant.name, Applicant.id_number_hash))
        stmt = stmt.order_by(Transfer.id.desc())
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            return review_exports.transfers(stmt, fmt)
        page = page_of(stmt, request.args.get("page", 1, type=int),
                       loads=(joinedload(Transfer.applicant), joinedload(Transfer.from_org), joinedload(Transfer.to_org)))
        return self.render("review/transfers.html", page=page, batches=visible_batches(), batch_id=batch_id,
                           status=status, q=q, statuses=TRANSFER_STATUS_LABELS,
                           args={"batch_id": batch_id or "", "status": status, "q": q},
                           sides=lambda t: transfers.sides(t, current_user), pending=TransferStatus.PENDING)

    @expose("/new", methods=["POST"])
    def create(self):
        idn = (request.form.get("id_number") or "").strip().upper()
        applicant = db.session.execute(select(Applicant).where(
            Applicant.id_number_hash == lookup_hash(idn), scope_clause(Applicant, current_user.org.path))).scalar_one_or_none()
        to_org = org_search.resolve(request.form.get("to_org"), request.form.get("to_org_id", type=int),
                                    units_anywhere=True)
        if applicant is None or to_org is None:
            flash("找不到该身份证号的职工（须在本单位管辖范围内），或未选择迁入单位。", "danger")
            return redirect(url_for(".index"))
        try:
            transfers.request_transfer(applicant, to_org, requested_by=current_user,
                                       reason=request.form.get("reason", ""),
                                       batch_id=request.form.get("batch_id", type=int))
            flash("迁移申请已创建，等待迁出、迁入双方审批。", "success")
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for(".index"))

    @expose("/<int:transfer_id>/<verb>", methods=["POST"])
    def decide(self, transfer_id, verb):
        t = scoped_get(Transfer, transfer_id)
        try:
            if verb == "approve":
                transfers.approve(t, current_user)
                flash("已同意。" + ("双方均已同意，迁移完成。" if t.status == TransferStatus.APPROVED else ""), "success")
            elif verb == "reject":
                transfers.reject(t, current_user, request.form.get("reason", ""))
                flash("已驳回该迁移申请。", "success")
            else:
                abort(404)
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for(".index"))
