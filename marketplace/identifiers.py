"""Kazakhstan's 12-digit identifiers: the IIN of a person and the BIN of an organisation.

Both end in a check digit computed the same way (``check_digit``):

1. ``s = sum(d[i] * w[i]) mod 11`` over the first 11 digits with weights 1..11;
2. if ``s == 10``, recompute with weights 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2;
3. if that gives 10 again, no check digit exists and the number is invalid;
   otherwise ``s`` must equal the 12th digit.

IIN layout: ``YYMMDD`` birth date, one digit for century and sex, a four-digit
serial, the check digit. The century/sex digit is 1/2 for the 1800s, 3/4 for
the 1900s and 5/6 for the 2000s, odd for men and even for women. The digit 0
(used for some foreign nationals) is refused here: the portal serves residents.

BIN layout: ``YYMM`` of registration, the legal-entity type (4 resident legal
entity, 5 non-resident legal entity, 6 individual entrepreneur acting jointly),
an extra attribute (0 head office, 1 branch, 2 representative office, 3 peasant
farm), a five-digit serial, the check digit.

Validation is pure and never touches the database. ``validate_*`` return the
normalised value (every whitespace character removed) or raise
``InvalidIdentifier`` whose ``reason`` tells the client what is wrong.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Final, Literal
from marketplace.errors import N_

__all__ = [
    "BIN_ENTITY_TYPES",
    "IdentifierKind",
    "InvalidIdentifier",
    "Reason",
    "Sex",
    "check_digit",
    "iin_birth_date",
    "iin_sex",
    "is_valid_bin",
    "is_valid_iin",
    "make_bin",
    "make_iin",
    "validate_bin",
    "validate_iin",
]

Reason = Literal[
    "LENGTH",  # not 12 digits
    "NOT_DIGITS",  # a character other than 0-9 (after whitespace is removed), or not a string
    "CHECKSUM",  # the 12th digit is wrong, or no check digit exists for the first 11
    "BIRTH_DATE",  # IIN: YYMMDD is not a calendar date
    "CENTURY_SEX",  # IIN: the 7th digit is not 1..6
    "REGISTRATION_DATE",  # BIN: the month in YYMM is not 01..12
    "ENTITY_TYPE",  # BIN: the 5th digit is not a legal-entity type (4, 5, 6)
]
IdentifierKind = Literal["IIN", "BIN"]
Sex = Literal["M", "F"]

LENGTH: Final = 12
_DIGITS: Final = frozenset("0123456789")
_WEIGHTS_1: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

#: 7th IIN digit -> (first year of the century, sex).
_CENTURY_SEX: Final[dict[int, tuple[int, Sex]]] = {
    1: (1800, "M"),
    2: (1800, "F"),
    3: (1900, "M"),
    4: (1900, "F"),
    5: (2000, "M"),
    6: (2000, "F"),
}

#: 5th BIN digit -> meaning.
BIN_ENTITY_TYPES: Final[dict[int, str]] = {
    4: "resident legal entity",
    5: "non-resident legal entity",
    6: "individual entrepreneur acting jointly",
}

REASONS: Final[dict[str, str]] = {
    "LENGTH": N_("must be exactly 12 digits"),
    "NOT_DIGITS": N_("must contain digits only"),
    "CHECKSUM": N_("check digit does not match"),
    "BIRTH_DATE": N_("digits 1-6 are not a valid birth date (YYMMDD)"),
    "CENTURY_SEX": N_("digit 7 must be 1-6 (century and sex)"),
    "REGISTRATION_DATE": N_("digits 3-4 are not a valid registration month"),
    "ENTITY_TYPE": N_("digit 5 must be a legal-entity type (4, 5 or 6)"),
}


class InvalidIdentifier(ValueError):
    """A malformed IIN or BIN. ``reason`` is a stable code; the message is for people."""

    def __init__(self, kind: IdentifierKind, reason: Reason) -> None:
        self.kind: IdentifierKind = kind
        self.reason: Reason = reason
        super().__init__(f"Invalid {kind}: {REASONS[reason]} ({reason})")

    def __reduce__(self) -> tuple[type[InvalidIdentifier], tuple[IdentifierKind, Reason]]:
        return (type(self), (self.kind, self.reason))


def check_digit(first11: str) -> int | None:
    """The check digit for 11 leading digits, or None when none exists (the number is invalid).

    Raises ``ValueError`` when ``first11`` is not exactly 11 ASCII digits.
    """
    if len(first11) != 11 or not set(first11) <= _DIGITS:
        raise ValueError("check_digit needs exactly 11 digits")
    digits = [ord(c) - 48 for c in first11]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        s = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if s != 10:
            return s
    return None


def _normalise(kind: IdentifierKind, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifier(kind, "NOT_DIGITS")
    # Cheap guard before any work on absurd input: 12 digits with generous room for spaces.
    if len(value) > 64:
        raise InvalidIdentifier(kind, "LENGTH")
    compact = "".join(value.split())
    if not set(compact) <= _DIGITS:
        raise InvalidIdentifier(kind, "NOT_DIGITS")
    if len(compact) != LENGTH:
        raise InvalidIdentifier(kind, "LENGTH")
    return compact


def _checksum_ok(number: str) -> bool:
    expected = check_digit(number[:11])
    return expected is not None and expected == ord(number[11]) - 48


def _decode_birth_date(iin: str) -> _dt.date:
    """Birth date of a 12-digit string whose 7th digit is known to be 1..6."""
    century, _sex = _CENTURY_SEX[int(iin[6])]
    try:
        return _dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        raise InvalidIdentifier("IIN", "BIRTH_DATE") from None


def validate_iin(value: str) -> str:
    """Return the IIN without whitespace, or raise ``InvalidIdentifier``.

    Checks in order: digits only, length 12, check digit, century/sex digit,
    birth date (a real calendar date; a future date is not refused here, that
    depends on "today" and belongs to the caller).
    """
    iin = _normalise("IIN", value)
    if not _checksum_ok(iin):
        raise InvalidIdentifier("IIN", "CHECKSUM")
    if int(iin[6]) not in _CENTURY_SEX:
        raise InvalidIdentifier("IIN", "CENTURY_SEX")
    _decode_birth_date(iin)
    return iin


def validate_bin(value: str) -> str:
    """Return the BIN without whitespace, or raise ``InvalidIdentifier``.

    Checks in order: digits only, length 12, check digit, registration month
    01..12, legal-entity type (5th digit) 4, 5 or 6. The last check also refuses
    an IIN typed into a BIN field: an IIN's 5th digit is the tens of a day (0..3).
    """
    bin_ = _normalise("BIN", value)
    if not _checksum_ok(bin_):
        raise InvalidIdentifier("BIN", "CHECKSUM")
    if not 1 <= int(bin_[2:4]) <= 12:
        raise InvalidIdentifier("BIN", "REGISTRATION_DATE")
    if int(bin_[4]) not in BIN_ENTITY_TYPES:
        raise InvalidIdentifier("BIN", "ENTITY_TYPE")
    return bin_


def _accepts(validate: Callable[[str], str], value: object) -> bool:
    try:
        validate(value)  # type: ignore[arg-type]  # non-strings are refused inside
    except InvalidIdentifier:
        return False
    return True


def is_valid_iin(value: object) -> bool:
    """True when ``validate_iin`` would accept ``value``; never raises."""
    return _accepts(validate_iin, value)


def is_valid_bin(value: object) -> bool:
    """True when ``validate_bin`` would accept ``value``; never raises."""
    return _accepts(validate_bin, value)


def iin_birth_date(iin: str) -> _dt.date:
    """Birth date encoded in a valid IIN (raises ``InvalidIdentifier`` otherwise)."""
    return _decode_birth_date(validate_iin(iin))


def iin_sex(iin: str) -> Sex:
    """``"M"`` or ``"F"`` as encoded in a valid IIN's 7th digit."""
    return _CENTURY_SEX[int(validate_iin(iin)[6])][1]


