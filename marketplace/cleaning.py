"""Cleaning input: the one place where text, exact decimals and ids are checked.

Each ``clean_*`` returns the cleaned value or raises ``DomainError`` naming the input field
(GraphQL spelling: ``unitPrice``, ``regionIds``, ...). ``FieldErrors`` gathers the refusals of
one input so that a form can show them all at once.

- Text: trimmed; control characters (Unicode category Cc) are refused everywhere — a NUL byte
  cannot even be stored by PostgreSQL — except line breaks and tabs in prose (``multiline``).
- Exact decimals: a ``Decimal``, an ``int`` or a decimal written plainly (``syntax.exact_decimal``), never a float (binary noise
  in money and balances) or a bool; finite, more than zero, at most a bound, at most two places.
- Ids: positive integers that fit a database id; anything else is simply not found.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

from marketplace.errors import N_, DomainError, ErrorCode, Phrase, Tenge, ValidationErrors, not_found
from marketplace.syntax import exact_decimal

T = TypeVar("T")

MAX_DB_ID = 2**31 - 1  # INTEGER primary keys; a larger id cannot exist (and would overflow on PostgreSQL)
MAX_IDS = 100
MAX_PAGE = 100  # rows a page may ask for
MIN_REASON = 3
MAX_REASON = 1000
CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("100000")
MAX_AMOUNT = Decimal("100000000.00")  # 100 million tenge: anything above is a typo, not a receipt

#: What an exact decimal is, for the refusals' wording: money (amounts and prices) is written in tenge.
DecimalKind = Literal["quantity", "amount", "price"]


class FieldErrors:
    """Collects the field errors of one input; ``raise_if_any`` raises them together."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def check(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return fn(*args, **kwargs)
        except ValidationErrors as exc:
            self.errors.extend(exc.errors)
        except DomainError as exc:
            self.errors.append(exc)
        return None

    def add(self, error: DomainError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)


# -- text ---------------------------------------------------------------------------
def has_control_characters(value: str, allowed: str = "") -> bool:
    """The one control-character rule: any character of Unicode category Cc not in ``allowed``."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def clean_text(value: Any, field: str, max_len: int, *, multiline: bool = False) -> str:
    """A trimmed string ('' for None). Control characters are refused; prose (``multiline``)
    may hold line breaks (``\\r\\n`` and ``\\r`` become ``\\n``) and tabs."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(ErrorCode.INVALID, "Must be text.", field)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if has_control_characters(value, "\n\t" if multiline else ""):
        raise DomainError(ErrorCode.INVALID, "Contains control characters.", field)
    if len(value) > max_len:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", field, count=max_len)
    return value


def clean_required_text(value: Any, field: str, max_len: int, *, multiline: bool = False) -> str:
    """``clean_text`` that refuses an empty value (REQUIRED)."""
    text = clean_text(value, field, max_len, multiline=multiline)
    if not text:
        raise DomainError(ErrorCode.REQUIRED, "Required.", field)
    return text


def clean_optional_text(value: Any, field: str, max_len: int, *, multiline: bool = False) -> str | None:
    """``clean_text``, with None for an empty value."""
    return clean_text(value, field, max_len, multiline=multiline) or None


def clean_reason(reason: Any, why: str = N_("the rejection"), field: str = "reason") -> str:
    """The reason for a decision: required, ``MIN_REASON`` to ``MAX_REASON`` characters."""
    text = clean_text(reason, field, MAX_REASON, multiline=True)
    if not text:
        raise DomainError(ErrorCode.REQUIRED, "Give the reason for {why}.", field, why=Phrase(why))
    if len(text) < MIN_REASON:
        raise DomainError(ErrorCode.INVALID, "At least {count} characters.", field, count=MIN_REASON)
    return text


