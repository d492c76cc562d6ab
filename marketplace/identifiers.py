"""Kazakhstan IIN (persons) and BIN (organisations): 12 digits with a check digit."""

from __future__ import annotations

import datetime as dt
from typing import Literal

_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: (1800, "M"), 2: (1800, "F"), 3: (1900, "M"), 4: (1900, "F"), 5: (2000, "M"), 6: (2000, "F")}


class InvalidIdentifier(ValueError):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def check_digit(first11: str) -> int | None:
    digits = [int(c) for c in first11]
    value = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
    if value == 10:
        value = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if value == 10:
            return None
    return value


def _validate_digits(value: str) -> str:
    value = (value or "").strip()
    if len(value) != 12:
        raise InvalidIdentifier("LENGTH", "Must be 12 digits.")
    if not value.isascii() or not value.isdigit():
        raise InvalidIdentifier("NOT_DIGITS", "Must be 12 digits.")
    if check_digit(value[:11]) != int(value[11]):
        raise InvalidIdentifier("CHECKSUM", "The check digit does not match.")
    return value


def iin_birth_date(iin: str) -> dt.date:
    century_sex = int(iin[6])
    if century_sex not in _CENTURY:
        raise InvalidIdentifier("CENTURY_SEX", "The 7th digit must be 1 to 6.")
    century, _ = _CENTURY[century_sex]
    try:
        return dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError as exc:
        raise InvalidIdentifier("BIRTH_DATE", "The first six digits are not a date.") from exc


def iin_sex(iin: str) -> Literal["M", "F"]:
    century_sex = int(iin[6])
    if century_sex not in _CENTURY:
        raise InvalidIdentifier("CENTURY_SEX", "The 7th digit must be 1 to 6.")
    return _CENTURY[century_sex][1]  # type: ignore[return-value]


def validate_iin(value: str) -> str:
    value = _validate_digits(value)
    iin_birth_date(value)
    return value


def validate_bin(value: str) -> str:
    value = _validate_digits(value)
    if not 1 <= int(value[2:4]) <= 12:
        raise InvalidIdentifier("BIRTH_DATE", "Digits 3-4 must be the month of registration.")
    return value


def is_valid_iin(value: str) -> bool:
    try:
        validate_iin(value)
        return True
    except InvalidIdentifier:
        return False


def is_valid_bin(value: str) -> bool:
    try:
        validate_bin(value)
        return True
    except InvalidIdentifier:
        return False


def _with_check(prefix: str, serial: int, width: int) -> str:
    # Bump the serial until the check digit is computable (a 10 twice is invalid).
    while True:
        first11 = prefix + f"{serial % 10**width:0{width}d}"
        digit = check_digit(first11)
        if digit is not None:
            return first11 + str(digit)
        serial += 1


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str:
    code = {(c, s): k for k, (c, s) in _CENTURY.items()}[(birth_date.year // 100 * 100, sex)]
    return _with_check(f"{birth_date:%y%m%d}{code}", serial, 4)


def make_bin(year: int, month: int, serial: int, entity_type: int = 4) -> str:
    return _with_check(f"{year % 100:02d}{month:02d}{entity_type}0", serial, 5)
