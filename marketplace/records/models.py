"""Disability records set by medical-social examination, and IRP entitlements."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, PersonId, PrimaryKey, RegionId, Units, WrittenAt
from marketplace.db import enum_column, not_negative, positive, valid_period


class DisabilityGroup(str, enum.Enum):
    I = "I"  # noqa: E741 - the legal name of the group
    II = "II"
    III = "III"
    CHILD = "CHILD"


class ExamFormat(str, enum.Enum):
    IN_PERSON = "IN_PERSON"
    IN_ABSENTIA = "IN_ABSENTIA"


class RecordStatus(str, enum.Enum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class EntitlementStatus(str, enum.Enum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class EntitlementSource(str, enum.Enum):
    IRP = "IRP"
    APPLICATION = "APPLICATION"


class DisabilityRecord(Base):
    __tablename__ = "disability_records"
    __table_args__ = (
        valid_period(open_ended=True),
    )

    id: Mapped[PrimaryKey]
    person_id: Mapped[PersonId]
    region_id: Mapped[RegionId]
    group: Mapped[DisabilityGroup] = mapped_column("disability_group", enum_column(DisabilityGroup))
    cause: Mapped[str] = mapped_column(String(64))
    nosology_code: Mapped[str] = mapped_column(String(8))
    exam_format: Mapped[ExamFormat] = mapped_column(enum_column(ExamFormat))
    valid_from: Mapped[dt.date]
    valid_until: Mapped[dt.date | None]
    status: Mapped[RecordStatus] = mapped_column(enum_column(RecordStatus), default=RecordStatus.ACTIVE)
    # The MSE decision number makes a re-run import idempotent.
    decision_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[WrittenAt]

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.status == RecordStatus.ACTIVE
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class Entitlement(Base):
    """A line of an Individual Rehabilitation Program, with its balance."""

    __tablename__ = "entitlements"
    __table_args__ = (
        positive("quantity"),
        not_negative("reserved"),
        not_negative("consumed"),
        CheckConstraint("reserved + consumed <= quantity", name="balance_not_negative"),
        valid_period(),
        UniqueConstraint("line_number", name="uq_entitlements_line_number"),
    )

    id: Mapped[PrimaryKey]
    person_id: Mapped[PersonId]
    region_id: Mapped[RegionId]
    classifier_item_id: Mapped[int] = mapped_column(ForeignKey("classifier_items.id"), index=True)
    quantity: Mapped[Units]
    reserved: Mapped[Units] = mapped_column(default=Decimal("0"))
    consumed: Mapped[Units] = mapped_column(default=Decimal("0"))
    valid_from: Mapped[dt.date]
    valid_until: Mapped[dt.date]
    # Quota items (absorbent underwear) are released by quarter, not all at once.
    quarterly_release: Mapped[Units | None]
    daily_limit: Mapped[Units | None]
    with_companion: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EntitlementStatus] = mapped_column(
        enum_column(EntitlementStatus), default=EntitlementStatus.ACTIVE
    )
    source: Mapped[EntitlementSource] = mapped_column(enum_column(EntitlementSource), default=EntitlementSource.IRP)
    # The IRP line reference makes a re-run import idempotent.
    line_number: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[WrittenAt]

    @property
    def balance(self) -> Decimal:
        return self.quantity - self.reserved - self.consumed

    def is_active_on(self, day: dt.date) -> bool:
        return self.status == EntitlementStatus.ACTIVE and self.valid_from <= day <= self.valid_until
