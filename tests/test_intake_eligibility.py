"""Submit-time eligibility as a pure function: every rule, its edges, and the reasons given."""
from datetime import date, datetime, timedelta

import pytest

from backoffice.domain import eligibility as el
from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.enums import OnceRule
from backoffice.domain.idcard import id_number_problem, normalise_id_number
from backoffice.domain.quota import Outcome, first_free_rank, simulate

OPENS = datetime(2024, 3, 1, 9, 0, 0)
CLOSES = datetime(2024, 3, 31, 17, 0, 0)
NOW = datetime(2024, 3, 10, 12, 0, 0)
ID = "11010519491231002X"
ENTRY = el.RosterFacts("张三", ID, date(2020, 9, 1), graduated=True)
RULES = el.BatchRules(opens_at=OPENS, closes_at=CLOSES, roster_required=True, graduation_required=True,
                      validity_years=8, required_documents=("id_card_front", "diploma"))
DOCS = {"id_card_front", "diploma"}


def run(rules=RULES, now=NOW, name="张三", roster=(ENTRY,), prior=(), docs=DOCS, year=2020, level="大专"):
    return el.check(rules, now, name=name, id_number=ID, roster=list(roster), prior=list(prior),
                    documents=set(docs), study_year=year, education_level=level)


def replace(**kw):
    from dataclasses import replace as r
    return r(RULES, **kw)


CASES = [
    ("all good", {}, []),
    ("one second before opening", {"now": OPENS - timedelta(seconds=1)}, ["window_not_open"]),
    ("exactly at opening", {"now": OPENS}, []),
    ("one second before closing", {"now": CLOSES - timedelta(seconds=1)}, []),
    ("at the closing second", {"now": CLOSES}, ["window_closed"]),
    ("one second after closing", {"now": CLOSES + timedelta(seconds=1)}, ["window_closed"]),
    ("batch disabled", {"rules": replace(enabled=False)}, ["batch_disabled"]),
    ("not on roster", {"roster": ()}, ["not_on_roster"]),
    ("other person's entry", {"roster": (el.RosterFacts("张三", "110105194912310045", date(2020, 9, 1), True),)},
     ["not_on_roster"]),
    ("name differs", {"name": "李四"}, ["roster_name_mismatch"]),
    ("roster not required", {"roster": (), "rules": replace(roster_required=False)}, []),
    ("not graduated", {"roster": (el.RosterFacts("张三", ID, date(2020, 9, 1), False),)}, ["not_graduated"]),
    ("graduation not required", {"roster": (el.RosterFacts("张三", ID, date(2020, 9, 1), False),),
                                 "rules": replace(graduation_required=False)}, []),
    ("enrolled 8 years ago minus a day", {"roster": (el.RosterFacts("张三", ID, date(2016, 3, 11), True),)}, []),
    ("enrolled exactly 8 years ago", {"roster": (el.RosterFacts("张三", ID, date(2016, 3, 10), True),)},
     ["roster_expired"]),
    ("validity 10 years", {"roster": (el.RosterFacts("张三", ID, date(2016, 3, 10), True),),
                           "rules": replace(validity_years=10)}, []),
    ("missing a document", {"docs": {"id_card_front"}}, ["missing_document"]),
    ("missing both documents", {"docs": set()}, ["missing_document", "missing_document"]),
    ("already subsidised (per person)", {"prior": (el.PriorClaim(S.PAID, 2018, "大专"),)}, ["already_subsidised"]),
    ("refused before is fine", {"prior": ()}, []),
    ("already applying", {"prior": (el.PriorClaim(S.IN_REVIEW, 2020, "大专"),)}, ["already_applying"]),
    ("waitlisted elsewhere", {"prior": (el.PriorClaim(S.WAITLISTED, 2020, "大专"),)}, ["already_applying"]),
    ("per year/level: other year and level", {"rules": replace(once_rule=OnceRule.PER_YEAR_LEVEL),
                                              "prior": (el.PriorClaim(S.APPROVED, 2018, "中专"),)}, []),
    ("per year/level: same year", {"rules": replace(once_rule=OnceRule.PER_YEAR_LEVEL),
                                   "prior": (el.PriorClaim(S.APPROVED, 2020, "中专"),)}, ["already_subsidised_year"]),
    ("per year/level: same level", {"rules": replace(once_rule=OnceRule.PER_YEAR_LEVEL),
                                    "prior": (el.PriorClaim(S.PAID, 2018, "大专"),)}, ["already_subsidised_level"]),
    ("closed and missing everything", {"now": CLOSES, "roster": (), "docs": set()},
     ["window_closed", "not_on_roster", "missing_document", "missing_document"]),
]


