"""Console pages after review, one module per view family: appeals, transfers, notices, payments, dashboard."""
from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ...domain.enums import OrgKind
from ...domain.permissions import Permission
from ...extensions import db
from ...models import Batch, FundingLine, Programme
from ...services.scope import scope_clause
from ...services.scope import scoped_get as scoped_row


def scoped_get(model, pk):
    row = scoped_row(model, pk, current_user.org.path)
    if row is None:
        abort(404)
    return row


def visible_batches_stmt():
    """Batches of my subtree's programmes and of my ancestors' (the city's batch is every level's work)."""
    org = current_user.org
    return select(Batch).join(Programme).where(
        scope_clause(Batch, org.path) | Programme.org_id.in_(org.ancestor_ids()))


def visible_batches():
    return db.session.execute(visible_batches_stmt().order_by(Batch.id.desc())).scalars().all()


def visible_batch(batch_id):
    """A batch id from a form, if it is one this admin may see (else None)."""
    return db.session.execute(visible_batches_stmt().where(Batch.id == (batch_id or 0))).scalar_one_or_none()


def visible_programmes():
    return db.session.execute(select(Programme).where(Programme.id.in_(
        visible_batches_stmt().with_only_columns(Batch.programme_id))).order_by(Programme.id)).scalars().all()


def may_publish(user) -> bool:
    """公示管理 is shown to holders of the permission (domain.permissions); the service checks the programme."""
    return user.is_authenticated and Permission.PUBLISH_NOTICE in user.permissions


def may_pay(user) -> bool:
    """发放管理: holders of the permission at the city, or at a level paying its own matching subsidy."""
    if not user.is_authenticated or Permission.CREATE_PAYMENT_BATCH not in user.permissions:
        return False
    if user.org.kind == OrgKind.CITY:
        return True
    return db.session.execute(select(FundingLine.id).where(FundingLine.org_id == user.org_id)).first() is not None


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
