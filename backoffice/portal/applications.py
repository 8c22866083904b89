"""The applicant's applications on the portal: apply, the application page, uploads, submit, withdraw, appeal."""
from flask import (
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from ..domain.enums import ApplicationState, DocumentKind
from ..domain.review import APPEAL_FILE_DAYS
from ..extensions import db
from ..models import Batch, Organisation
from ..services import applications as service
from ..services import eligibility, selfservice, storage
from ..services.appeals import file_appeal
from ..services.applications import ApplicationError
from ..services.uploads import upload_document
from .blueprint import SESSION_KEY, _own, bp, login_required
from .feedback import application_feedback


@bp.route("/batches/<int:batch_id>/apply", methods=["GET", "POST"])
@login_required
def apply(batch_id: int):
    batch = db.get_or_404(Batch, batch_id)
    verdict = eligibility.eligibility_preview(g.applicant, batch)
    if request.method == "POST":
        org = db.session.get(Organisation, request.form.get("org_id", type=int) or 0)
        try:
            app = service.create_draft(g.applicant, batch, org, education_level=request.form.get("education_level")
                                       or None, study_year=request.form.get("study_year", type=int))
        except ApplicationError as exc:
            flash(exc.message, "danger")
        else:
            flash("申请草稿已创建，请逐项上传材料后提交。", "success")
            return redirect(url_for("portal.application", app_id=app.id))
    return render_template("portal/apply.html", batch=batch, verdict=verdict, orgs=service.unit_orgs(limit=500))


@bp.get("/applications/<int:app_id>")
@login_required
def application(app_id: int):
    app = _own(app_id)
    required = list(app.batch.required_documents or [])
    docs = {d.kind.value: d for d in app.documents}
    extra = [k.value for k in DocumentKind if k.value not in required and k.value in docs]
    verdict = eligibility.evaluate(app) if app.state == ApplicationState.DRAFT else None
    feedback = application_feedback(app)
    return render_template("portal/application.html", app=app, required=required, extra=extra, docs=docs,
                           verdict=verdict, feedback=feedback, upload_error=session.pop("upload_error", None),
                           flagged=[f for f in feedback.values() if f["state"] == "problems"], notes=service.return_reasons(app), follow=selfservice.follow_up(app),
                           appeal_days=APPEAL_FILE_DAYS,
                           editable=app.state in service.EDITABLE,
                           can_withdraw=app.state in service.WITHDRAWABLE)


@bp.get("/applications/<int:app_id>/checks")
@login_required
def checks(app_id: int):
    """The automatic checks per document, polled by the page until none is still running."""
    return jsonify(application_feedback(_own(app_id)))


@bp.get("/applications/<int:app_id>/documents/<int:doc_id>/file")
@login_required
def document_file(app_id: int, doc_id: int):
    """The worker's own upload (its thumbnail on the page)."""
    app = _own(app_id)
    doc = next((d for d in app.documents if d.id == doc_id), None)
    if doc is None:
        abort(404)
    try:
        return send_file(storage.path_of(doc.storage_key), mimetype=doc.mime, max_age=3600)
    except (FileNotFoundError, ValueError):
        abort(404)


TOO_LARGE = "文件太大：每个文件不能超过 3 MB，请压缩或重新拍摄后上传。"


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    """A file over the request cap is refused before the view runs (even the CSRF check cannot read the form):
    the worker goes back to the form with the reason beside the field, not to an error page."""
    if request.endpoint == "portal.upload" and session.get(SESSION_KEY):
        return _upload_failed(request.view_args["app_id"], request.args.get("kind", ""), TOO_LARGE)
    return render_template("error.html", error=exc), 413


def _upload_failed(app_id: int, kind: str, message: str):
    """Errors are shown beside the file field they concern, not on a page of their own."""
    session["upload_error"] = {"kind": kind, "message": message}
    return redirect(url_for("portal.application", app_id=app_id) + f"#doc-{kind}")


@bp.post("/applications/<int:app_id>/documents")
@login_required
def upload(app_id: int):
    app = _own(app_id)
    kind = request.args.get("kind", "")
    try:
        file = request.files.get("file")
        kind = request.form.get("kind", kind)
    except RequestEntityTooLarge:
        return _upload_failed(app_id, kind, TOO_LARGE)
    if file is None or not file.filename:
        return _upload_failed(app_id, kind, "请先选择要上传的文件。")
    try:
        upload_document(app, kind, file.read(), file.filename)
    except ApplicationError as exc:
        return _upload_failed(app_id, kind, exc.message)
    flash("上传成功，系统正在自动检查这份材料。", "success")
    return redirect(url_for("portal.application", app_id=app_id) + f"#doc-{kind}")


@bp.post("/applications/<int:app_id>/submit")
@login_required
def submit(app_id: int):
    app = _own(app_id)
    try:
        service.submit(app)
    except ApplicationError as exc:
        flash(exc.message, "danger")
    else:
        if app.quota_rank:
            flash(f"提交成功！您获得第 {app.quota_rank} 号名额，现进入单位工会审核。", "success")
        else:
            flash(f"名额已满，您已进入候补，当前排第 {app.waitlist_position} 位。", "warning")
        flagged = [f["label"] for f in application_feedback(app).values() if f["state"] == "problems"]
        if flagged:
            flash("以下材料的自动检查仍有提示，审核人员会重点核对，如被驳回请按要求重新上传：" + "、".join(flagged) + "。",
                  "warning")
    return redirect(url_for("portal.application", app_id=app_id))


@bp.post("/applications/<int:app_id>/withdraw")
@login_required
def withdraw(app_id: int):
    app = _own(app_id)
    try:
        service.withdraw(app, reason=request.form.get("reason", "").strip())
    except ApplicationError as exc:
        flash(exc.message, "danger")
    else:
        flash("申请已撤回。", "info")
    return redirect(url_for("portal.application", app_id=app_id))


@bp.post("/applications/<int:app_id>/appeal")
@login_required
def appeal(app_id: int):
    app = _own(app_id)
    text = request.form.get("text", "").strip()
    try:
        file_appeal(app, g.applicant, text)
    except ValueError as exc:  # the appeal service raises ValueError subclasses with Chinese text
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash("申诉已提交，上级工会将在规定时间内答复。", "success")
    return redirect(url_for("portal.application", app_id=app_id))
