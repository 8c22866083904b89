"""Builders for applicant-side tests: workers registered over the API, their applications, portal browsers."""
from datetime import timedelta

from support import assert_portal_logged_in, csrf_token

from backoffice.domain.bank_card import luhn_ok
from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Applicant, Application, PublicNotice
from backoffice.models.base import utcnow

from .review import PASSWORD, admin_of, api_applicant


def luhn_complete(prefix: str) -> str:
    """prefix + the one check digit that makes it pass Luhn (how real card numbers are made)."""
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def worker(client, orgs, n: int, unit: str | None = "YX-METRO"):
    """A worker registered over the API: (applicant row, bearer headers); `unit` becomes the worker's union."""
    headers = api_applicant(client, f"测试职工{n}", n)
    applicant = db.session.execute(db.select(Applicant).order_by(Applicant.id.desc())).scalars().first()
    applicant.org_id = orgs[unit].id if unit else None
    db.session.commit()
    return applicant, headers


def submitted_for(applicant, batch, rank: int = 1) -> Application:
    """An application in review at the worker's own unit union, holding quota rank `rank`."""
    a = Application(batch=batch, applicant=applicant, org_id=applicant.org_id, state=S.IN_REVIEW, quota_rank=rank,
                    reviewing_org_id=applicant.org_id, submitted_at=utcnow(), amount=batch.amount)
    db.session.add(a)
    batch.allocated_count = (batch.allocated_count or 0) + 1
    db.session.commit()
    return a


def approved_for(applicant, batch, card: str) -> Application:
    """Approved by the city, published, notice over: what the next payment batch picks up."""
    a = submitted_for(applicant, batch)
    a.state, a.reviewing_org_id = S.APPROVED, None
    applicant.bank_card = card
    db.session.flush()
    now = utcnow()
    db.session.add(PublicNotice(batch_id=batch.id, org_id=admin_of("GZ").org_id, title="公示", application_ids=[a.id],
                                starts_at=now - timedelta(days=8), ends_at=now - timedelta(days=1)))
    db.session.commit()
    return a


def portal_client(app, applicant):
    """A second browser logged in to the portal as `applicant` (registered with PASSWORD)."""
    c = app.test_client()
    page = c.get("/portal/login")
    r = c.post("/portal/login", data={"id_number": applicant.id_number, "password": PASSWORD,
                                      "csrf_token": csrf_token(page.text)})
    assert_portal_logged_in(c, r, applicant.name)
    return c


def post_page(c, url, data, page_url=None, **kw):
    page = c.get(page_url or url)
    return c.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kw)
