"""Long console lists: counted exactly up to a threshold, estimated by PostgreSQL's planner beyond it (shown as 约 N),
and the last page corrects the estimate; lists page in SQL."""
import pytest
from sqlalchemy import select, text

from backoffice.admin import paging
from backoffice.extensions import db
from backoffice.models import RosterEntry
from factories import make

pytestmark = pytest.mark.both_engines


@pytest.fixture
def thirty(app, orgs):
    for _ in range(30):
        make(RosterEntry, orgs["YX-METRO"])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE roster_entry"))
        db.session.commit()


def test_a_small_list_is_counted_exactly(thirty):
    count = paging.total(select(RosterEntry))
    assert count == paging.Total(30, exact=True) and str(count) == "30"


def test_a_large_list_is_estimated_on_postgresql(thirty, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_COUNT", 10)
    count = paging.total(select(RosterEntry))
    if db.engine.dialect.name == "postgresql":
        assert not count.exact and 20 <= count.n <= 45 and str(count).startswith("约 ")
    else:  # SQLite has no planner estimate to give: it counts
        assert count == paging.Total(30, exact=True)


def test_the_last_page_knows_the_exact_total(thirty, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_COUNT", 10)
    page = paging.page_of(select(RosterEntry).order_by(RosterEntry.id), 2, size=25)
    assert len(page.rows) == 5 and page.total == paging.Total(30, exact=True) and page.pages == 2


def test_estimates_are_rounded_for_people():
    assert paging.round_estimate(11_873) == "12,000" and paging.round_estimate(1_873) == "1,900"


def test_an_estimate_understands_expanding_lists(thirty, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_COUNT", 10)
    count = paging.total(select(RosterEntry).where(RosterEntry.name.in_(["甲", "乙"]),
                                                   RosterEntry.level.not_in(["本科"])))
    assert count.n >= 0
