"""IIN and BIN validation, decoding and generation (marketplace.identifiers)."""

from __future__ import annotations

import datetime as dt
import pickle
import random

import pytest

from marketplace.identifiers import InvalidIdentifier, check_digit, iin_birth_date, iin_sex, is_valid_bin, is_valid_iin
from marketplace.identifiers import make_bin, make_iin, validate_bin, validate_iin

# Worked by hand (weights 1..11, then 3..11,1,2):
#
# 900515 3 0012 -> 9*1 + 0*2 + 0*3 + 5*4 + 1*5 + 5*6 + 3*7 + 0*8 + 0*9 + 1*10 + 2*11
#                = 9 + 20 + 5 + 30 + 21 + 10 + 22 = 117; 117 mod 11 = 7   -> 900515300127
#   (born 15 May 1990, male: 7th digit 3 = man born in the 1900s)
IIN_FIRST_PASS = "900515300127"
#
# 850312 4 0180 -> first pass: 8 + 10 + 0 + 12 + 5 + 12 + 28 + 0 + 9 + 80 + 0 = 164;
#                  164 = 14*11 + 10 -> 10, so weights 3,4,5,6,7,8,9,10,11,1,2:
#                  8*3 + 5*4 + 0*5 + 3*6 + 1*7 + 2*8 + 4*9 + 0*10 + 1*11 + 8*1 + 0*2
#                = 24 + 20 + 18 + 7 + 16 + 36 + 11 + 8 = 140; 140 mod 11 = 8  -> 850312401808
#   (born 12 March 1985, female)
IIN_SECOND_PASS = "850312401808"
#
# 850312 4 0181 -> first pass 164 + 1*11 = 175 = 15*11 + 10 -> 10;
#                  second pass 140 + 1*2 = 142 = 12*11 + 10 -> 10 again: no check digit exists.
DOUBLE_TEN_FIRST11 = "85031240181"
#
# BIN 1501 4 0 00012 -> 1*1 + 5*2 + 0*3 + 1*4 + 4*5 + 0*6 + 0*7 + 0*8 + 0*9 + 1*10 + 2*11
#                     = 1 + 10 + 4 + 20 + 10 + 22 = 67; 67 mod 11 = 1      -> 150140000121
#   (registered January 2015, resident legal entity, head office)
BIN_VALID = "150140000121"
#
# BIN 1501 4 0 00038 -> first pass 1 + 10 + 4 + 20 + 3*10 + 8*11 = 153 = 13*11 + 10;
#                       second pass 1*3 + 5*4 + 1*6 + 4*7 + 3*1 + 8*2 = 76 = 6*11 + 10: invalid.
# Its successor 00039: first pass 153 + 11 = 164 -> 10; second pass 76 + 2 = 78 -> 1 -> 150140000391.
BIN_DOUBLE_TEN_FIRST11 = "15014000038"


def with_check(first11: str) -> str:
    digit = check_digit(first11)
    assert digit is not None
    return first11 + str(digit)


def reason_of(fn: object, value: object) -> str:
    with pytest.raises(InvalidIdentifier) as info:
        fn(value)  # type: ignore[operator]
    return info.value.reason


# -- the check digit ---------------------------------------------------------------------------


def test_check_digit_first_pass() -> None:
    assert check_digit(IIN_FIRST_PASS[:11]) == 7
    assert check_digit(BIN_VALID[:11]) == 1


def test_check_digit_second_weights_branch() -> None:
    first11 = IIN_SECOND_PASS[:11]
    assert sum(int(d) * w for d, w in zip(first11, range(1, 12), strict=True)) % 11 == 10
    assert check_digit(first11) == 8


def test_check_digit_doubly_ten_is_none() -> None:
    assert check_digit(DOUBLE_TEN_FIRST11) is None
    assert check_digit(BIN_DOUBLE_TEN_FIRST11) is None


@pytest.mark.parametrize("bad", ["", "1234567890", "123456789012", "1234567890a", "１２３４５６７８９０１"])
def test_check_digit_needs_eleven_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


# -- IIN ---------------------------------------------------------------------------------------


def test_valid_iins() -> None:
    assert validate_iin(IIN_FIRST_PASS) == IIN_FIRST_PASS
    assert validate_iin(IIN_SECOND_PASS) == IIN_SECOND_PASS
    assert is_valid_iin(IIN_FIRST_PASS) and is_valid_iin(IIN_SECOND_PASS)