def _with_check_digit(prefix: str, serial: int, width: int) -> str:
    """Append ``serial`` (reduced modulo ``10**width``, zero-padded) and the check digit.

    When no check digit exists for that serial (both weightings give 10), the
    serial is bumped by one, wrapping to 0 after the largest ``width``-digit
    value, until one does. The bump is deterministic, so the same arguments
    always give the same number. About 1 serial in 120 needs a bump.
    """
    if serial < 0:
        raise ValueError("serial must not be negative")
    modulus = 10**width
    for step in range(modulus):
        body = f"{prefix}{(serial + step) % modulus:0{width}d}"
        digit = check_digit(body)
        if digit is not None:
            return f"{body}{digit}"
    raise ValueError(f"no valid serial for prefix {prefix}")  # pragma: no cover - cannot happen


def make_iin(birth_date: _dt.date, sex: str, serial: int) -> str:
    """A valid IIN for test and demo data; ``sex`` is ``"M"`` or ``"F"`` (a ``Sex`` enum value works).

    ``serial`` becomes digits 8-11 (a serial above 9999 is taken modulo 10000,
    so counters can be passed as they are). If no check digit exists for it,
    the next serial (``serial + 1``, wrapping 9999 -> 0) is tried, and so on:
    the result is deterministic but its serial may differ from the one asked for.
    """
    if sex not in ("M", "F"):
        raise ValueError("sex must be 'M' or 'F'")
    if not 1800 <= birth_date.year <= 2099:
        raise ValueError("an IIN encodes birth years 1800..2099 only")
    century = birth_date.year // 100 * 100
    digit7 = next(k for k, (c, s) in _CENTURY_SEX.items() if c == century and s == sex)
    prefix = f"{birth_date:%y%m%d}{digit7}"
    return _with_check_digit(prefix, serial, 4)


def make_bin(year: int, month: int, serial: int, entity_type: int = 4, attribute: int = 0) -> str:
    """A valid BIN for test and demo data.

    ``year`` is the full registration year (1900..2099), ``month`` 1..12,
    ``entity_type`` 4, 5 or 6, ``attribute`` 0..9 (0 head office); ``serial``
    becomes digits 7-11 (taken modulo 100000). If no check digit exists for it,
    the serial is bumped by one (wrapping 99999 -> 0) until one does, deterministically.
    """
    if not 1900 <= year <= 2099:
        raise ValueError("year must be 1900..2099")
    if not 1 <= month <= 12:
        raise ValueError("month must be 1..12")
    if entity_type not in BIN_ENTITY_TYPES:
        raise ValueError("entity_type must be 4, 5 or 6")
    if not 0 <= attribute <= 9:
        raise ValueError("attribute must be 0..9")
    prefix = f"{year % 100:02d}{month:02d}{entity_type}{attribute}"
    return _with_check_digit(prefix, serial, 5)
