"""Notifications to an account, written in the account's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import AccountId, Base, BigPrimaryKey, WrittenAt


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # An account's feed, newest first, and the live subscription's "rows after id N".
        Index("ix_notifications_account_feed", "account_id", "id"),
        # Reminders ("a term is about to be missed") are sent once per subject and day.
        Index("uq_notifications_dedup", "account_id", "dedup_key", unique=True),
        # The unread ones of an account (unreadOnly, the unread count): migration 0004.
        Index("ix_notifications_unread", "account_id", "id",
              sqlite_where=text("read_at IS NULL"), postgresql_where=text("read_at IS NULL")),
    )

    id: Mapped[BigPrimaryKey]
    account_id: Mapped[AccountId] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[WrittenAt] = mapped_column(index=True)
    read_at: Mapped[dt.datetime | None]
    dedup_key: Mapped[str | None] = mapped_column(String(120))
