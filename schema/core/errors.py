"""How domain refusals reach a client: payload errors and masked exceptions."""

from __future__ import annotations

import logging
import uuid
from enum import Enum

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from marketplace.errors import DomainError, ValidationErrors
from marketplace.errors import ErrorCode as DomainErrorCode

log = logging.getLogger("tirek.errors")

ErrorCode = strawberry.enum(
    Enum("ErrorCode", {c.name: c.value for c in DomainErrorCode}), description="Why a request was refused."
)


@strawberry.type(description="A refusal: which input field (if any), a stable code, and a message for people.")
class UserError:
    field: str | None
    code: ErrorCode  # type: ignore[valid-type]
    message: str


def user_errors(exc: DomainError) -> list[UserError]:
    errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
    return [UserError(field=e.field, code=ErrorCode(e.code.value), message=e.message) for e in errors]


def should_mask_error(error: GraphQLError) -> bool:
    """Domain errors and GraphQL validation errors pass; anything else is masked
    with an error id that is logged with the stack."""
    original = error.original_error
    if original is None or isinstance(original, DomainError):
        return False
    error_id = uuid.uuid4().hex[:12]
    log.error("unexpected error %s at %s", error_id, error.path, exc_info=original)
    if error.extensions is None:
        error.extensions = {}
    error.extensions["errorId"] = error_id
    return True


class MaskUnexpectedErrors(MaskErrors):
    """Masks every error that is not a domain refusal, keeping only an error id
    a person can quote to support; the stack goes to the log under that id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        error_id = (error.extensions or {}).get("errorId")
        return GraphQLError(
            message=masked.message, nodes=error.nodes, source=error.source, positions=error.positions,
            path=error.path, original_error=None, extensions={"code": "INTERNAL", "errorId": error_id},
        )


def domain_error_extensions(exc: DomainError) -> dict[str, object]:
    return {"code": exc.code.value, "field": exc.field}
