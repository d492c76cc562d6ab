"""Cleaning the input of listings and provider profiles.

Each ``clean_*`` returns the cleaned value or raises ``DomainError`` naming the
input field (GraphQL spelling: ``unitPrice``, ``regionIds``, ...). ``FieldErrors``
gathers the refusals of one input so a form can show them all at once.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import phonenumbers

from marketplace.catalog.models import DeliveryOption
from marketplace.errors import DomainError, ErrorCode, not_found, Tenge, ValidationErrors

T = TypeVar("T")

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_PRICE = Decimal("100000000")  # 100 million KZT: no aid or service costs more
MAX_LEAD_TIME_DAYS = 365
MAX_STOCK = 1_000_000
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_KEY = 64
MAX_ATTRIBUTE_TEXT = 500
MAX_ATTRIBUTES_JSON = 8000  # bytes of the whole attributes object as JSON
MAX_SAFE_INT = 2**53  # integers a JavaScript client still reads exactly
MAX_REGION_IDS = 100
MAX_REASON = 1000  # Listing.review_note
MAX_PHONE = 32
MAX_EMAIL = 200
MAX_ADDRESS = 300
MAX_WEBSITE = 200
MAX_ACCESSIBILITY_ITEMS = 20
MAX_ACCESSIBILITY_TEXT = 100
MAX_DB_ID = 2**31 - 1  # INTEGER primary keys; a larger id cannot exist (and would overflow on PostgreSQL)

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_HOST = re.compile(r"^[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff\-]*[A-Za-z0-9\u00a1-\uffff])?"
                   r"(\.[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff\-]*[A-Za-z0-9\u00a1-\uffff])?)+$")


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


def _has_control(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def clean_id(value: Any, what: str, field: str) -> int:
    """A database id; anything that cannot be one is simply not found."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DB_ID:
        raise not_found(what, field)
    return value


def clean_ids(values: Any, what: str, field: str, *, max_count: int = MAX_REGION_IDS) -> list[int]:
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


def clean_text(value: Any, field: str, max_len: int, *, multiline: bool = False) -> str:
    """A trimmed string ('' for None). Control characters are refused (a NUL byte
    cannot even be stored by PostgreSQL); a description may hold line breaks and tabs."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(ErrorCode.INVALID, "Must be text.", field)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if _has_control(value, "\n\t" if multiline else ""):
        raise DomainError(ErrorCode.INVALID, "Contains control characters.", field)
    if len(value) > max_len:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", field, count=max_len)
    return value


def clean_required_text(value: Any, field: str, max_len: int) -> str:
    """``clean_text`` that refuses an empty value (REQUIRED)."""
    text = clean_text(value, field, max_len)
    if not text:
        raise DomainError(ErrorCode.REQUIRED, "Required.", field)
    return text


def clean_choice(cls: Any, value: Any, field: str) -> Any:
    """A member of the enum ``cls`` (given as itself or its value), or INVALID naming the choices."""
    try:
        return value if isinstance(value, cls) else cls(value)
    except (ValueError, TypeError) as exc:
        raise DomainError(ErrorCode.INVALID, "One of {allowed}.", field, allowed=list(cls)) from exc


def clean_optional_text(value: Any, field: str, max_len: int) -> str | None:
    value = clean_text(value, field, max_len)
    return value or None


def clean_price(value: Any, field: str = "unitPrice") -> Decimal:
    """A positive amount of KZT with at most two decimal places, at most MAX_PRICE."""
    if value is None:
        raise DomainError(ErrorCode.REQUIRED, "Give the price.", field)
    if isinstance(value, bool | float):
        # floats carry binary noise into money; bools are not numbers here
        raise DomainError(ErrorCode.INVALID, "Give the price as an exact decimal.", field)
    try:
        price = value if isinstance(value, Decimal) else Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID, "Not a number.", field) from exc
    if not price.is_finite():
        raise DomainError(ErrorCode.INVALID, "Not a number.", field)
    if price <= 0:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Must be more than zero.", field)
    if price > MAX_PRICE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {price}.", field, price=Tenge(MAX_PRICE))
    if price != price.quantize(Decimal("0.01")):
        raise DomainError(ErrorCode.INVALID, "At most two decimal places (tiyn).", field)
    return price.quantize(Decimal("0.01"))


def clean_int(value: Any, field: str, low: int, high: int) -> int:
    if value is None:
        raise DomainError(ErrorCode.REQUIRED, "Required.", field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(ErrorCode.INVALID, "Must be a whole number.", field)
    if not low <= value <= high:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Must be between {low} and {high}.", field, low=low, high=high)
    return value


def clean_stock(value: Any, field: str = "stock") -> int | None:
    """Units in stock (or capacity); None means not tracked."""
    if value is None:
        return None
    return clean_int(value, field, 0, MAX_STOCK)


def clean_delivery_options(values: Any, field: str = "deliveryOptions") -> list[str]:
    """At least one DeliveryOption; duplicates dropped, order kept."""
    if values is None:
        raise DomainError(ErrorCode.REQUIRED, "Give at least one delivery option.", field)
    if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
        raise DomainError(ErrorCode.INVALID, "Must be a list of delivery options.", field)
    values = list(values)
    if len(values) > 2 * len(DeliveryOption):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Too many delivery options.", field)
    out: list[str] = []
    for v in values:
        try:
            option = v if isinstance(v, DeliveryOption) else DeliveryOption(v)
        except (ValueError, TypeError) as exc:
            raise DomainError(
                ErrorCode.INVALID, "One of {allowed}.", field, allowed=list(DeliveryOption)
            ) from exc
        if option.value not in out:
            out.append(option.value)
    if not out:
        raise DomainError(ErrorCode.REQUIRED, "Give at least one delivery option.", field)
    return out


def _attribute_value(key: str, value: Any, field: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise DomainError(ErrorCode.OUT_OF_RANGE, "The number of '{key}' is too large.", field, key=key)
        return value
    if isinstance(value, float | Decimal):
        if not math.isfinite(value) or abs(value) > MAX_SAFE_INT:
            raise DomainError(ErrorCode.INVALID, "The number of '{key}' is not usable.", field, key=key)
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value
    if isinstance(value, str):
        text = value.strip()
        if _has_control(text):
            raise DomainError(ErrorCode.INVALID, "The value of '{key}' contains control characters.", field, key=key)
        if len(text) > MAX_ATTRIBUTE_TEXT:
            raise DomainError(ErrorCode.TOO_LONG, "The value of '{key}' has at most {count} characters.", key=key, count=MAX_ATTRIBUTE_TEXT, field=
                              field)
        return text
    raise DomainError(ErrorCode.INVALID, "The value of '{key}' must be text, a number, true/false or empty.", field, key=key)


def clean_attributes(value: Any, field: str = "attributes") -> dict[str, Any]:
    """A flat object of at most MAX_ATTRIBUTES scalar values (text, number, true/false, null)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DomainError(ErrorCode.INVALID, "Must be an object of names and values.", field)
    if len(value) > MAX_ATTRIBUTES:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} attributes.", field, count=MAX_ATTRIBUTES)
    out: dict[str, Any] = {}
    for raw_key, raw_value in value.items():
        if not isinstance(raw_key, str):
            raise DomainError(ErrorCode.INVALID, "Attribute names must be text.", field)
        key = raw_key.strip()
        if not key:
            raise DomainError(ErrorCode.INVALID, "An attribute name is empty.", field)
        if _has_control(key):
            raise DomainError(ErrorCode.INVALID, "An attribute name contains control characters.", field)
        if len(key) > MAX_ATTRIBUTE_KEY:
            raise DomainError(ErrorCode.TOO_LONG, "Attribute names have at most {count} characters.", count=MAX_ATTRIBUTE_KEY, field=
                              field)
        if key in out:
            raise DomainError(ErrorCode.INVALID, "The attribute '{key}' is given twice.", field, key=key)
        out[key] = _attribute_value(key, raw_value, field)
    if len(json.dumps(out, ensure_ascii=False).encode()) > MAX_ATTRIBUTES_JSON:
        raise DomainError(ErrorCode.TOO_LONG, "The attributes take at most {count} bytes.", field, count=MAX_ATTRIBUTES_JSON)
    return out


