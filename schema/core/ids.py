"""Global ids: opaque, typed, base64 of "Type:pk"."""

from __future__ import annotations

import base64
import binascii
import re

from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.syntax import positive_integer

_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]{0,63}")

# Primary keys are PostgreSQL integers, but for the tables of bigint ids.
INTEGER_MAX = 2**31 - 1
BIGINT_MAX = 2**62
_CAMEL_BREAK = re.compile(r"(?<!^)(?=[A-Z])")  # ServiceLog -> Service Log
BIGINT_TYPES = frozenset({"Notification", "AuditEvent", "SearchOutbox"})


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def parse_global_id(value: str | None) -> tuple[str, int]:
    if not value or len(value) > 200:
        raise DomainError(ErrorCode.INVALID, "Not a valid id.", "id")
    try:
        padded = value + "=" * (-len(value) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        number = positive_integer(pk)  # "Order: 1", "Order:١", "Order:1_0" are no ids
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID, "Not a valid id.", "id") from exc
    if _TYPE_NAME.fullmatch(type_name) is None or number > 2**62:
        raise DomainError(ErrorCode.INVALID, "Not a valid id.", "id")
    if number > (BIGINT_MAX if type_name in BIGINT_TYPES else INTEGER_MAX):
        # No row can have it, and PostgreSQL would refuse the number in a query (an INTERNAL error).
        raise DomainError(ErrorCode.NOT_FOUND, "No such object.", "id")
    return type_name, number


def decode_id(value: str | None, expected: str, field: str = "id") -> int:
    """The primary key behind a global id of the expected type.

    An id of another type is refused as NOT_FOUND, the same as a missing object.
    """
    try:
        type_name, pk = parse_global_id(value)
    except DomainError as exc:
        exc.field = field
        raise
    if type_name != expected:
        raise not_found(_CAMEL_BREAK.sub(" ", expected).lower(), field)
    return pk
