"""The review state machine, exhaustively: every state × action × acting level, plus chain helpers."""
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.domain import review as rules
from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.enums import ReviewDecision as A

CHAIN = [40, 20, 1]  # unit → district → city, as review_chain("/1/20/40/") gives
NOW = datetime(2026, 5, 1, 12, 0)
OPEN = NOW + timedelta(days=1)
LEVELS = {"unit": 40, "district": 20, "city": 1, "outsider": 99}

# The oracle, written independently of TRANSITIONS: which (state, action) pairs are legal at all.
LEGAL = {
    S.DRAFT: {A.SUBMIT: S.IN_REVIEW, A.WITHDRAW: S.WITHDRAWN},
    S.WAITLISTED: {A.PROMOTE: S.IN_REVIEW, A.WITHDRAW: S.WITHDRAWN},
    S.IN_REVIEW: {A.APPROVE: None, A.RETURN: S.RETURNED, A.REFUSE: S.REFUSED, A.WITHDRAW: S.WITHDRAWN},
    S.RETURNED: {A.RESUBMIT: S.IN_REVIEW, A.WITHDRAW: S.WITHDRAWN, A.REOPEN: S.IN_REVIEW},
    S.REFUSED: {A.REOPEN: S.IN_REVIEW},
    S.APPROVED: {A.REOPEN: S.IN_REVIEW, A.PAY: S.PAID, A.PAY_FAIL: S.PAYMENT_FAILED},
    S.PAYMENT_FAILED: {A.PAY: S.PAID, A.PAY_FAIL: S.PAYMENT_FAILED},
    S.WITHDRAWN: {}, S.PAID: {},
}
REVIEWER = {A.APPROVE, A.RETURN, A.REFUSE}
# When the quota has no rank left but a waitlist place, these (and only these) land on the waitlist.
QUEUED = {(S.DRAFT, A.SUBMIT), (S.RETURNED, A.RESUBMIT)}


def test_chain_from_path():
    assert rules.review_chain("/1/20/40/") == CHAIN
    assert rules.next_reviewer(CHAIN, 40) == 20 and rules.next_reviewer(CHAIN, 20) == 1
    assert rules.next_reviewer(CHAIN, 1) is None
    with pytest.raises(rules.ReviewError):
        rules.next_reviewer(CHAIN, 99)


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(A))
@pytest.mark.parametrize("level", list(LEVELS))
def test_every_state_action_level(state, action, level):
    for turn in ([40, 20, 1, None] if state == S.IN_REVIEW else [None]):
        _check(state, action, LEVELS[level], turn)


def _check(state, action, actor, turn):
    reviewing = turn if state == S.IN_REVIEW else None
    kwargs = {"chain": CHAIN, "reviewing_org_id": reviewing, "actor_org_id": actor, "now": NOW, "review_closes_at": OPEN,
                  "reopen_at": 20}
    legal = LEGAL[state]
    if action not in legal:
        with pytest.raises(rules.ReviewError) as err:
            rules.transition(state, action, **kwargs)
        assert err.value.code == "invalid_transition"
        return
    if action in REVIEWER and (actor not in CHAIN or actor != reviewing):
        with pytest.raises(rules.ReviewError) as err:
            rules.transition(state, action, **kwargs)
        assert err.value.code in ("not_your_turn", "not_on_chain")
        return
    out = rules.transition(state, action, **kwargs)
    if action == A.APPROVE:
        i = CHAIN.index(actor)
        expected = (S.APPROVED, None) if i == len(CHAIN) - 1 else (S.IN_REVIEW, CHAIN[i + 1])
        assert (out.state, out.reviewing_org_id) == expected
    elif action == A.REOPEN:
        assert (out.state, out.reviewing_org_id) == (S.IN_REVIEW, 20)
    elif legal[action] == S.IN_REVIEW:
        assert (out.state, out.reviewing_org_id) == (S.IN_REVIEW, 40)  # always restarts at the unit
    else:
        assert (out.state, out.reviewing_org_id) == (legal[action], None)


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(A))
def test_only_submits_queue_on_the_waitlist(state, action):
    kwargs = {"chain": CHAIN, "reviewing_org_id": None, "actor_org_id": 40, "reopen_at": 20, "queued": True}
    if (state, action) not in QUEUED:
        with pytest.raises(rules.ReviewError) as err:
            rules.transition(state, action, **kwargs)
        assert err.value.code == "invalid_transition"
        return
    out = rules.transition(state, action, **kwargs)
    assert (out.state, out.reviewing_org_id) == (S.WAITLISTED, None)  # nobody reviews a waiting application