def clean_choice(cls: Any, value: Any, field: str, refusal: Callable[[], DomainError] | None = None) -> Any:
    """A member of the enum ``cls`` (given as itself or its value), or INVALID naming the choices
    (or ``refusal()``, where a list's filter words its refusal its own way)."""
    try:
        return value if isinstance(value, cls) else cls(value)
    except (ValueError, TypeError) as exc:
        if refusal is not None:
            raise refusal() from exc
        raise DomainError(ErrorCode.INVALID, "One of {allowed}.", field, allowed=list(cls)) from exc


# -- numbers --------------------------------------------------------------------------
def clean_int(value: Any, field: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``."""
    if value is None:
        raise DomainError(ErrorCode.REQUIRED, "Required.", field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(ErrorCode.INVALID, "Must be a whole number.", field)
    if not low <= value <= high:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Must be between {low} and {high}.", field, low=low, high=high)
    return value


def clean_page_size(first: Any, most: int = MAX_PAGE) -> int:
    """How many rows a page asks for (``first``): a whole number from 0 to ``most``."""
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= most:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and {most}.", "first", most=most)
    return first


def clean_exact_decimal(value: Any, field: str, *, most: Decimal, kind: DecimalKind) -> Decimal:
    """A positive exact decimal, at most ``most``, with at most two places (hundredths of a unit,
    tiyn of a tenge), quantised to them."""
    if value is None and kind == "price":
        raise DomainError(ErrorCode.REQUIRED, "Give the price.", field)
    if isinstance(value, bool | float) or value is None and kind == "amount":
        raise DomainError(
            ErrorCode.INVALID,
            "Give the quantity as an exact decimal." if kind == "quantity"
            else "Give the amount as an exact decimal." if kind == "amount"
            else "Give the price as an exact decimal.",
            field,
        )
    try:
        # Text is read strictly (``syntax.exact_decimal``: ASCII digits, no exponent or ``_``).
        number = value if isinstance(value, Decimal) else exact_decimal(
            value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID, "Not a number.", field) from exc
    if not number.is_finite():
        raise DomainError(ErrorCode.INVALID, "Not a number.", field)
    if number <= 0:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Must be more than zero.", field)
    if number > most:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {most}.", field,
                          most=most if kind == "quantity" else Tenge(most))
    if number != number.quantize(CENT):
        raise DomainError(
            ErrorCode.INVALID,
            "At most two decimal places." if kind == "quantity" else "At most two decimal places (tiyn).",
            field,
        )
    return number.quantize(CENT)


def clean_quantity(value: Any, field: str = "quantity", *, max_value: Decimal = MAX_QUANTITY) -> Decimal:
    """A quantity of an entitlement, an order or a claim: an exact decimal up to ``max_value``."""
    return clean_exact_decimal(value, field, most=max_value, kind="quantity")


def clean_money(value: Any, field: str, *, max_value: Decimal = MAX_AMOUNT) -> Decimal:
    """An amount of tenge (tiyn at the most), up to ``max_value``."""
    return clean_exact_decimal(value, field, most=max_value, kind="amount")


# -- ids ------------------------------------------------------------------------------
def clean_id(value: Any, what: str, field: str) -> int:
    """A database id; anything that cannot be one is simply not found."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DB_ID:
        raise not_found(what, field)
    return value


def clean_ids(values: Any, what: str, field: str, *, max_count: int = MAX_IDS) -> list[int]:
    """A non-empty list of ids, duplicates dropped, order kept."""
    if values is None:
        raise DomainError(ErrorCode.REQUIRED, "Give at least one id.", field)
    if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
        raise DomainError(ErrorCode.INVALID, "Must be a list of ids.", field)
    values = list(values)
    if not values:
        raise DomainError(ErrorCode.REQUIRED, "Give at least one id.", field)
    if len(values) > max_count:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count}.", field, count=max_count)
    out: list[int] = []
    for v in values:
        v = clean_id(v, what, field)
        if v not in out:
            out.append(v)
    return out
