"""The portal's blueprint: who is logged in (a session holding the applicant's id and token version), the labels
every portal page uses, and the guards the portal's view modules share."""
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for

from ..domain.bank_card import masked
from ..domain.clock import beijing
from ..domain.enums import DOCUMENT_KIND_LABELS, STATE_LABELS, ApplicationState
from ..extensions import db
from ..models import Applicant, Application

bp = Blueprint("portal", __name__, url_prefix="/portal")
SESSION_KEY = "portal_applicant"


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
