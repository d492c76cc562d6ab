"""How domain refusals reach a client: payload errors and masked exceptions."""

from __future__ import annotations

import errno
import logging
import re
import uuid
from collections.abc import Iterator
from enum import Enum

import strawberry
from graphql import DocumentNode, FragmentDefinitionNode, GraphQLError, OperationDefinitionNode, get_operation_ast
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors, SchemaExtension

from marketplace.errors import N_, DomainError, ValidationErrors
from marketplace.i18n import translate
from schema.core.fields import field_for_info, graphql_field, root_field
from marketplace.errors import ErrorCode as DomainErrorCode

log = logging.getLogger("tirek.errors")
MAX_ECHO = 300  # characters of a refused input value repeated back in a message
_PYTHON_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")  # how strawberry names a list type in a message

ErrorCode = strawberry.enum(
    Enum("ErrorCode", {c.name: c.value for c in DomainErrorCode}), description="Why a request was refused."
)


@strawberry.type(description="A refusal: which input field (if any), a stable code, and a message for people.")
class UserError:
    code: ErrorCode  # type: ignore[valid-type]
    error: strawberry.Private[DomainError]

    @strawberry.field(description="The argument or input field refused, as a path (`input.priceMin`, "
                                  "`input.attachments.0.kind`), or null when the refusal concerns no one field.")
    def field(self, info: strawberry.Info) -> str | None:
        return field_for_info(info, self.error.field)

    @strawberry.field(description="What is wrong, in the viewer's language.")
    def message(self, info: strawberry.Info) -> str:
        return translate(self.error, info.context.language)


@strawberry.type
class Payload:
    """What every mutation answers (schema/core/mutations.py): the fields of its result, left at
    their defaults when it is refused, and the refusals."""

    errors: list[UserError] = strawberry.field(default_factory=list)


def user_errors(exc: DomainError) -> list[UserError]:
    errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
    return [UserError(code=ErrorCode(e.code.value), error=e) for e in errors]


class TranslateErrors(SchemaExtension):
    """A refusal raised by a resolver (a query's NOT_FOUND, UNAUTHENTICATED, ...) answered in the
    viewer's language, like the payload errors of mutations."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        context = self.execution_context.context
        if result is None or not result.errors or context is None:
            return
        document = self.execution_context.graphql_document
        operation = _operation(document, self.execution_context.operation_name) if document else None
        fragments = {d.name.value: d for d in document.definitions
                     if isinstance(d, FragmentDefinitionNode)} if document else {}
        for error in result.errors:
            original = error.original_error
            if not isinstance(original, DomainError):
                continue
            error.message = translate(original, context.language)
            if operation is not None and error.path and error.extensions and error.extensions.get("field"):
                name, root = root_field(self.execution_context.schema._schema, operation, fragments, str(error.path[0]))
                error.extensions = {**error.extensions, "field": graphql_field(original.field, root, name)}


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    try:
        return get_operation_ast(document, name)
    except GraphQLError:  # pragma: no cover - validation refused the document already
        return None


def _bad_input(error: GraphQLError, original: BaseException) -> bool:
    """Variables are read before anything runs (an error without a path); arguments when the
    field starts (graphql-core: "Argument 'x' has invalid value ..."; strawberry converting
    its inputs: StrawberryInputCoercionError). A GraphQLError from anywhere else (a value a
    resolver returned that its type cannot serialise) is the server's fault and stays masked."""
    if isinstance(original, StrawberryInputCoercionError):
        return True
    return isinstance(original, GraphQLError) and (not error.path or original.message.startswith("Argument '"))


def should_mask_error(error: GraphQLError) -> bool:
    """Domain errors and GraphQL validation errors pass; anything else is masked
    with an error id that is logged with the stack."""
    original = error.original_error
    if original is None or isinstance(original, DomainError):
        return False
    if _bad_input(error, original):
        # A value the client sent that cannot be read as its type ("NaN" as a Date, true as a
        # Decimal, null in a non-null field of an input, null for a Maybe[...] that must not be
        # null): the client's mistake, said as such, not an INTERNAL error.
        error.extensions = {**(error.extensions or {}), "code": DomainErrorCode.INVALID.value}
        if "cannot be explicitly set to null" in error.message:
            error.message = "A field given as null cannot be null: leave it out to keep its current value."
        error.message = _PYTHON_REPR.sub("value", error.message)
        if len(error.message) > MAX_ECHO:
            error.message = error.message[:MAX_ECHO] + "…"
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
        message, code = masked.message, "INTERNAL"
        if error.original_error is not None and database_unavailable(error.original_error):
            message, code = RETRY_MESSAGE, DomainErrorCode.RETRYABLE.value
        return GraphQLError(
            message=message, nodes=error.nodes, source=error.source, positions=error.positions,
            path=error.path, original_error=None, extensions={"code": code, "errorId": error_id},
        )


RETRY_MESSAGE = N_("The database cannot be reached just now; try again in a moment.")
# SQLSTATE classes of an unreachable server: 08 connection exception, 57P operator
# intervention (shutting down, starting up), 53300 too many connections.
_UNAVAILABLE_STATES = ("08", "57P", "53300")
_UNAVAILABLE_ERRNOS = frozenset({errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EHOSTUNREACH,
                                 errno.ENETUNREACH, errno.ETIMEDOUT, errno.EPIPE})


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says "the database cannot be reached right now" (a restart, a failover,
    a network cut): the request can be retried as it is. Not for errors of the request itself."""
    if isinstance(exc, SATimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or isinstance(exc, InterfaceError):
            return True
        state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if isinstance(state, str) and state.startswith(_UNAVAILABLE_STATES):
            return True
        return "database is locked" in str(exc.orig).lower()  # SQLite, past its busy timeout
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    if isinstance(exc, OSError):  # asyncpg: "Multiple exceptions: [Errno 111] Connect call failed ..."
        return exc.errno in _UNAVAILABLE_ERRNOS or str(exc).startswith("Multiple exceptions")
    return False
