"""GB 11643 and Luhn checksums: known values plus property tests."""
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from verifier.checksums import gb11643_check_char, gb11643_valid, luhn_check_digit, luhn_valid

# Published specimen numbers (GB 11643-1999 examples / widely used test values).
KNOWN_VALID_IDS = ["11010519491231002X", "440524198001010013", "110101199003074477"]
KNOWN_CARDS = ["4111111111111111", "5500005555555559", "6222020200112233447"]


def test_known_ids():
    for number in KNOWN_VALID_IDS:
        assert gb11643_valid(number), number
        assert gb11643_check_char(number[:17]) == number[17]


def test_rejects_bad_shapes_and_dates():
    assert not gb11643_valid("11010519491231002")          # 17 chars
    assert not gb11643_valid("1101051949123100XX")
    assert not gb11643_valid(None)                          # type: ignore[arg-type]
    body = "11010519491332001"                              # month 13
    assert not gb11643_valid(body + gb11643_check_char(body))
    future = "110105" + "20991231" + "001"
    assert not gb11643_valid(future + gb11643_check_char(future), today=dt.date(2025, 1, 1))


def test_lowercase_x_accepted():
    assert gb11643_valid("11010519491231002x")


def test_known_cards():
    for number in KNOWN_CARDS[:2]:
        assert luhn_valid(number)
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("41111111a1111111")
    assert not luhn_valid("")


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
region = st.text("0123456789", min_size=6, max_size=6)
seq = st.text("0123456789", min_size=3, max_size=3)


@given(region, dates, seq)
def test_generated_ids_valid(reg, birth, s):
    body = reg + birth.strftime("%Y%m%d") + s
    assert gb11643_valid(body + gb11643_check_char(body))


@given(region, dates, seq, st.integers(0, 16), st.integers(1, 9))
def test_single_digit_change_detected(reg, birth, s, pos, delta):
    body = reg + birth.strftime("%Y%m%d") + s
    number = body + gb11643_check_char(body)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1:]
    # The weights are all non-zero mod 11, so any single substitution changes the check char.
    assert not gb11643_valid(changed)


@given(st.text("0123456789", min_size=1, max_size=25))
def test_luhn_check_digit_roundtrip(payload):
    assert luhn_valid(payload + luhn_check_digit(payload))


@given(st.text("0123456789", min_size=15, max_size=18), st.integers(0, 30), st.integers(1, 9))
def test_luhn_catches_single_digit_errors(payload, pos, delta):
    number = payload + luhn_check_digit(payload)
    pos %= len(number)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1:]
    assert not luhn_valid(changed)
