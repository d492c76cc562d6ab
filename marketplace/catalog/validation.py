"""Cleaning the input of listings and provider profiles.

Each ``clean_*`` returns the cleaned value or raises ``DomainError`` naming the
input field (GraphQL spelling: ``unitPrice``, ``regionIds``, ...). Text, exact decimals
and ids are cleaned by ``marketplace.cleaning``; here are the catalogue's own fields.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import phonenumbers

from marketplace.catalog.models import DeliveryOption
from marketplace.cleaning import clean_exact_decimal, clean_int, clean_optional_text, clean_text, has_control_characters
from marketplace.errors import DomainError, ErrorCode

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
MAX_REASON = 1000  # Listing.review_note
MAX_PHONE = 32
MAX_EMAIL = 200
MAX_ADDRESS = 300
MAX_WEBSITE = 200
MAX_ACCESSIBILITY_ITEMS = 20
MAX_ACCESSIBILITY_TEXT = 100

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_HOST = re.compile(r"^[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff\-]*[A-Za-z0-9\u00a1-\uffff])?"
                   r"(\.[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff\-]*[A-Za-z0-9\u00a1-\uffff])?)+$")


def clean_price(value: Any, field: str = "unitPrice") -> Decimal:
    """A positive amount of KZT with at most two decimal places, at most MAX_PRICE."""
    return clean_exact_decimal(value, field, most=MAX_PRICE, kind="price")


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
        if has_control_characters(text):
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
        if has_control_characters(key):
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


def clean_review_note(value: Any, field: str = "reason", *, required: bool) -> str | None:
    """The note of a review or verification decision (any length up to MAX_REASON; required to refuse)."""
    text = clean_text(value, field, MAX_REASON, multiline=True)
    if not text:
        if required:
            raise DomainError(ErrorCode.REQUIRED, "Give a reason.", field)
        return None
    return text