def test_production_consults_this_table():
    """The services and the PostgreSQL statement take their states from domain.review, not from their own."""
    from backoffice.domain.quota import Outcome, Slot
    from backoffice.intake.pg_allocate import STATES
    from backoffice.services import quota
    from backoffice.services.applications import WITHDRAWABLE
    assert WITHDRAWABLE == {state for state, legal in LEGAL.items() if A.WITHDRAW in legal}
    assert STATES == {"draft": S.DRAFT.value, "submit": A.SUBMIT.value,
                      "placed": LEGAL[S.DRAFT][A.SUBMIT].value, "queued": S.WAITLISTED.value}
    claim = quota.Claim(7, 1, 40, 3, "职工", 1500, NOW)
    placed = quota.submitted(claim, Slot(Outcome.ALLOCATED, rank=2))
    queued = quota.submitted(claim, Slot(Outcome.WAITLISTED, waitlist_position=4))
    assert (placed["state"], placed["reviewing_org_id"], placed["quota_rank"], placed["amount"]) == \
        (S.IN_REVIEW, 40, 2, 1500)
    assert (queued["state"], queued["reviewing_org_id"], queued["waitlist_position"], queued["amount"]) == \
        (S.WAITLISTED, None, 4, None)


@pytest.mark.parametrize("action", sorted(REVIEWER))
def test_no_level_acts_after_the_review_window(action):
    with pytest.raises(rules.ReviewError) as err:
        rules.transition(S.IN_REVIEW, action, chain=CHAIN, reviewing_org_id=40, actor_org_id=40,
                         now=OPEN + timedelta(seconds=1), review_closes_at=OPEN)
    assert err.value.code == "review_closed"


@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=6, unique=True))
def test_approving_in_turn_walks_the_whole_chain(ids):
    path = "/" + "/".join(map(str, ids)) + "/"
    chain = rules.review_chain(path)
    state, turn, seen = S.IN_REVIEW, chain[0], []
    while state == S.IN_REVIEW:
        seen.append(turn)
        out = rules.transition(state, A.APPROVE, chain=chain, reviewing_org_id=turn, actor_org_id=turn)
        state, turn = out.state, out.reviewing_org_id
    assert state == S.APPROVED and seen == list(reversed(ids))


def test_appeal_goes_one_level_up_and_top_judges_itself():
    assert rules.appeal_level(CHAIN, 40) == 20
    assert rules.appeal_level(CHAIN, 20) == 1
    assert rules.appeal_level(CHAIN, 1) == 1


def test_follow_chain_after_transfer():
    new = [50, 30, 1]
    assert rules.follow_chain(new, 1) == 1      # the shared city level keeps it
    assert rules.follow_chain(new, 20) == 50    # the old district is off the chain: restart at the new unit
    assert rules.follow_chain(new, None) is None


def test_return_items_are_validated():
    with pytest.raises(rules.ReviewError):
        rules.clean_return_items([{"kind": "nope", "code": "unclear"}])
    items = rules.clean_return_items([{"kind": "id_card_front", "code": "unclear", "note": " 模糊 "},
                                      {"kind": "bank_card", "code": "bogus"}])
    assert items == [{"kind": "id_card_front", "code": "unclear", "note": "模糊"}]


def test_resubmit_deadline_keeps_slot():
    due = rules.resubmit_due(NOW, NOW + timedelta(days=3))
    assert due == NOW + timedelta(days=3)
    assert rules.keeps_slot(due, due) and not rules.keeps_slot(due + timedelta(seconds=1), due)
