"""Domain errors: every refusal the portal makes has a code a client can act on."""

from __future__ import annotations

from enum import Enum


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


class DomainError(Exception):
    """A refusal by a business rule. Safe to show to the client."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
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
        super().__init__(first.code, first.message, first.field)
        self.errors = errors


def not_found(what: str = "object", field: str | None = "id") -> DomainError:
    # The same answer whether the object is missing or outside the caller's scope.
    return DomainError(ErrorCode.NOT_FOUND, f"No such {what}.", field)


def forbidden(message: str = "You are not allowed to do this.") -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message)
