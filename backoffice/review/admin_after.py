"""Console pages after review: appeals, transfers, public notices, payment batches, paid lists, dashboard."""
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from ..admin.base import SecuredView
from ..domain.enums import AppealStatus, TransferStatus
from ..extensions import db
from ..models import (
    Appeal,
    Applicant,
    Batch,
    FundingLine,
    Organisation,
    PaymentBatch,
    PublicNotice,
    Transfer,
)
from ..models.base import utcnow
from ..services import appeals, dashboard, notice, payments, transfers
from ..services.scope import scope_clause
from . import exports as review_exports


def scoped_get(model, pk):
    row = db.session.execute(select(model).where(
        model.id == pk, scope_clause(model, current_user.org.path))).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def visible_batches():
    from ..models import Programme
    org = current_user.org
    return db.session.execute(select(Batch).join(Programme).where(
        scope_clause(Batch, org.path) | Programme.org_id.in_(org.ancestor_ids())).order_by(Batch.id.desc())
    ).scalars().all()


class AppealsView(SecuredView):
    """申诉处理: open appeals addressed to my level first, overdue ones highlighted."""

    @expose("/")
    def index(self):
        status = request.args.get("status", "open")
        stmt = select(Appeal).where(scope_clause(Appeal, current_user.org.path))
        if status in {s.value for s in AppealStatus}:
            stmt = stmt.where(Appeal.status == AppealStatus(status))
        if request.args.get("mine", "1") == "1":
            stmt = stmt.where(Appeal.to_org_id == current_user.org_id)
        stmt = stmt.order_by(Appeal.due_at, Appeal.id)
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            return review_exports.appeals(stmt, fmt)
        rows = db.session.execute(stmt).scalars().all()
        return self.render("review/appeals.html", rows=rows, now=utcnow(), status=status,
                           mine=request.args.get("mine", "1"))

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


class TransfersView(SecuredView):
    """迁入迁出: requests touching my subtree, per batch; both sides approve."""

    @expose("/")
    def index(self):
        stmt = select(Transfer).where(scope_clause(Transfer, current_user.org.path))
        batch_id = request.args.get("batch_id", type=int)
        if batch_id:
            stmt = stmt.where(Transfer.batch_id == batch_id)
        stmt = stmt.order_by(Transfer.id.desc())
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            return review_exports.transfers(stmt, fmt)
        rows = db.session.execute(stmt).scalars().all()
        targets = db.session.execute(select(Organisation).where(Organisation.depth >= 2)
                                     .order_by(Organisation.path)).scalars().all()
        return self.render("review/transfers.html", rows=rows, batches=visible_batches(), batch_id=batch_id,
                           targets=targets, sides=lambda t: transfers.sides(t, current_user),
                           pending=TransferStatus.PENDING)

    @expose("/new", methods=["POST"])
    def create(self):
        idn = (request.form.get("id_number") or "").strip().upper()
        applicant = db.session.execute(select(Applicant).where(
            Applicant.id_number == idn, scope_clause(Applicant, current_user.org.path))).scalar_one_or_none()
        to_org = db.session.get(Organisation, request.form.get("to_org_id", type=int) or 0)
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


class NoticesView(SecuredView):
    """公示管理: publish a batch's approved list for N days."""
    admin_only = True

    @expose("/", methods=["GET", "POST"])
    def index(self):
        if request.method == "POST":
            batch = db.session.get(Batch, request.form.get("batch_id", type=int) or 0)
            try:
                if batch is None:
                    raise ValueError("请选择批次。")
                n = notice.publish(batch, current_user, request.form.get("days", 7, type=int),
                                   request.form.get("title", ""))
                flash(f"已发布公示，共 {len(n.application_ids)} 人。", "success")
            except ValueError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
            return redirect(url_for(".index"))
        rows = db.session.execute(select(PublicNotice).where(scope_clause(PublicNotice, current_user.org.path))
                                  .order_by(PublicNotice.id.desc())).scalars().all()
        return self.render("review/notices.html", rows=rows, batches=visible_batches(), now=utcnow())


