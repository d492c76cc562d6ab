"""Domain errors: every refusal the portal makes has a code a client can act on.

A message is an English template with named parameters, the msgid of its translations in
``marketplace/locale/<kk|ru|en>/LC_MESSAGES/messages.po``::

    DomainError(ErrorCode.INSUFFICIENT_BALANCE, "Only {left} left on this entitlement.", "quantity",
                left=Decimal("2"))

The refusal is raised in the domain's words; the edge that answers the client translates it
into the viewer's language (``marketplace.i18n.translate``), formatting the parameters as
that language writes them: ``Tenge`` amounts as money, dates and numbers by Babel.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    INVALID_IIN = "INVALID_IIN"
    INVALID_BIN = "INVALID_BIN"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    RATE_LIMITED = "RATE_LIMITED"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_INVALID = "TOKEN_INVALID"
    DUPLICATE = "DUPLICATE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    NO_ACTIVE_RECORD = "NO_ACTIVE_RECORD"
    NO_ENTITLEMENT = "NO_ENTITLEMENT"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    LISTING_NOT_AVAILABLE = "LISTING_NOT_AVAILABLE"
    REGION_NOT_SERVED = "REGION_NOT_SERVED"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    SERVICE_LIFE_NOT_EXPIRED = "SERVICE_LIFE_NOT_EXPIRED"
    DAILY_LIMIT_EXCEEDED = "DAILY_LIMIT_EXCEEDED"
    OVERLAPPING_HOURS = "OVERLAPPING_HOURS"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    FILE_REJECTED = "FILE_REJECTED"
    SEARCH_UNAVAILABLE = "SEARCH_UNAVAILABLE"
    RETRYABLE = "RETRYABLE"


class Tenge(Decimal):
    """An amount of money given to a message: written as money (``1 234,50 ₸``)."""


class Phrase(str):
    """A parameter that is itself a message (a reason given by another rule): translated too."""


def N_(message: str) -> str:  # noqa: N802 - the gettext marker extractors look for
    """Marks a message defined away from its ``DomainError`` (a table of messages) for extraction."""
    return message


def plain(value: Any) -> str:
    """A parameter as the English msgid shows it when nobody translates (logs, ``str(error)``)."""
    if isinstance(value, DomainError):
        return value.message
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Tenge):
        return f"{value:,.2f} KZT"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC" if value.utcoffset() == dt.timedelta(0) else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(plain(v) for v in value)
    return str(value)


class DomainError(Exception):
    """A refusal by a business rule. Safe to show to the client.

    ``message`` is the English template (the msgid), ``params`` its named values; ``.message``
    is the English text with the values filled in, as before."""

    def __init__(self, code: ErrorCode, message: str, /, field: str | None = None, **params: Any) -> None:
        self.template = message
        self.params = params
        self.message = message.format(**{k: plain(v) for k, v in params.items()}) if params else message
        super().__init__(self.message)
        self.code = code
        self.field = field

    @property
    def extensions(self) -> dict[str, str | None]:
        # graphql-core copies this onto the GraphQL error a query raises.
        return {"code": self.code.value, "field": self.field}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"DomainError({self.code.value}, {self.message!r}, field={self.field!r})"


class ValidationErrors(DomainError):
    """Several field errors found while cleaning one input."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.code, first.template, first.field, **first.params)
        self.errors = errors


# One sentence per kind of object: the noun's case and gender differ in Kazakh and Russian.
NOT_FOUND_MESSAGES = {
    "object": N_("No such object."),
    "upload": N_("No such upload."),
    "account": N_("No such account."),
    "application": N_("No such application."),
    "claim": N_("No such claim."),
    "classifier item": N_("No such classifier item."),
    "disability record": N_("No such disability record."),
    "entitlement": N_("No such entitlement."),
    "file": N_("No such file."),
    "listing": N_("No such listing."),
    "notification": N_("No such notification."),
    "order": N_("No such order."),
    "person": N_("No such person."),
    "provider": N_("No such provider."),
    "quote": N_("No such quote."),
    "receipt": N_("No such receipt."),
    "record": N_("No such record."),
    "region": N_("No such region."),
    "result document": N_("No such result document."),
    "review": N_("No such review."),
    "service log": N_("No such service log."),
    "trip": N_("No such trip."),
    "vehicle": N_("No such vehicle."),
}


def not_found(what: str = "object", field: str | None = "id") -> DomainError:
    # The same answer whether the object is missing or outside the caller's scope.
    return DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGES.get(what, NOT_FOUND_MESSAGES["object"]), field)


def forbidden(message: str = "You are not allowed to do this.") -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message)
