"""The applicant's own details on the portal: the bank card the subsidy is paid to, and transfers between unions."""
from flask import flash, g, redirect, render_template, request, url_for

from ..domain.redirects import local_target
from ..extensions import limiter
from ..services import selfservice
from .blueprint import bp, login_required


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per minute", methods=["POST"])
def profile():
    """我的信息与银行卡: the card the subsidy is paid to; fixing it after a failed payment queues a retry."""
    error = None
    if request.method == "POST":
        try:
            selfservice.set_bank_card(g.applicant, request.form.get("bank_card", ""))
        except selfservice.SelfServiceError as exc:
            error = exc.message
        else:
            problems = selfservice.payment_problems(g.applicant)
            flash("银行卡号已保存。" + ("发放失败的补助将在下一批次重新发放到这张卡。"
                                        if any(p.retry_ready for p in problems) else ""), "success")
            return redirect(local_target(request.args.get("next"), "/portal/") or url_for("portal.profile"))
    return render_template("portal/profile.html", error=error, problems=selfservice.payment_problems(g.applicant))


@bp.route("/transfers", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def transfers():
    """迁入迁出: the worker asks to move to another unit union and follows the request."""
    if request.method == "POST":
        try:
            selfservice.ask_transfer(g.applicant, request.form.get("to_org_id", type=int),
                                     request.form.get("reason", "").strip()[:500])
        except selfservice.SelfServiceError as exc:
            flash(exc.message, "danger")
        else:
            flash("迁移申请已提交，需迁出和迁入两个单位工会都同意后生效。", "success")
            return redirect(url_for("portal.transfers"))
    return render_template("portal/transfers.html", items=selfservice.own_transfers(g.applicant),
                           targets=selfservice.transfer_targets(g.applicant), labels=selfservice.TRANSFER_LABELS)
