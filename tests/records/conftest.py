"""Helpers for the records tests."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from tests import factories as f


@pytest.fixture
async def world(db: Database) -> f.World:
    async with db.transaction() as s:
        return await f.build_world(s)


async def run(db: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    async with db.transaction() as s:
        return await fn(s, *args, **kwargs)


async def refused(db: Database, code: ErrorCode, fn: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        await run(db, fn, *args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value!r}"
    return info.value


async def actions(db: Database, subject_type: str, subject_id: int) -> list[str]:
    async with db.session() as s:
        rows = await s.execute(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
        return list(rows.scalars())