@pytest.mark.parametrize("label,kwargs,codes", CASES, ids=[c[0] for c in CASES])
def test_eligibility_table(label, kwargs, codes):
    result = run(**kwargs)
    assert result.codes == codes
    assert result.ok == (not codes)
    assert all(r.message for r in result.reasons)  # every refusal says why, in Chinese


def test_29_february_enrolment_lapses_on_28_february():
    entry = el.RosterFacts("张三", ID, date(2016, 2, 29), True)
    rules = replace(validity_years=1, opens_at=datetime(2017, 1, 1), closes_at=datetime(2017, 12, 31))
    assert run(rules=rules, roster=(entry,), now=datetime(2017, 2, 27, 12)).ok
    assert run(rules=rules, roster=(entry,), now=datetime(2017, 2, 28, 12)).codes == ["roster_expired"]


def test_one_valid_entry_among_several_is_enough():
    old = el.RosterFacts("张三", ID, date(2010, 9, 1), True)
    assert run(roster=(old, ENTRY)).ok


@pytest.mark.parametrize("raw,expected", [
    (" 11010519491231002x ", "11010519491231002X"), ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
    (None, ""), (110105194912310045, "110105194912310045")])
def test_id_normalising(raw, expected):
    assert normalise_id_number(raw) == expected


@pytest.mark.parametrize("value,problem", [
    ("11010519491231002X", None), ("110105194912310021", "校验位"), ("1101051949123100", "18位"),
    ("11010519491331002X", "出生日期"), ("1101051949123100AX", "数字")])
def test_id_problems(value, problem):
    found = id_number_problem(value)
    assert (found is None) if problem is None else (problem in found)


def test_first_free_rank_and_reference_model():
    assert first_free_rank([1, 2, 4], 5) == 3
    assert first_free_rank([1, 2, 3], 3) is None
    slots = simulate(quota=3, waitlist_cap=2, submits=6)
    assert [s.outcome for s in slots] == [Outcome.ALLOCATED] * 3 + [Outcome.WAITLISTED] * 2 + [Outcome.FULL]
    assert [s.rank for s in slots[:3]] == [1, 2, 3] and [s.waitlist_position for s in slots[3:5]] == [1, 2]


from hypothesis import given
from hypothesis import strategies as st

from backoffice.domain.quota import Counters, assign


@given(quota=st.integers(0, 30), cap=st.integers(0, 30), groups=st.lists(st.integers(1, 12), max_size=12))
def test_grouped_assignment_equals_one_by_one(quota, cap, groups):
    """However submits are grouped, the i-th one gets what the i-th of a single queue would get."""
    counters, got = Counters(quota, cap, 0, 0), []
    for k in groups:
        slots, counters = assign(counters, k)
        got += slots
    assert got == simulate(quota, cap, sum(groups))
    assert counters.allocated == min(quota, sum(groups))


@given(quota=st.integers(1, 20), freed=st.sets(st.integers(1, 20), max_size=5), k=st.integers(1, 10))
def test_freed_ranks_are_reused_smallest_first(quota, freed, k):
    freed = {r for r in freed if r <= quota}
    taken = set(range(1, quota + 1)) - freed
    slots, after = assign(Counters(quota, 0, len(taken), 0, released_slots=len(freed)), k, taken)
    ranks = [s.rank for s in slots if s.rank]
    assert ranks == sorted(freed)[:k] and after.allocated == len(taken) + len(ranks)
    assert len(set(ranks) | taken) == len(ranks) + len(taken)  # never a rank twice
