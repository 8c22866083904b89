"""'May this admin act now' and the other one-place rules the review screens, bulk approve and the portal ask."""
from datetime import datetime, timedelta
from types import SimpleNamespace

from backoffice.domain import eligibility, integrity
from backoffice.domain import review as rules
from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.enums import ReviewDecision as A

CHAIN = [30, 20, 10]  # unit, district, city
NOW = datetime(2026, 12, 4, 12, 0)


def can(state=S.IN_REVIEW, reviewing=30, actor=30, role="reviewer", closes=NOW + timedelta(days=1)):
    return rules.can_act(state, chain=CHAIN, reviewing_org_id=reviewing, actor_org_id=actor, actor_role=role,
                         now=NOW, review_closes_at=closes)


def test_an_admin_acts_only_on_its_own_levels_turn_while_the_review_period_runs():
    assert can() and can(role="admin")
    assert not can(actor=20)                              # the district waits for the unit
    assert not can(actor=99)                              # not on the chain at all
    assert not can(closes=NOW - timedelta(seconds=1))     # the deadline the old view ignored
    assert can(closes=NOW) and can(closes=None)           # up to the minute; no deadline set
    assert not can(role="applicant")


def test_nobody_acts_on_an_application_that_is_not_in_review():
    for state in S:
        if state != S.IN_REVIEW:
            assert not can(state=state), state


def test_can_act_agrees_with_what_transition_allows():
    """One rule: whenever can_act says yes the state machine approves, and whenever it says no it refuses."""
    for actor in (30, 20, 10, 99):
        for closes in (NOW + timedelta(hours=1), NOW - timedelta(hours=1)):
            allowed = can(actor=actor, closes=closes)
            try:
                rules.transition(S.IN_REVIEW, A.APPROVE, chain=CHAIN, reviewing_org_id=30, actor_org_id=actor,
                                 now=NOW, review_closes_at=closes)
                approved = True
            except rules.ReviewError:
                approved = False
            assert allowed == approved, (actor, closes)


def test_turn_refusal_says_why_in_chinese():
    assert rules.turn_refusal(CHAIN, 30, 20).code == "not_your_turn"
    late = rules.turn_refusal(CHAIN, 30, 30, now=NOW, review_closes_at=NOW - timedelta(days=1))
    assert late.code == "review_closed" and "审核期已结束" in str(late)
    assert rules.turn_refusal(CHAIN, 30, 30, now=NOW, review_closes_at=NOW) is None


def test_bulk_approve_leaves_flagged_and_unverified_to_a_person():
    assert integrity.bulk_refusal([], ["done", "done"]) is None
    assert integrity.bulk_refusal(["id_card_front:name_match"], ["done"]) == "有核验提示，需逐份审核"
    assert "尚未完成自动核验" in integrity.bulk_refusal([], ["done", "pending"])


def test_the_portal_shows_the_application_that_still_holds_the_batch():
    rows = [SimpleNamespace(id=i, batch_id=b, state=s) for i, b, s in
            [(5, 1, S.DRAFT), (4, 1, S.WITHDRAWN), (3, 2, S.REFUSED), (2, 3, S.PAID), (1, 3, S.WITHDRAWN)]]
    current = eligibility.current_by_batch(rows)
    assert {b: a.id for b, a in current.items()} == {1: 5, 3: 2}
    assert not eligibility.holds_batch(S.REFUSED) and eligibility.holds_batch(S.PAYMENT_FAILED)