def test_validate_iin_strips_whitespace() -> None:
    assert validate_iin(f"  {IIN_FIRST_PASS}\n") == IIN_FIRST_PASS
    assert validate_iin("900515 300127") == IIN_FIRST_PASS
    assert validate_iin("\t900 515 300 127 ") == IIN_FIRST_PASS


def test_every_wrong_check_digit_is_refused() -> None:
    for digit in "0123456789":
        candidate = IIN_FIRST_PASS[:11] + digit
        if digit == "7":
            assert is_valid_iin(candidate)
        else:
            assert reason_of(validate_iin, candidate) == "CHECKSUM"
            assert not is_valid_iin(candidate)


def test_a_transposition_is_caught() -> None:
    # Digits 10 and 11 swapped: 117 - (1*10 + 2*11) + (2*10 + 1*11) = 116 -> 6, not 7.
    assert reason_of(validate_iin, "900515300217") == "CHECKSUM"


def test_doubly_ten_iin_is_invalid_whatever_the_last_digit() -> None:
    for digit in "0123456789":
        assert reason_of(validate_iin, DOUBLE_TEN_FIRST11 + digit) == "CHECKSUM"


@pytest.mark.parametrize("value", ["", "   ", "90051530012", "9005153001270", "1" * 64, "1" * 10_000])
def test_iin_length(value: str) -> None:
    assert reason_of(validate_iin, value) == "LENGTH"


@pytest.mark.parametrize(
    "value",
    ["90051530012a", "ABCDEFGHIJKL", "900515-300127", "+77001234567", "９００５１５３００１２７", "900515300127.0"],
)
def test_iin_not_digits(value: str) -> None:
    assert reason_of(validate_iin, value) == "NOT_DIGITS"


@pytest.mark.parametrize("value", [None, 900515300127, b"900515300127"])
def test_non_strings_are_refused_not_crashed(value: object) -> None:
    assert reason_of(validate_iin, value) == "NOT_DIGITS"
    assert is_valid_iin(value) is False
    assert is_valid_bin(value) is False


@pytest.mark.parametrize(
    "first11",
    [
        "90023030012",  # 30 February 1990
        "91022930012",  # 29 February 1991 (not a leap year)
        "90133130012",  # month 13
        "90000030012",  # month 00, day 00
        "90043130012",  # 31 April
        "00022910012",  # 29 February 1800 (1800 is not a leap year)
    ],
)
def test_impossible_birth_date(first11: str) -> None:
    assert reason_of(validate_iin, with_check(first11)) == "BIRTH_DATE"


def test_leap_day_of_a_leap_year_is_fine() -> None:
    iin = with_check("00022950012")  # 29 February 2000, male
    assert iin_birth_date(iin) == dt.date(2000, 2, 29)


@pytest.mark.parametrize("digit7", ["0", "7", "8", "9"])
def test_century_sex_digit(digit7: str) -> None:
    assert reason_of(validate_iin, with_check(f"900515{digit7}0012")) == "CENTURY_SEX"


@pytest.mark.parametrize(
    ("digit7", "year", "sex"),
    [("1", 1875, "M"), ("2", 1875, "F"), ("3", 1975, "M"), ("4", 1975, "F"), ("5", 2075, "M"), ("6", 2075, "F")],
)
def test_birth_date_and_sex_across_centuries(digit7: str, year: int, sex: str) -> None:
    iin = with_check(f"750704{digit7}1234")
    assert iin_birth_date(iin) == dt.date(year, 7, 4)
    assert iin_sex(iin) == sex


def test_decoding_hand_checked_iins() -> None:
    assert iin_birth_date(IIN_FIRST_PASS) == dt.date(1990, 5, 15)
    assert iin_sex(IIN_FIRST_PASS) == "M"
    assert iin_birth_date(IIN_SECOND_PASS) == dt.date(1985, 3, 12)
    assert iin_sex(IIN_SECOND_PASS) == "F"


def test_decoding_refuses_invalid_iin() -> None:
    with pytest.raises(InvalidIdentifier):
        iin_birth_date(IIN_FIRST_PASS[:11] + "0")
    with pytest.raises(InvalidIdentifier):
        iin_sex("12345")


def test_error_carries_kind_reason_and_message() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_iin("123")
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.kind, err.reason) == ("IIN", "LENGTH")
    assert "12 digits" in str(err)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.kind, copy.reason) == ("IIN", "LENGTH")


# -- BIN ---------------------------------------------------------------------------------------


def test_valid_bin() -> None:
    assert validate_bin(BIN_VALID) == BIN_VALID
    assert validate_bin(" 1501 4000 0121 ") == BIN_VALID
    assert is_valid_bin(BIN_VALID)


