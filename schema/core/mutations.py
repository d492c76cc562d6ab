"""The one envelope of every mutation: ``@mutation(...)`` instead of ``@strawberry.mutation(...)``.

Inside it a resolver decodes its ids and parses its input (schema/core/inputs.py), calls a
service, and returns its payload for the happy path only. Anything refused on the way, an id
that does not decode as much as a rule of a service, is a ``DomainError``: the envelope answers
it as the payload's ``errors`` (the field path as the client wrote it, ``input.personId``), never
as a top-level error with ``data: null``. The database out of reach is RETRYABLE in the same way.

A resolver reaches the database with ``transaction(info, service, ...)``: one write transaction
under the one retry policy, rolled back by a refusal so that nothing is half-applied.
"""

from __future__ import annotations

import functools
import logging
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

# The one retry policy of a write transaction (a lost race on a unique key, a deadlock, a
# serialisation failure, RETRYABLE): where it moves (marketplace/db.py), this import follows.
from marketplace.db import run_in_transaction
from marketplace.errors import DomainError, ErrorCode
from schema.core.errors import RETRY_MESSAGE, database_unavailable, user_errors

log = logging.getLogger("tirek.mutations")

T = TypeVar("T")
Resolver = TypeVar("Resolver", bound=Callable[..., Awaitable[Any]])


async def transaction(info: strawberry.Info, service: Callable[..., Awaitable[T]], /, *args: Any,
                      **kwargs: Any) -> T:
    """``service(session, viewer, *args, **kwargs)`` in a write transaction of its own, made again
    when it loses a race the next attempt settles (the same idempotency key twice answers the
    earlier result)."""
    return await run_in_transaction(info.context.db, service, info.context.viewer, *args, **kwargs)


@functools.cache
def _payload_type(resolver: Callable[..., Any]) -> type:
    """The payload class a resolver is annotated to return (read when first needed: by then every
    name of its module is defined)."""
    return typing.get_type_hints(resolver)["return"]


def _refusal_payload(resolver: Callable[..., Any], exc: BaseException) -> Any:
    """The resolver's payload with ``exc`` as its errors, or None when ``exc`` is no refusal."""
    if isinstance(exc, DomainError):
        return _payload_type(resolver)(errors=user_errors(exc))
    if database_unavailable(exc):
        # The transaction did not commit, or, if the connection broke while committing, a retry
        # with the same idempotency key answers the same.
        log.warning("database unavailable during a mutation: %s", exc)
        return _payload_type(resolver)(errors=user_errors(DomainError(ErrorCode.RETRYABLE, RETRY_MESSAGE)))
    return None


def mutation(*, description: str, **options: Any) -> Callable[[Resolver], Any]:
    """``strawberry.mutation`` inside the envelope: every refusal the resolver raises becomes the
    errors of the payload it is annotated to return (a ``Payload`` of schema/core/errors.py)."""

    def wrap(resolver: Resolver) -> Any:
        @functools.wraps(resolver)
        async def envelope(*args: Any, **kwargs: Any) -> Any:
            try:
                return await resolver(*args, **kwargs)
            except Exception as exc:
                payload = _refusal_payload(resolver, exc)
                if payload is None:
                    raise
                return payload

        return strawberry.mutation(description=description, **options)(envelope)

    return wrap


__all__ = ["mutation", "transaction"]
