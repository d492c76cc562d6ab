"""Idempotency keys for mutations that move money or balance.

The same key with the same request returns the first result; the same key
with a different request is refused. The unique constraint on
(account, operation, key) settles a race between two concurrent requests:
the loser's transaction rolls back and it reads the winner's result.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.audit.models import IdempotencyKey
from marketplace.errors import DomainError, ErrorCode

MAX_KEY_LENGTH = 100


class ConcurrentDuplicate(DomainError):
    """A concurrent request with the same idempotency key committed first.

    The callers' transaction wrappers (``orders.place_order_once``,
    ``db.run_in_transaction``) answer it with a fresh attempt, which reads the
    winner's result; a caller without a wrapper gets RETRYABLE.
    """

    def __init__(self) -> None:
        super().__init__(ErrorCode.RETRYABLE, "The same request is being processed; retry.", "idempotencyKey")


async def flush_claiming_key(session: AsyncSession) -> None:
    """Flush the new rows, the remembered key among them; losing the key's unique constraint to a
    concurrent request is ``ConcurrentDuplicate``."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if "idempotency" in str(exc.orig).lower():
            raise ConcurrentDuplicate() from exc
        raise


def request_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def clean_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise DomainError(ErrorCode.REQUIRED, "An idempotency key is required.", "idempotencyKey")
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", "idempotencyKey",
                          count=MAX_KEY_LENGTH)
    return key


async def previous_result(
    session: AsyncSession, account_id: int, operation: str, key: str, payload_hash: str
) -> int | None:
    """The subject id of an earlier call with this key, or None."""
    row = (
        await session.execute(
            select(IdempotencyKey).where(
                IdempotencyKey.account_id == account_id,
                IdempotencyKey.operation == operation,
                IdempotencyKey.key == key,
            )
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.request_hash != payload_hash:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            "This idempotency key was already used for a different request.",
            "idempotencyKey",
        )
    return row.subject_id


def remember(
    session: AsyncSession, account_id: int, operation: str, key: str, payload_hash: str, subject_id: int
) -> None:
    session.add(
        IdempotencyKey(
            account_id=account_id, operation=operation, key=key, request_hash=payload_hash, subject_id=subject_id
        )
    )