def test_bin_checksum_and_format() -> None:
    assert reason_of(validate_bin, BIN_VALID[:11] + "2") == "CHECKSUM"
    assert reason_of(validate_bin, BIN_DOUBLE_TEN_FIRST11 + "0") == "CHECKSUM"
    assert reason_of(validate_bin, "15014000012") == "LENGTH"
    assert reason_of(validate_bin, "15014000012X") == "NOT_DIGITS"


def test_bin_registration_month() -> None:
    assert reason_of(validate_bin, with_check("15134000012")) == "REGISTRATION_DATE"
    assert reason_of(validate_bin, with_check("15004000012")) == "REGISTRATION_DATE"


def test_an_iin_is_not_a_bin() -> None:
    # An IIN's 5th digit is the tens of the birth day (0-3), never a legal-entity type.
    assert reason_of(validate_bin, IIN_FIRST_PASS) == "ENTITY_TYPE"
    assert not is_valid_bin(IIN_SECOND_PASS)
    assert reason_of(validate_bin, with_check("15017000012")) == "ENTITY_TYPE"


# -- generators --------------------------------------------------------------------------------


def test_make_iin_known_values() -> None:
    assert make_iin(dt.date(1990, 5, 15), "M", 12) == IIN_FIRST_PASS
    assert make_iin(dt.date(1985, 3, 12), "F", 180) == IIN_SECOND_PASS


def test_make_iin_bumps_a_doubly_ten_serial() -> None:
    # Serial 0181 has no check digit (see DOUBLE_TEN_FIRST11); 0182 does:
    # first pass 164 + 2*11 = 186 -> 10; second pass 140 + 2*2 = 144 = 13*11 + 1 -> 1.
    iin = make_iin(dt.date(1985, 3, 12), "F", 181)
    assert iin == "850312401821"
    assert make_iin(dt.date(1985, 3, 12), "F", 181) == iin  # deterministic


def test_make_iin_wraps_large_serials() -> None:
    assert make_iin(dt.date(1990, 5, 15), "M", 10_012) == IIN_FIRST_PASS
    with pytest.raises(ValueError):
        make_iin(dt.date(1990, 5, 15), "M", -1)


def test_make_iin_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        make_iin(dt.date(1799, 12, 31), "M", 1)
    with pytest.raises(ValueError):
        make_iin(dt.date(2100, 1, 1), "F", 1)
    with pytest.raises(ValueError):
        make_iin(dt.date(1990, 1, 1), "X", 1)


def test_make_iin_round_trips_for_random_people() -> None:
    rng = random.Random(20260101)
    start, span = dt.date(1800, 1, 1).toordinal(), dt.date(2099, 12, 31).toordinal() - dt.date(1800, 1, 1).toordinal()
    seen: set[str] = set()
    for _ in range(3000):
        birth = dt.date.fromordinal(start + rng.randrange(span + 1))
        sex = rng.choice(("M", "F"))
        serial = rng.randrange(10_000)
        iin = make_iin(birth, sex, serial)
        assert validate_iin(iin) == iin
        assert iin_birth_date(iin) == birth
        assert iin_sex(iin) == sex
        assert iin.startswith(f"{birth:%y%m%d}")
        served = int(iin[7:11])
        # the serial is the one asked for unless it had to be bumped past doubly-10 serials
        assert (served - serial) % 10_000 < 5
        seen.add(iin)
    assert len(seen) > 2990


def test_make_bin_known_values() -> None:
    assert make_bin(2015, 1, 12) == BIN_VALID
    assert make_bin(2015, 1, 38) == "150140000391"  # 00038 is doubly 10, bumped to 00039


def test_make_bin_round_trips() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        year, month = rng.randint(1990, 2099), rng.randint(1, 12)
        entity, attribute = rng.choice((4, 5, 6)), rng.randint(0, 3)
        bin_ = make_bin(year, month, rng.randrange(100_000), entity, attribute)
        assert validate_bin(bin_) == bin_
        assert bin_[:6] == f"{year % 100:02d}{month:02d}{entity}{attribute}"
        assert not is_valid_iin(bin_)  # digits 5-6 ("40".."69") are never a day of the month


def test_make_bin_rejects_bad_arguments() -> None:
    for args in [(2015, 0, 1), (2015, 13, 1), (1899, 1, 1), (2015, 1, -1)]:
        with pytest.raises(ValueError):
            make_bin(*args)
    with pytest.raises(ValueError):
        make_bin(2015, 1, 1, entity_type=7)
