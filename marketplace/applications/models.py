"""Applications for what is granted rather than bought, each with a legal term."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, UTCDateTime, enum_column, utcnow


class ApplicationKind(str, enum.Enum):
    INDIVIDUAL_ASSISTANT = "INDIVIDUAL_ASSISTANT"
    SPECIAL_SOCIAL_SERVICES = "SPECIAL_SOCIAL_SERVICES"
    MISSING_AID = "MISSING_AID"


class ApplicationStatus(str, enum.Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        # An officer's queue: WHERE region_id = ? AND status = ? ORDER BY due_date, id (migration 0004).
        Index("ix_applications_queue", "region_id", "status", "due_date", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ApplicationKind] = mapped_column(enum_column(ApplicationKind))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    submitted_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.SUBMITTED, index=True
    )
    reason: Mapped[str | None] = mapped_column(String(2000))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"), unique=True)