def clean_phone(value: Any, field: str = "phone") -> str | None:
    """A phone number as people write it (+7 701 555 12 34, 8 701 555 12 34), kept in E.164
    (+77015551234); a number without a country code is read as Kazakh. ``phonenumbers``
    (libphonenumber's metadata) decides whether the number can exist."""
    text = clean_optional_text(value, field, MAX_PHONE)
    if text is None:
        return None
    text = " ".join(text.split())
    bad = DomainError(ErrorCode.INVALID, "Not a phone number (for example +7 701 555 12 34).", field)
    if not _PHONE_CHARS.match(text):
        raise bad
    try:
        number = phonenumbers.parse(text, "KZ")
    except phonenumbers.NumberParseException as exc:
        raise bad from exc
    if not phonenumbers.is_valid_number(number):
        raise bad
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_email(value: Any, field: str = "email") -> str | None:
    text = clean_optional_text(value, field, MAX_EMAIL)
    if text is None:
        return None
    if not _EMAIL.match(text) or len(text.split("@", 1)[0]) > 64:
        raise DomainError(ErrorCode.INVALID, "Not an e-mail address.", field)
    local, domain = text.split("@", 1)
    return f"{local}@{domain.lower()}"


def clean_website(value: Any, field: str = "website") -> str | None:
    """An http(s) address; a bare host name gets https:// in front."""
    text = clean_optional_text(value, field, MAX_WEBSITE)
    if text is None:
        return None
    if "://" not in text:
        text = "https://" + text
    scheme, rest = text.split("://", 1)
    if scheme.lower() not in ("http", "https") or any(ch.isspace() for ch in rest):
        raise DomainError(ErrorCode.INVALID, "Give an http or https address.", field)
    host = re.sub(r":[0-9]{1,5}$", "", re.split(r"[/?#]", rest, maxsplit=1)[0])
    if not _HOST.match(host):  # also refuses user:password@ in a public link
        raise DomainError(ErrorCode.INVALID, "Give an http or https address.", field)
    if len(text) > MAX_WEBSITE:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", field, count=MAX_WEBSITE)
    return f"{scheme.lower()}://{rest}"


def clean_accessibility(values: Any, field: str = "accessibility") -> list[str]:
    """Short notes on the premises (step-free entrance, accessible toilet, ...);
    blanks and duplicates dropped, order kept."""
    if values is None:
        return []
    if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
        raise DomainError(ErrorCode.INVALID, "Must be a list of short texts.", field)
    values = list(values)
    if len(values) > 2 * MAX_ACCESSIBILITY_ITEMS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} items.", field, count=MAX_ACCESSIBILITY_ITEMS)
    out: list[str] = []
    for v in values:
        text = clean_text(v, field, MAX_ACCESSIBILITY_TEXT)
        if text and text not in out:
            out.append(text)
    if len(out) > MAX_ACCESSIBILITY_ITEMS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} items.", field, count=MAX_ACCESSIBILITY_ITEMS)
    return out


def clean_reason(value: Any, field: str = "reason", *, required: bool) -> str | None:
    text = clean_text(value, field, MAX_REASON, multiline=True)
    if not text:
        if required:
            raise DomainError(ErrorCode.REQUIRED, "Give a reason.", field)
        return None
    return text
