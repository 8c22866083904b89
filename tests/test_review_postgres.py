"""The review queries on real PostgreSQL: JSON flag filters, guarded state updates, the dashboard."""
import pytest

from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.review import ReviewError
from backoffice.extensions import db as _db
from backoffice.models import Application
from backoffice.review import queue as review_queue
from backoffice.services import dashboard, review

pytestmark = pytest.mark.postgres


def test_queue_filters_and_review_on_postgres(pg_app):
    from backoffice.demo.seed import ensure_demo_orgs
    orgs = ensure_demo_orgs()
    _db.session.commit()
    from factories.review import admin_of, make_batch, submitted
    batch = make_batch(orgs)
    clean = submitted(orgs, batch, rank=1)
    flagged = submitted(orgs, batch, rank=2, flags=["id_card_front:name_match"])
    _db.session.commit()
    org = orgs["YX-METRO"]

    def ids(**kw):
        stmt = review_queue.build(org, review_queue.QueueFilter(**kw)).with_only_columns(Application.id)
        return set(_db.session.execute(stmt).scalars())
    assert ids(flag="none") == {clean.id}
    assert ids(flag="any") == {flagged.id}
    assert ids(flag="id_card_front:name_match") == {flagged.id}
    assert ids(flag="name_match") == {flagged.id} and ids(flag="id_number_match") == set()
    review.approve(clean, admin_of("YX-METRO"))
    assert clean.reviewing_org_id == orgs["YX"].id
    with pytest.raises(ReviewError):
        review.approve(clean, admin_of("YX-METRO"))
    review.refuse(flagged, admin_of("YX-METRO"), "fraud")
    figures = dashboard.dashboard(orgs["GZ"])
    assert figures["summary"]["by_state"][S.REFUSED] == 1 and figures["flags"]["flagged"] == 1
