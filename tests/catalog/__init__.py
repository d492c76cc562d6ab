"""Helpers shared by the catalogue tests: row counts, the last audit event, the search outbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import SearchOutbox
from marketplace.db import Database


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def counts(db: Database, *models: Any) -> tuple[int, ...]:
    """How many rows each of ``models`` has: what a refused call must leave as it found it."""
    return tuple([await count(db, model) for model in models])


async def fetch(db: Database, model: Any, pk: Any) -> Any:
    async with db.session() as s:
        obj = await s.get(model, pk)
        assert obj is not None
        return obj


async def last_event(db: Database, subject_type: str, subject_id: int) -> AuditEvent:
    async with db.session() as s:
        event = (
            await s.execute(
                select(AuditEvent)
                .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
                .order_by(AuditEvent.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        assert event is not None, f"no audit event for {subject_type} {subject_id}"
        return event


async def outbox(db: Database, entity: str, entity_id: int) -> int:
    return await count(db, SearchOutbox, SearchOutbox.entity == entity, SearchOutbox.entity_id == entity_id)


PRICE = Decimal("180000.00")
