"""The public notice (公示) pages: masked approved lists and an objection form that opens an appeal."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..extensions import db, limiter
from ..models import PublicNotice
from ..services import notice as notice_service
from ..services.appeals import AppealError, file_objection

bp = Blueprint("public", __name__)


def register(app) -> None:
    app.register_blueprint(bp)


@bp.get("/notice/")
def notices():
    return render_template("public/notices.html", notices=notice_service.public_notices(),
                           is_open=notice_service.is_open)


@bp.get("/notice/<int:notice_id>")
def notice(notice_id: int):
    n = _visible(notice_id)
    return render_template("public/notice.html", notice=n, rows=notice_service.masked_rows(n),
                           open=notice_service.is_open(n))


@bp.post("/notice/<int:notice_id>/objection")
@limiter.limit("10 per hour")
def objection(notice_id: int):
    n = _visible(notice_id)
    try:
        file_objection(n, request.form.get("application_id", type=int) or 0, request.form.get("name", ""),
                       request.form.get("contact", ""), request.form.get("text", ""), ip=request.remote_addr)
    except AppealError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".notice", notice_id=notice_id) + "#objection")
    flash("您的异议已提交，我们将在核实后处理。感谢您的监督。", "success")
    return redirect(url_for(".notice", notice_id=notice_id))


def _visible(notice_id: int) -> PublicNotice:
    n = db.session.get(PublicNotice, notice_id)
    if n is None or n not in notice_service.public_notices():
        abort(404)
    return n
