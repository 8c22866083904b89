"""JSON endpoints for applicants; views only validate input and call the services."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Flask, g, jsonify, request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from ..extensions import csrf, db, limiter
from ..models import Applicant, Application, Batch, Organisation, Programme  # noqa: F401
from ..services import applicants as accounts
from ..services import applications as service
from ..services import eligibility, selfservice
from ..services.applications import ApplicationError
from ..services.uploads import upload_document
from . import serialize
from .errors import DETAILS, error
from .openapi import document as openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def register(app: Flask) -> None:
    from ..intake.allocator import install
    csrf.exempt(bp)
    app.register_blueprint(bp)
    install(app)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApplicationError("invalid_json", "请求体必须是 JSON 对象。", 400)
    return body


def _bearer_claims():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return accounts.token_claims(header[7:].strip())


def require_applicant(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        claims = _bearer_claims()
        if claims is None:
            return error("unauthorized", 401)
        g.token_claims = claims
        return view(*args, **kwargs)
    return wrapper


def _applicant() -> Applicant:
    applicant = db.session.get(Applicant, g.token_claims[0])
    if applicant is None or applicant.token_version != g.token_claims[1]:
        raise ApplicationError("unauthorized", "登录已失效，请重新登录。", 401)
    return applicant


# Built once: the hot submit path reuses the compiled statement.
_OWN_APPLICATION = (
    select(Application).join(Application.applicant).join(Application.batch).join(Batch.programme)
    .options(contains_eager(Application.applicant), contains_eager(Application.batch).contains_eager(Batch.programme))
    .where(Application.id == bindparam("app_id"), Application.applicant_id == bindparam("applicant_id")))


def _own_application(app_id: int) -> Application:
    """The caller's application and its applicant in one query (the token check rides along)."""
    applicant_id, version = g.token_claims
    app = db.session.execute(_OWN_APPLICATION, {"app_id": app_id, "applicant_id": applicant_id}
                             ).scalar_one_or_none()
    if app is None:
        raise ApplicationError("not_found", "找不到该申请。", 404)
    if app.applicant.token_version != version:
        raise ApplicationError("unauthorized", "登录已失效，请重新登录。", 401)
    return app


@bp.errorhandler(ApplicationError)
def _refused(exc: ApplicationError):
    return error(exc.code, exc.status, message=exc.message, reasons=exc.reasons)


@bp.errorhandler(selfservice.SelfServiceError)
def _self_service_refused(exc: selfservice.SelfServiceError):
    return error(exc.code, exc.status, message=exc.message, detail=exc.detail)


@bp.errorhandler(accounts.AccountError)
def _account_refused(exc: accounts.AccountError):
    status = 409 if exc.code == "already_registered" else 422
    return error(exc.code, status, message=exc.message, fields=exc.fields)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.post("/auth/register")
@limiter.limit("20 per minute")
def register_applicant():
    body = _json_body()
    reg = accounts.Registration(*(str(body.get(k) or "") for k in ("name", "id_number", "mobile", "password")))
    applicant = accounts.register(reg, ip=request.remote_addr)
    token = accounts.issue_token(applicant.id, applicant.token_version)
    return jsonify(applicant=_applicant_json(applicant), token=token, token_type="bearer"), 201


@bp.post("/auth/login")
@limiter.limit("30 per minute")
def login():
    body = _json_body()
    result = accounts.authenticate(str(body.get("id_number") or ""), str(body.get("password") or ""),
                                   ip=request.remote_addr)
    if result.error == "account_locked":
        body, status = error("account_locked", 429, message=result.message, retry_after=result.retry_after)
        return body, status, {"Retry-After": str(result.retry_after)}
    if result.applicant is None:
        return error("invalid_credentials", 401, message=result.message)
    applicant = result.applicant
    token = accounts.issue_token(applicant.id, applicant.token_version)
    return jsonify(token=token, token_type="bearer", expires_in=accounts.TOKEN_MAX_AGE,
                   applicant=_applicant_json(applicant))


def _applicant_json(a: Applicant) -> dict:
    return {"id": a.id, "name": a.name, "mobile": a.mobile, "org_id": a.org_id}


@bp.get("/batches")
def batches():
    claims = _bearer_claims()
    applicant = db.session.get(Applicant, claims[0]) if claims else None
    if applicant is not None and applicant.token_version != claims[1]:
        applicant = None
    items = [serialize.batch(b, eligibility.eligibility_preview(applicant, b) if applicant else None)
             for b in service.open_batches()]
    return jsonify(batches=items)


@bp.get("/orgs")
def orgs():
    items = [{"id": o.id, "code": o.code, "name": o.name} for o in service.unit_orgs(request.args.get("q"))]
    return jsonify(orgs=items)


