"""Writing the audit trail: one event per state change, in the same transaction."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def snapshot(obj: Any, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model's columns (or of the named ones)."""
    names = fields or tuple(c.key for c in inspect(obj).mapper.column_attrs)
    return {name: _plain(getattr(obj, name)) for name in names}


def record(
    session: AsyncSession,
    viewer: Viewer | None,
    action: str,
    subject: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    """Add an audit event for ``subject`` to the session's transaction.

    Only the fields that changed are kept in before/after.
    """
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    event = AuditEvent(
        actor_account_id=viewer.account_id if viewer else None,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


async def update_audited(
    session: AsyncSession, viewer: Viewer | None, subject: Any, action: str, values: dict[str, Any]
) -> None:
    """Set ``values`` on ``subject``'s row by one UPDATE, read the row again, and add the audit event
    ``action`` with the fields it changed."""
    model = type(subject)
    before = snapshot(subject)
    await session.execute(update(model).where(model.id == subject.id).values(**values)
                          .execution_options(synchronize_session=False))
    await session.refresh(subject)
    record(session, viewer, action, subject, before, snapshot(subject))
