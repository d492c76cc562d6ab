"""Applications for what is granted rather than bought, each with a legal term."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import AccountId, Base, PersonId, PrimaryKey, RegionId, WrittenAt, enum_column


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

    id: Mapped[PrimaryKey]
    kind: Mapped[ApplicationKind] = mapped_column(enum_column(ApplicationKind))
    person_id: Mapped[PersonId]
    region_id: Mapped[RegionId]
    submitted_by_account_id: Mapped[AccountId]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.SUBMITTED, index=True
    )
    reason: Mapped[str | None] = mapped_column(String(2000))
    submitted_at: Mapped[WrittenAt]
    due_date: Mapped[dt.date] = mapped_column(index=True)
    decided_at: Mapped[dt.datetime | None]
    decided_by_account_id: Mapped[AccountId | None]
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"), unique=True)
