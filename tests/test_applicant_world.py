"""Helpers for the applicant-side tests (an API-registered worker, submitted rows, a paid-out batch), and the
pure bank-card rules they rely on."""
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from support import assert_portal_logged_in, csrf_token
from test_review_journey import PASSWORD, api_applicant
from test_review_queue import admin_of

from backoffice.domain.bank_card import luhn_ok, masked, problem
from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Applicant, Application, PublicNotice
from backoffice.models.base import utcnow

__all__ = ["PASSWORD", "admin_of", "approved_for", "luhn_complete", "portal_client", "post_page", "submitted_for",
           "worker"]


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


@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_luhn_completion_passes_and_any_single_digit_change_fails(prefix):
    card = luhn_complete(prefix)
    assert luhn_ok(card) and problem(card) is None
    for i in range(len(card)):
        for d in "0123456789":
            if d != card[i]:
                assert not luhn_ok(card[:i] + d + card[i + 1:])


def test_card_problems_are_chinese_and_the_mask_keeps_four_digits():
    assert problem("") == "请填写银行卡号。"
    assert "12 到 19 位" in problem("6222-abc")
    card = luhn_complete("622202020011223344")
    assert problem(card[:-1] + str((int(card[-1]) + 1) % 10)).startswith("银行卡号校验不通过")
    assert problem(" ".join([card[:4], card[4:8], card[8:]])) is None  # spaces as printed on the card
    assert masked(card) == f"**** **** **** {card[-4:]}" and masked(None) == ""
