"""Disability records set by medical-social examination, and IRP entitlements."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, Quantity, UTCDateTime, enum_column, utcnow


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
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    group: Mapped[DisabilityGroup] = mapped_column("disability_group", enum_column(DisabilityGroup))
    cause: Mapped[str] = mapped_column(String(64))
    nosology_code: Mapped[str] = mapped_column(String(8))
    exam_format: Mapped[ExamFormat] = mapped_column(enum_column(ExamFormat))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[RecordStatus] = mapped_column(enum_column(RecordStatus), default=RecordStatus.ACTIVE)
    # The MSE decision number makes a re-run import idempotent.
    decision_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

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
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("consumed >= 0", name="consumed_not_negative"),
        CheckConstraint("reserved + consumed <= quantity", name="balance_not_negative"),
        CheckConstraint("valid_until >= valid_from", name="valid_period"),
        UniqueConstraint("line_number", name="uq_entitlements_line_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    classifier_item_id: Mapped[int] = mapped_column(ForeignKey("classifier_items.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    reserved: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    consumed: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    # Quota items (absorbent underwear) are released by quarter, not all at once.
    quarterly_release: Mapped[Decimal | None] = mapped_column(Quantity)
    daily_limit: Mapped[Decimal | None] = mapped_column(Quantity)
    with_companion: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EntitlementStatus] = mapped_column(
        enum_column(EntitlementStatus), default=EntitlementStatus.ACTIVE
    )
    source: Mapped[EntitlementSource] = mapped_column(enum_column(EntitlementSource), default=EntitlementSource.IRP)
    # The IRP line reference makes a re-run import idempotent.
    line_number: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def balance(self) -> Decimal:
        return self.quantity - self.reserved - self.consumed

    def is_active_on(self, day: dt.date) -> bool:
        return self.status == EntitlementStatus.ACTIVE and self.valid_from <= day <= self.valid_until