@bp.get("/applications")
@require_applicant
def list_applications():
    return jsonify(applications=[serialize.application_summary(a) for a in service.own_applications(_applicant())])


@bp.post("/applications")
@require_applicant
def create_application():
    body = _json_body()
    applicant = _applicant()
    batch = db.session.get(Batch, _int(body, "batch_id"))
    if batch is None:
        raise ApplicationError("not_found", "找不到该批次。", 404)
    org = db.session.get(Organisation, _int(body, "org_id"))
    study_year = _int(body, "study_year", required=False)
    app = service.create_draft(applicant, batch, org, education_level=body.get("education_level"),
                               study_year=study_year)
    return jsonify(_application_json(app, [])), 201


def _application_json(app: Application, reasons: list) -> dict:
    return serialize.application_full(app, reasons) | serialize.follow_up(selfservice.follow_up(app))


def _int(body: dict, key: str, required: bool = True) -> int | None:
    value = body.get(key)
    if value is None and not required:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not 0 <= number < 2**31:  # ids are 32-bit: a larger one would crash the driver
        raise ApplicationError("invalid_input", f"{key} 必须是整数。", 422)
    return number


@bp.get("/applications/<int:app_id>")
@require_applicant
def get_application(app_id: int):
    app = _own_application(app_id)
    return jsonify(_application_json(app, service.return_reasons(app)))


@bp.put("/applications/<int:app_id>/documents/<kind>")
@require_applicant
@limiter.limit("60 per minute")
def put_document(app_id: int, kind: str):
    app = _own_application(app_id)
    upload = request.files.get("file")
    if upload is None:
        raise ApplicationError("missing_file", "请用 multipart 字段 file 上传文件。", 400)
    doc = upload_document(app, kind, upload.read(), upload.filename)
    return jsonify(serialize.document(doc)), 201


@bp.post("/applications/<int:app_id>/submit")
@require_applicant
def submit(app_id: int):
    from ..intake.fast_submit import submit as submit_fast
    db.session().expire_on_commit = False  # answer from memory: no reload after the commit
    result = submit_fast(app_id, *g.token_claims)
    return jsonify(serialize.application_summary(result))


@bp.post("/applications/<int:app_id>/withdraw")
@require_applicant
def withdraw(app_id: int):
    app = _own_application(app_id)
    body = request.get_json(silent=True) or {}
    service.withdraw(app, reason=str(body.get("reason") or "") if isinstance(body, dict) else "")
    return jsonify(serialize.application_summary(app))


@bp.post("/applications/<int:app_id>/appeals")
@require_applicant
def appeal(app_id: int):
    app = _own_application(app_id)
    text = str(_json_body().get("text") or "").strip()
    if not text:
        raise ApplicationError("invalid_input", "请填写申诉理由。", 422)
    try:
        from ..services.appeals import file_appeal
    except ModuleNotFoundError as exc:
        if exc.name != "backoffice.services.appeals":
            raise
        return error("not_available", 503, message="申诉功能暂未开放。")
    try:
        result = file_appeal(app, app.applicant, text)
    except ValueError as exc:  # AppealError: code, Chinese str(), English detail_en
        db.session.rollback()
        code = getattr(exc, "code", "invalid_input")
        status = 404 if code == "not_found" else 409 if code in ("not_appealable", "appeal_open", "appeal_too_late") \
            else 422
        body, status = error(code, status, message=str(exc))
        payload = body.get_json() | {"detail": getattr(exc, "detail_en", None) or body.get_json()["detail"]}
        return jsonify(payload), status
    return jsonify(id=getattr(result, "id", None), application_id=app.id,
                   status=getattr(getattr(result, "status", None), "value", None)), 201


@bp.get("/me/bank-card")
@require_applicant
def get_bank_card():
    applicant = _applicant()
    return jsonify(serialize.bank_card(applicant, selfservice.payment_problems(applicant)))


@bp.put("/me/bank-card")
@require_applicant
@limiter.limit("20 per minute")
def put_bank_card():
    body = _json_body()
    applicant = _applicant()
    selfservice.set_bank_card(applicant, str(body.get("card_number") or ""))
    return jsonify(serialize.bank_card(applicant, selfservice.payment_problems(applicant)))


@bp.get("/transfers")
@require_applicant
def list_transfers():
    return jsonify(transfers=[serialize.transfer(t) for t in selfservice.own_transfers(_applicant())])


@bp.post("/transfers")
@require_applicant
@limiter.limit("10 per minute")
def create_transfer():
    body = _json_body()
    applicant = _applicant()
    t = selfservice.ask_transfer(applicant, _int(body, "to_org_id"), str(body.get("reason") or "")[:500],
                                 batch_id=_int(body, "batch_id", required=False))
    return jsonify(serialize.transfer(t)), 201


__all__ = ["DETAILS", "bp", "register"]
