"""申诉处理: open appeals addressed to my level first, overdue ones highlighted."""
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...admin.base import SecuredView
from ...admin.paging import page_of
from ...domain.enums import AppealStatus
from ...extensions import db
from ...models import Appeal, Applicant, Application
from ...models.base import utcnow
from ...services import appeals
from ...services.scope import scope_clause
from .. import exports as review_exports
from ..queue import person_matches
from . import scoped_get


class AppealsView(SecuredView):

    @expose("/")
    def index(self):
        status = request.args.get("status", "open")
        q = (request.args.get("q") or "").strip()
        stmt = select(Appeal).where(scope_clause(Appeal, current_user.org.path))
        if status in {s.value for s in AppealStatus}:
            stmt = stmt.where(Appeal.status == AppealStatus(status))
        if request.args.get("mine", "1") == "1":
            stmt = stmt.where(Appeal.to_org_id == current_user.org_id)
        if q:
            stmt = stmt.join(Application, Application.id == Appeal.application_id).join(
                Applicant, Applicant.id == Application.applicant_id).where(
                person_matches(q, Applicant.name, Applicant.id_number_hash, Appeal.application_id))
        stmt = stmt.order_by(Appeal.due_at, Appeal.id)
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            return review_exports.appeals(stmt, fmt)
        mine = request.args.get("mine", "1")
        page = page_of(stmt, request.args.get("page", 1, type=int),
                       loads=(joinedload(Appeal.application).joinedload(Application.applicant), joinedload(Appeal.to_org)))
        return self.render("review/appeals.html", page=page, now=utcnow(), status=status, q=q, mine=mine,
                           args={"status": status, "q": q, "mine": mine})

    @expose("/<int:appeal_id>", methods=["GET", "POST"])
    def detail(self, appeal_id):
        appeal = scoped_get(Appeal, appeal_id)
        if request.method == "POST":
            try:
                appeals.decide(appeal, current_user, request.form.get("outcome") == "upheld",
                               request.form.get("reply", ""))
                flash("申诉已答复。", "success")
                return redirect(url_for(".index"))
            except ValueError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
        return self.render("review/appeal.html", appeal=appeal, now=utcnow(),
                           can_decide=appeal.status == AppealStatus.OPEN and appeal.to_org_id == current_user.org_id)
