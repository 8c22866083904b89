"""The pure bank-card rules the applicant side relies on: Luhn completion, Chinese problems, the mask."""

from factories.applicants import luhn_complete
from hypothesis import given
from hypothesis import strategies as st

from backoffice.domain.bank_card import luhn_ok, masked, problem


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
