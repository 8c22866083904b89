"""发放管理: 未发放 / 已发放 tabs with the Guangzhou filters and a per-union summary; payment batches with a preview
before creating, the bank file, the bank's results, and cancelling a batch not yet exported."""
from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...admin import org_search
from ...admin.base import SecuredView
from ...admin.paging import page_of
from ...admin.exporting import export_response
from ...extensions import db
from ...models import Application, FundingLine, PaymentBatch, RosterBatch, RosterEntry
from ...services import payments
from ...services.exports import Column
from ...services.scope import scope_clause
from ...services.scope import scoped_get as scoped_row
from .. import exports as review_exports
from .. import payouts
from . import may_pay, scoped_get, visible_batch, visible_batches, visible_programmes

SUMMARY_COLUMNS = [Column("工会", lambda r: r[0]), Column("人数", lambda r: r[1]),
                   Column("金额（元）", lambda r: float(r[2] or 0))]


class PaymentsView(SecuredView):
    admin_only = True

    @expose("/", methods=["GET"])
    def index(self):
        return self._page(payouts.PayoutFilter.from_args(request.args))

    @expose("/paid")
    def paid(self):
        """The 已发放 tab at its old address (saved links and exports keep working)."""
        f = payouts.PayoutFilter.from_args(request.args)
        f.tab = "paid"
        return self._page(f)

    def _page(self, f):
        org = current_user.org
        chosen_org = org_search.resolve(request.args.get("org"), f.org_id)
        f.org_id = chosen_org.id if chosen_org else None
        stmt = payouts.paid(org, f) if f.tab == "paid" else payouts.unpaid(org, f)
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            if f.tab == "paid":
                return review_exports.paid(stmt, fmt)
            return review_exports.applications(stmt, fmt)
        loads = review_exports.PAID_LOADS if f.tab == "paid" else review_exports.APPLICATION_LOADS + (
            joinedload(Application.roster_entry).joinedload(RosterEntry.roster_batch),)
        page = page_of(stmt, request.args.get("page", 1, type=int), loads=loads)
        # The per-union summary adds up every row of the tab: asked for, not computed on every visit.
        summary = db.session.execute(payouts.union_summary(org, f)).all() if request.args.get("summary") else None
        return self.render(
            "review/payments.html", f=f, params=f.as_params(), page=page, chosen_org=chosen_org, summary=summary,
            summary_total=summary and (sum(r[1] for r in summary), sum(float(r[2] or 0) for r in summary)),
            batches_out=self._payment_batches(), batches=visible_batches(), lines=self._lines(), can_pay=may_pay(current_user),
            programmes=visible_programmes(),
            roster_batches=db.session.execute(select(RosterBatch).where(
                scope_clause(RosterBatch, org.path) | RosterBatch.org_id.in_(org.ancestor_ids()))
                .order_by(RosterBatch.id.desc())).scalars().all())

    @staticmethod
    def _payment_batches():
        return db.session.execute(select(PaymentBatch).where(scope_clause(PaymentBatch, current_user.org.path))
                                  .order_by(PaymentBatch.id.desc())).scalars().all()

    @staticmethod
    def _lines():
        return list(db.session.execute(select(FundingLine).where(FundingLine.org_id == current_user.org_id)).scalars())

    @expose("/summary.<fmt>")
    def summary_export(self, fmt):
        f = payouts.PayoutFilter.from_args(request.args)
        stmt = payouts.union_summary(current_user.org, f)
        title = "各工会已发放汇总" if f.tab == "paid" else "各工会待发放汇总"
        return export_response(title, fmt, SUMMARY_COLUMNS, stmt,
                               what="union_summary")

    def _chosen(self):
        batch = visible_batch(request.form.get("batch_id", type=int))
        line_id = request.form.get("funding_line_id", type=int)
        line = scoped_row(FundingLine, line_id, current_user.org.path) if line_id else None
        if batch is None or (line is not None and line.batch_id != batch.id):
            raise ValueError("请选择批次（配套补助须属于该批次）。")
        return batch, line

    @expose("/preview", methods=["POST"])
    def preview(self):
        try:
            batch, line = self._chosen()
            shown = payments.preview(batch, current_user, line)
        except ValueError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".index"))
        return self.render("review/payment_preview.html", batch=batch, line=line, p=shown,
                           name=request.form.get("name", ""))

    @expose("/", methods=["POST"])
    @expose("/create", methods=["POST"])
    def create(self):
        try:
            batch, line = self._chosen()
            pb = payments.create_batch(batch, current_user, line, request.form.get("name", ""),
                                       expected=request.form.get("expected", type=int))
            flash(f"已创建发放批次，共 {len(pb.disbursements)} 人，合计 {pb.total_amount} 元。导出银行文件前可以作废。",
                  "success")
            return redirect(url_for(".detail", pb_id=pb.id))
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".index"))

    @expose("/<int:pb_id>/cancel", methods=["POST"])
    def cancel(self, pb_id):
        try:
            payments.cancel_batch(scoped_get(PaymentBatch, pb_id), current_user, request.form.get("reason", ""))
            flash("发放批次已作废，名单已释放，可重新创建。", "success")
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for(".detail", pb_id=pb_id))

    @expose("/<int:pb_id>")
    def detail(self, pb_id):
        return self.render("review/payment.html", pb=scoped_get(PaymentBatch, pb_id), report=None,
                           can_pay=may_pay(current_user))

    @expose("/<int:pb_id>/bank-file")
    def bank_file(self, pb_id):
        pb = scoped_get(PaymentBatch, pb_id)
        if pb.status == "cancelled":
            flash("该发放批次已作废。", "danger")
            return redirect(url_for(".detail", pb_id=pb_id))
        try:
            data = payments.export_bank_file(pb, current_user)
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".detail", pb_id=pb_id))
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
        return self.render("review/payment.html", pb=pb, report=report, can_pay=may_pay(current_user))
