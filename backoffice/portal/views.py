"""Portal pages: session login for applicants; every change goes through the services."""
from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    Flask,
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

from ..domain import eligibility
from ..domain.bank_card import masked
from ..domain.clock import beijing
from ..domain.enums import (
    DOCUMENT_KIND_LABELS,
    STATE_LABELS,
    ApplicationState,
    DocumentKind,
)
from ..domain.redirects import local_target
from ..domain.review import APPEAL_FILE_DAYS
from ..extensions import db, limiter
from ..models import Applicant, Application, Batch, Organisation
from ..services import applicants as accounts
from ..services import applications as service
from ..services import selfservice
from ..services.applications import ApplicationError
from ..services.uploads import upload_document
from .feedback import application_feedback

bp = Blueprint("portal", __name__, url_prefix="/portal")
SESSION_KEY = "portal_applicant"


def register(app: Flask) -> None:
    from . import messages  # noqa: F401  (its routes are on this blueprint)
    app.register_blueprint(bp)


@bp.context_processor
def _labels():
    return {"kind_labels": {k.value: v for k, v in DOCUMENT_KIND_LABELS.items()}, "bj": beijing,
            "state_labels": STATE_LABELS, "S": ApplicationState, "me": g.get("applicant"), "masked": masked}


@bp.before_request
def _load_applicant():
    g.applicant = None
    ident = session.get(SESSION_KEY)
    if ident:
        applicant = db.session.get(Applicant, ident[0])
        if applicant is not None and applicant.token_version == ident[1]:
            g.applicant = applicant


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.applicant is None:
            flash("请先登录。", "warning")
            return redirect(url_for("portal.login", next=request.path))
        return view(*args, **kwargs)
    return wrapper


def _own(app_id: int) -> Application:
    app = db.session.get(Application, app_id)
    if app is None or app.applicant_id != g.applicant.id:
        abort(404)
    return app


@bp.get("/")
def index():
    if g.applicant is None:
        return render_template("portal/welcome.html")
    applications = service.own_applications(g.applicant)
    current = eligibility.current_by_batch(applications)
    batches = [(b, service.eligibility_preview(g.applicant, b), current.get(b.id)) for b in service.open_batches()]
    return render_template("portal/home.html", batches=batches, applications=applications,
                           payment_problems=selfservice.payment_problems(g.applicant))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def register_page():
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("name", "id_number", "mobile", "password")}
        try:
            applicant = accounts.register(accounts.Registration(**values), ip=request.remote_addr)
        except accounts.AccountError as exc:
            errors = exc.fields or {"form": exc.message}
        else:
            _log_in(applicant)
            flash("注册成功，欢迎使用。", "success")
            return redirect(url_for("portal.index"))
    values.pop("password", None)
    return render_template("portal/register.html", errors=errors, values=values)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def login():
    if request.method == "POST":
        result = accounts.authenticate(request.form.get("id_number", ""), request.form.get("password", ""),
                                       ip=request.remote_addr)
        if result.applicant is not None:
            _log_in(result.applicant)
            return redirect(local_target(request.args.get("next"), "/portal/") or url_for("portal.index"))
        flash(result.message, "danger")
    return render_template("portal/login.html")


def _log_in(applicant: Applicant) -> None:
    session.pop(SESSION_KEY, None)
    session[SESSION_KEY] = [applicant.id, applicant.token_version]


@bp.post("/logout")
def logout():
    session.pop(SESSION_KEY, None)
    flash("您已退出登录。", "info")
    return redirect(url_for("portal.index"))


@bp.route("/batches/<int:batch_id>/apply", methods=["GET", "POST"])
@login_required
def apply(batch_id: int):
    batch = db.get_or_404(Batch, batch_id)
    verdict = service.eligibility_preview(g.applicant, batch)
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
    verdict = service.evaluate(app) if app.state == ApplicationState.DRAFT else None
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
    from ..services import storage
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
        from ..services.appeals import file_appeal
    except ModuleNotFoundError:
        flash("申诉功能暂未开放。", "warning")
        return redirect(url_for("portal.application", app_id=app_id))
    try:
        file_appeal(app, g.applicant, text)
    except ValueError as exc:  # the appeal service raises ValueError subclasses with Chinese text
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash("申诉已提交，上级工会将在规定时间内答复。", "success")
    return redirect(url_for("portal.application", app_id=app_id))


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
