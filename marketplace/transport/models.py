"""Invataxi: accessible vehicles of transport providers and the trips booked on them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, PersonId, PrimaryKey, ProviderId, WrittenAt, enum_column


class TripStatus(str, enum.Enum):
    REQUESTED = "REQUESTED"
    CONFIRMED = "CONFIRMED"
    RESCHEDULE_PROPOSED = "RESCHEDULE_PROPOSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class Vehicle(Base):
    __tablename__ = "vehicles"

    id: Mapped[PrimaryKey]
    provider_id: Mapped[ProviderId]
    plate_number: Mapped[str] = mapped_column(String(16), unique=True)
    model: Mapped[str] = mapped_column(String(100))
    wheelchair_accessible: Mapped[bool] = mapped_column(Boolean, default=True)
    seats: Mapped[int] = mapped_column(Integer, default=4)
    service_region_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Trip(Base):
    __tablename__ = "trips"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[PrimaryKey]
    person_id: Mapped[PersonId]
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), index=True)
    provider_id: Mapped[ProviderId]
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    proposed_starts_at: Mapped[dt.datetime | None]
    pickup_address: Mapped[str] = mapped_column(String(300))
    dropoff_address: Mapped[str] = mapped_column(String(300))
    with_companion: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_wheelchair: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[TripStatus] = mapped_column(enum_column(TripStatus), default=TripStatus.REQUESTED)
    created_at: Mapped[WrittenAt]