class PaymentsView(SecuredView):
    """发放管理: payment batches, the bank file, the bank's results, the paid list."""
    admin_only = True

    @expose("/", methods=["GET", "POST"])
    def index(self):
        if request.method == "POST":
            return self._create()
        rows = db.session.execute(select(PaymentBatch).where(scope_clause(PaymentBatch, current_user.org.path))
                                  .order_by(PaymentBatch.id.desc())).scalars().all()
        lines = db.session.execute(select(FundingLine).where(FundingLine.org_id == current_user.org_id)).scalars()
        return self.render("review/payments.html", rows=rows, batches=visible_batches(), lines=list(lines))

    def _create(self):
        batch = db.session.get(Batch, request.form.get("batch_id", type=int) or 0)
        line_id = request.form.get("funding_line_id", type=int)
        line = db.session.get(FundingLine, line_id) if line_id else None
        try:
            if batch is None or (line is not None and line.batch_id != batch.id):
                raise ValueError("请选择批次（配套补助须属于该批次）。")
            pb = payments.create_batch(batch, current_user, line, request.form.get("name", ""))
            flash(f"已创建发放批次，共 {len(pb.disbursements)} 人，合计 {pb.total_amount} 元。", "success")
            return redirect(url_for(".detail", pb_id=pb.id))
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".index"))

    @expose("/<int:pb_id>")
    def detail(self, pb_id):
        return self.render("review/payment.html", pb=scoped_get(PaymentBatch, pb_id), report=None)

    @expose("/<int:pb_id>/bank-file")
    def bank_file(self, pb_id):
        pb = scoped_get(PaymentBatch, pb_id)
        data = payments.export_bank_file(pb, current_user)
        from urllib.parse import quote
        return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(pb.name)}.xlsx"})

    @expose("/<int:pb_id>/results", methods=["POST"])
    def results(self, pb_id):
        pb = scoped_get(PaymentBatch, pb_id)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash("请选择银行返回的结果文件。", "danger")
            return redirect(url_for(".detail", pb_id=pb_id))
        try:
            report = payments.import_results(pb, current_user, upload.read(), upload.filename)
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".detail", pb_id=pb_id))
        flash(f"已导入 {sum(1 for r in report if r['ok'])} 行，{sum(1 for r in report if not r['ok'])} 行有问题。",
              "success")
        return self.render("review/payment.html", pb=pb, report=report)

    @expose("/paid")
    def paid(self):
        programme_id = request.args.get("programme_id", type=int)
        stmt = payments.paid_rows(current_user.org, programme_id)
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            return review_exports.paid(stmt, fmt)
        rows = db.session.execute(stmt.limit(1000)).scalars()
        from ..models import Programme
        progs = db.session.execute(select(Programme).order_by(Programme.id)).scalars().all()
        return self.render("review/paid.html", rows=rows, programmes=progs, programme_id=programme_id)


class DashboardView(SecuredView):
    """统计看板 for my subtree, with inline SVG charts."""

    @expose("/")
    def index(self):
        return self.render("review/dashboard.html", d=dashboard.dashboard(current_user.org))


def add_after_views(admin) -> None:
    admin.add_view(AppealsView(name="申诉处理", category="申报审核", endpoint="review_appeals",
                               url="/admin/appeals"))
    admin.add_view(TransfersView(name="迁入迁出", category="申报审核", endpoint="review_transfers",
                                 url="/admin/transfers"))
    admin.add_view(NoticesView(name="公示管理", category="公示与发放", endpoint="review_notices",
                               url="/admin/notices"))
    admin.add_view(PaymentsView(name="发放管理", category="公示与发放", endpoint="review_payments",
                                url="/admin/payments"))
    admin.add_view(DashboardView(name="统计看板", endpoint="review_dashboard", url="/admin/dashboard"))
