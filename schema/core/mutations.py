"""Running a mutation's service call: one transaction, domain refusals to payload errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.errors import DomainError, ErrorCode
from schema.core.errors import (
    RETRY_MESSAGE,
    UserError,
    database_unavailable,
    user_errors,
)

log = logging.getLogger("tirek.mutations")

T = TypeVar("T")


async def in_transaction(
    info: strawberry.Info, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` in a write transaction; a DomainError rolls it back and
    becomes the payload's errors, so nothing is half-applied. The database out of
    reach (a restart, a failover) is RETRYABLE: the transaction did not commit, or,
    if the connection broke while committing, a retry with the same idempotency key
    answers the same."""
    try:
        async with info.context.db.transaction() as session:
            return await work(session), []
    except DomainError as exc:
        return None, user_errors(exc)
    except Exception as exc:
        if database_unavailable(exc):
            log.warning("database unavailable during a mutation: %s", exc)
            return None, user_errors(DomainError(ErrorCode.RETRYABLE, RETRY_MESSAGE))
        raise


async def guarded(work: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Like ``in_transaction`` for services that open their own transactions."""
    try:
        return await work(), []
    except DomainError as exc:
        return None, user_errors(exc)
    except Exception as exc:
        if database_unavailable(exc):
            log.warning("database unavailable during a mutation: %s", exc)
            return None, user_errors(DomainError(ErrorCode.RETRYABLE, RETRY_MESSAGE))
        raise


def viewer(info: strawberry.Info) -> Any:
    return info.context.viewer
