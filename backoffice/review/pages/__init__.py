"""Console pages after review, one module per view family: appeals, transfers, notices, payments, dashboard."""
from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ...domain.enums import OrgKind
from ...domain.reach import can_create_payments, can_publish_notices
from ...extensions import db
from ...models import Batch, FundingLine
from ...services.scope import scope_clause


def scoped_get(model, pk):
    row = db.session.execute(select(model).where(
        model.id == pk, scope_clause(model, current_user.org.path))).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def visible_batches():
    from ...models import Programme
    org = current_user.org
    return db.session.execute(select(Batch).join(Programme).where(
        scope_clause(Batch, org.path) | Programme.org_id.in_(org.ancestor_ids())).order_by(Batch.id.desc())
    ).scalars().all()


def _kind_role(user) -> tuple[str, str]:
    kind = user.org.kind.value if isinstance(user.org.kind, OrgKind) else str(user.org.kind)
    return kind, getattr(user.role, "value", str(user.role))


def may_publish(user) -> bool:
    return user.is_authenticated and can_publish_notices(*_kind_role(user))


def may_pay(user) -> bool:
    if not user.is_authenticated:
        return False
    owns_line = db.session.execute(select(FundingLine.id).where(FundingLine.org_id == user.org_id)).first()
    return can_create_payments(*_kind_role(user), owns_funding_line=owns_line is not None)


def add_after_views(admin) -> None:
    from .appeals import AppealsView
    from .dashboard import DashboardView
    from .notices import NoticesView
    from .payments import PaymentsView
    from .transfers import TransfersView
    admin.add_view(AppealsView(name="申诉处理", category="申报审核", endpoint="review_appeals",
                               url="/admin/appeals"))
    admin.add_view(TransfersView(name="迁入迁出", category="申报审核", endpoint="review_transfers",
                                 url="/admin/transfers"))
    admin.add_view(NoticesView(name="公示管理", category="公示与发放", endpoint="review_notices",
                               url="/admin/notices"))
    admin.add_view(PaymentsView(name="发放管理", category="公示与发放", endpoint="review_payments",
                                url="/admin/payments"))
    admin.add_view(DashboardView(name="统计看板", endpoint="review_dashboard", url="/admin/dashboard"))
