"""Drafts of forms, kept on the server per account: a reload, a lost connection or a timeout
never loses what a person typed into a multi-step form (the portal saves at every step).

A draft belongs to the signed-in account and to nothing else; it is not a record of the
domain (nothing is ordered or applied for until the form's final step calls its service), so
it leaves no audit event. One draft per account and kind (``"order"``, later ``"claim"``...).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.accounts.access import Viewer
from marketplace.db import Base, UTCDateTime, utcnow

MAX_DRAFT_KEYS = 50


class FormDraft(Base):
    __tablename__ = "form_drafts"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


async def load_draft(session: AsyncSession, viewer: Viewer, kind: str) -> dict[str, Any] | None:
    if viewer.account_id is None:
        return None
    row = (await session.execute(
        select(FormDraft.data).where(FormDraft.account_id == viewer.account_id, FormDraft.kind == kind))).first()
    return dict(row.data) if row else None


async def save_draft(session: AsyncSession, viewer: Viewer, kind: str, data: dict[str, Any]) -> None:
    """Keep ``data`` (small, JSON: what was typed) as the account's draft of ``kind``."""
    viewer.require_authenticated()
    assert viewer.account_id is not None
    if len(data) > MAX_DRAFT_KEYS:
        raise ValueError("a draft holds what one form typed, not more")
    await session.merge(FormDraft(account_id=viewer.account_id, kind=kind, data=dict(data), updated_at=utcnow()))


async def discard_draft(session: AsyncSession, viewer: Viewer, kind: str) -> None:
    if viewer.account_id is not None:
        await session.execute(delete(FormDraft).where(FormDraft.account_id == viewer.account_id,
                                                      FormDraft.kind == kind))
