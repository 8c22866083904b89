"""Portal pages: the home page, registration, login and logout; the rest of the portal's pages live beside this
(applications.py, account.py, messages.py), all on one blueprint. Every change goes through the services."""
from __future__ import annotations

from flask import Flask, flash, g, redirect, render_template, request, session, url_for

from ..domain import eligibility
from ..domain.redirects import local_target
from ..extensions import limiter
from ..models import Applicant
from ..services import applicants as accounts
from ..services import applications as service
from ..services import eligibility as facts
from ..services import selfservice
from . import account, messages  # noqa: F401  (their routes are on the blueprint)
from . import applications as application_pages  # noqa: F401
from .blueprint import SESSION_KEY, bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/")
def index():
    if g.applicant is None:
        return render_template("portal/welcome.html")
    applications = service.own_applications(g.applicant)
    current = eligibility.current_by_batch(applications)
    batches = [(b, facts.eligibility_preview(g.applicant, b), current.get(b.id)) for b in service.open_batches()]
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
