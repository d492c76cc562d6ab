"""Running a mutation's service call: one transaction, domain refusals to payload errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.errors import DomainError
from schema.core.errors import UserError, user_errors

T = TypeVar("T")


async def in_transaction(
    info: strawberry.Info, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` in a write transaction; a DomainError rolls it back and
    becomes the payload's errors, so nothing is half-applied."""
    try:
        async with info.context.db.transaction() as session:
            return await work(session), []
    except DomainError as exc:
        return None, user_errors(exc)


async def guarded(work: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Like ``in_transaction`` for services that open their own transactions."""
    try:
        return await work(), []
    except DomainError as exc:
        return None, user_errors(exc)


def viewer(info: strawberry.Info) -> Any:
    return info.context.viewer
