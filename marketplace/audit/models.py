"""The append-only record of every state change, and idempotency keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import AccountId, Base, BigPrimaryKey, PrimaryKey, WrittenAt


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[BigPrimaryKey]
    occurred_at: Mapped[WrittenAt]
    actor_account_id: Mapped[AccountId | None]
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IdempotencyKey(Base):
    """The first result of a money- or balance-moving mutation, by the caller's key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("account_id", "operation", "key", name="uq_idempotency_keys_scope"),)

    id: Mapped[PrimaryKey]
    account_id: Mapped[AccountId]
    operation: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[WrittenAt]
