"""Choosing an organisation among thousands: a typed search (name or code) that suggests at most SUGGESTIONS,
instead of a select box listing every union in the city."""
from flask import jsonify, request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import or_, select

from ..domain.enums import OrgStatus
from ..extensions import db
from ..models import Organisation
from ..services.scope import scope_clause, transfer_destinations_clause
from .base import SecuredView

SUGGESTIONS = 20


def matching(q: str, *, units_anywhere: bool = False):
    """Organisations whose code starts with, or whose name contains, `q`: in the admin's subtree, or (for a
    transfer's destination) any active unit in the city."""
    stmt = select(Organisation).where(Organisation.status == OrgStatus.ACTIVE)
    if units_anywhere:  # the scoping table's rule: working unit unions whose whole chain is active
        stmt = stmt.where(transfer_destinations_clause())
    else:
        stmt = stmt.where(scope_clause(Organisation, current_user.org.path))
    q = q.strip()
    if q:
        stmt = stmt.where(or_(Organisation.code.startswith(q.upper()), Organisation.name.contains(q)))
    return stmt.order_by(Organisation.depth, Organisation.name).limit(SUGGESTIONS)


def resolve(text: str | None, org_id: int | None = None, *, units_anywhere: bool = False) -> Organisation | None:
    """The organisation a form meant: the id the picker chose, else an exact code or name typed by hand."""
    if org_id:
        found = db.session.execute(matching("", units_anywhere=units_anywhere).limit(None)
                                   .where(Organisation.id == org_id)).scalar_one_or_none()
        if found is not None:
            return found
    text = (text or "").strip()
    if not text:
        return None
    label = text.rsplit("（", 1)[0]
    stmt = matching("", units_anywhere=units_anywhere).limit(None).where(
        or_(Organisation.code == text.upper(), Organisation.name == label))
    return db.session.execute(stmt.limit(1)).scalar_one_or_none()


class OrgSearchView(SecuredView):
    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        rows = db.session.execute(matching(request.args.get("q", ""),
                                           units_anywhere=request.args.get("units") == "all")).scalars()
        return jsonify([{"id": o.id, "label": f"{o.name}（{o.code}）"} for o in rows])


def add_views(admin) -> None:
    admin.add_view(OrgSearchView(name="单位查找", endpoint="org_search", url="/admin/org-search"))
