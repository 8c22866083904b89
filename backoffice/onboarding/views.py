"""Public pages under /join/: the registration form, the link's QR code and poster, the status page."""
from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)

from ..domain import invitations as rules
from ..domain.enums import ORG_KIND_LABELS, ORG_STATUS_LABELS
from ..extensions import limiter
from ..services import invitations, registration
from . import qr
from .forms import JoinForm

bp = Blueprint("onboarding", __name__, url_prefix="/join")

# Per IP for everyone; per token so one link cannot be spammed from many addresses.
PAGE_LIMIT = "60 per minute"
POST_LIMIT_IP = "10 per minute"
POST_LIMIT_TOKEN = "30 per hour"


def register(app) -> None:
    app.register_blueprint(bp)


def _token_key() -> str:
    return "join-token:" + rules.hash_token((request.view_args or {}).get("token", ""))


def _closed(problem: str):
    status = 404 if problem == "unknown" else 410
    return render_template("onboarding/join_closed.html", message=rules.LINK_PROBLEMS[problem]), status


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit(PAGE_LIMIT)
@limiter.limit(POST_LIMIT_IP, methods=["POST"])
@limiter.limit(POST_LIMIT_TOKEN, methods=["POST"], key_func=_token_key)
def join(token: str):
    invitation = invitations.find_by_token(token)
    problem = invitations.link_problem(invitation)
    if problem:
        return _closed(problem)
    allowed = rules.allowed_org_kinds(invitation.kind, invitation.org.kind)
    form = JoinForm()
    form.kind.choices = [(k.value, ORG_KIND_LABELS[k]) for k in allowed]
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            org = registration.register(token, _data(form), ip=request.remote_addr)
        except registration.RegistrationError as exc:
            if exc.link:
                return _closed(exc.link)
            errors = exc.messages
        else:
            return redirect(url_for("onboarding.status", value=registration.status_token(org), new=1))
    return render_template("onboarding/join.html", form=form, invitation=invitation, errors=errors)


def _data(form: JoinForm) -> registration.RegistrationData:
    return registration.RegistrationData(
        name=form.name.data or "", kind=form.kind.data or "", credit_code=form.credit_code.data or "",
        address=form.address.data or "", contact_name=form.contact_name.data or "",
        contact_mobile=form.contact_mobile.data or "", username=form.username.data or "",
        password=form.password.data or "")


def _open_link(token: str) -> str:
    """The absolute join URL for a link that still works, else 404 (no QR codes for dead links)."""
    if invitations.link_problem(invitations.find_by_token(token)):
        abort(404)
    return invitations.join_url(token, request.host_url)


@bp.get("/<token>/qr.png")
@limiter.limit(PAGE_LIMIT)
def qr_png(token: str):
    return Response(qr.png(_open_link(token)), mimetype="image/png",
                    headers={"Content-Disposition": 'attachment; filename="join-qr.png"'}
                    if request.args.get("download") else {})


@bp.get("/<token>/qr.svg")
@limiter.limit(PAGE_LIMIT)
def qr_svg(token: str):
    return Response(qr.svg(_open_link(token)), mimetype="image/svg+xml",
                    headers={"Content-Disposition": 'attachment; filename="join-qr.svg"'}
                    if request.args.get("download") else {})


@bp.get("/<token>/poster")
@limiter.limit(PAGE_LIMIT)
def poster(token: str):
    url = _open_link(token)
    invitation = invitations.find_by_token(token)
    return render_template("onboarding/poster.html", invitation=invitation, url=url, qr_src=qr.png_data_uri(url),
                           kind_label=rules.INVITE_KIND_LABELS[invitation.kind])


@bp.get("/status/<value>")
@limiter.limit(PAGE_LIMIT)
def status(value: str):
    org = registration.org_for_status_token(value)
    if org is None:
        abort(404)
    return render_template("onboarding/status.html", org=org, status_label=ORG_STATUS_LABELS[org.status],
                           kind_label=ORG_KIND_LABELS[org.kind], new=bool(request.args.get("new")))
