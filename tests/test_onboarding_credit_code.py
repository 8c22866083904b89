"""GB 32100-2015 credit codes and the pure invitation rules, without Flask."""
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.domain import credit_code as cc
from backoffice.domain import invitations as rules
from backoffice.domain.enums import OrgKind

# Published on business licences / company sites: Huawei, Xiaomi, and the examples the issue quotes.
PUBLISHED = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T", "91110108551385082Q",
             "91440300MA5H0HLK5U"]

body = st.tuples(st.sampled_from("1589Y"), st.sampled_from("123"), st.text("0123456789", min_size=6, max_size=6),
                 st.text(cc.ALPHABET, min_size=9, max_size=9)).map("".join)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_pass(code):
    assert cc.problem(code) is None and cc.is_valid(code)


@pytest.mark.parametrize("code, words", [
    ("91350100M000100Y44", "校验位"), ("91110000600037341", "18 位"), ("91350100M0001O0Y43", "不允许的字符"),
    ("9135A100M000100Y43", "行政区划"), ("", "18 位"),
])
def test_bad_codes_are_explained_in_chinese(code, words):
    assert words in cc.problem(code)


def test_normalize_accepts_what_people_paste():
    assert cc.is_valid(" 9135 0100-M000 100y43 ")


@given(body)
def test_the_computed_check_char_always_validates(first17):
    assert cc.problem(first17 + cc.check_char(first17)) is None


@given(body, st.integers(0, 16), st.sampled_from(cc.ALPHABET))
def test_any_single_substitution_is_caught(first17, pos, char):
    code = first17 + cc.check_char(first17)
    changed = code[:pos] + char + code[pos + 1:]
    if changed != code and changed[2:8].isdigit():
        assert cc.problem(changed) is not None


@given(body, st.sampled_from(cc.ALPHABET))
def test_exactly_one_check_char_fits(first17, char):
    assert (cc.problem(first17 + char) is None) == (char == cc.check_char(first17))


NOW = datetime(2026, 1, 1, 12, 0)


@pytest.mark.parametrize("kw, expected", [
    ({}, None),
    ({"revoked_at": NOW}, "revoked"),
    ({"expires_at": NOW}, "expired"),
    ({"max_uses": 2, "used_count": 2}, "used_up"),
    ({"max_uses": None, "used_count": 10_000}, None),
])
def test_link_problem(kw, expected):
    args = {"revoked_at": None, "expires_at": NOW + timedelta(days=1), "max_uses": 3, "used_count": 0} | kw
    assert rules.link_problem(now=NOW, **args) == expected


def test_tokens_are_long_random_and_hashed():
    tokens = {rules.new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 22 for t in tokens)  # 22 url-safe chars = 128 bits
    token = tokens.pop()
    assert rules.hash_token(token) != token and len(rules.hash_token(token)) == 64


def test_invite_kinds_decide_what_may_register():
    assert rules.allowed_org_kinds("enterprise", OrgKind.DISTRICT) == (OrgKind.ENTERPRISE,)
    assert rules.allowed_org_kinds("union", OrgKind.DISTRICT) == (OrgKind.GRASSROOTS,)
    assert OrgKind.DISTRICT in rules.allowed_org_kinds("union", OrgKind.CITY)


@pytest.mark.parametrize("kind, days, max_uses, ok", [
    ("union", 30, None, True), ("enterprise", None, 1, True), ("club", 30, None, False),
    ("union", 0, None, False), ("union", 400, None, False), ("union", 30, 0, False),
])
def test_invite_problem(kind, days, max_uses, ok):
    assert (rules.invite_problem(kind, days, max_uses) is None) == ok


def test_child_code_fits_the_column():
    assert rules.child_code("YX", "AB3CD") == "YX-AB3CD"
    assert len(rules.child_code("X" * 60, "AB3CD")) == 40
