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


PER_PAGE = 30


@bp.get("/notice/<int:notice_id>")
def notice(notice_id: int):
    """Numbered 1..N in notice order; a name search keeps each row's number; 30 rows a page."""
    n = _visible(notice_id)
    rows = notice_service.masked_rows(n)
    q = (request.args.get("q") or "").strip()
    shown = [r for r in rows if _name_matches(q, r["name"])] if q else rows
    pages = max(1, (len(shown) + PER_PAGE - 1) // PER_PAGE)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template("public/notice.html", notice=n, rows=shown[(page - 1) * PER_PAGE:page * PER_PAGE],
                           all_rows=rows, total=len(rows), found=len(shown), q=q, page=page, pages=pages,
                           open=notice_service.is_open(n))


def _name_matches(q: str, masked: str) -> bool:
    """Names are masked (张*三): the visible characters of the query must appear in order in the name."""
    visible = [ch for ch in q if ch != "*"]
    return all(ch in masked for ch in visible) and bool(visible)


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
