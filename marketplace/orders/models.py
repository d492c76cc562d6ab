"""Orders placed against entitlements, service hours logged on them, and reviews."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import AccountId, Base, PersonId, PrimaryKey, ProviderId, RegionId, Tenge, Units, Version, WrittenAt
from marketplace.db import enum_column, in_range, positive


class OrderStatus(str, enum.Enum):
    PLACED = "PLACED"
    ACCEPTED = "ACCEPTED"
    DELIVERED = "DELIVERED"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"


class ServiceLogStatus(str, enum.Enum):
    LOGGED = "LOGGED"
    CONFIRMED = "CONFIRMED"
    DISPUTED = "DISPUTED"


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        positive("quantity"),
        positive("unit_price"),
        CheckConstraint("state_share >= 0 AND co_payment >= 0", name="shares_not_negative"),
        CheckConstraint("state_share + co_payment = total", name="shares_add_up"),
        UniqueConstraint("placed_by_account_id", "idempotency_key", name="uq_orders_idempotency"),
        # A provider's incoming orders, newest first (keyset by id): migration 0004.
        Index("ix_orders_provider_feed", "provider_id", "id"),
    )

    id: Mapped[PrimaryKey]
    person_id: Mapped[PersonId]
    region_id: Mapped[RegionId]
    placed_by_account_id: Mapped[AccountId]
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    provider_id: Mapped[ProviderId]
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlements.id"), index=True)
    classifier_item_id: Mapped[int] = mapped_column(ForeignKey("classifier_items.id"))
    quantity: Mapped[Units]
    # Snapshots taken at placement: later price or norm changes do not move them.
    unit_price: Mapped[Tenge]
    price_cap: Mapped[Tenge | None]
    total: Mapped[Tenge]
    state_share: Mapped[Tenge]
    co_payment: Mapped[Tenge]
    delivery_option: Mapped[str | None] = mapped_column(String(32))
    # A course (sanatorium, 14 days) starts on this local date; its days lie inside the line's validity.
    course_starts_on: Mapped[dt.date | None]
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus), default=OrderStatus.PLACED, index=True)
    decline_reason: Mapped[str | None] = mapped_column(String(1000))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[WrittenAt] = mapped_column(index=True)
    accepted_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    confirmed_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    version: Mapped[Version]


class ServiceLog(Base):
    """Hours a provider's worker spent with the recipient, paid only once confirmed."""

    __tablename__ = "service_logs"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        # hours = end - start within one day, so at most 24 by construction; only
        # the sign is checked here (SQLite stores hundredths, not hours).
        positive("hours"),
    )

    id: Mapped[PrimaryKey]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    person_id: Mapped[PersonId]
    provider_id: Mapped[ProviderId]
    worker_iin: Mapped[str] = mapped_column(String(12), index=True)
    worker_name: Mapped[str] = mapped_column(String(200))
    service_date: Mapped[dt.date] = mapped_column(index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    hours: Mapped[Units]
    status: Mapped[ServiceLogStatus] = mapped_column(enum_column(ServiceLogStatus), default=ServiceLogStatus.LOGGED)
    note: Mapped[str | None] = mapped_column(String(1000))
    logged_at: Mapped[WrittenAt]
    confirmed_at: Mapped[dt.datetime | None]
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("compensation_claims.id"), index=True)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (in_range("rating", 1, 5),)

    id: Mapped[PrimaryKey]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    provider_id: Mapped[ProviderId]
    person_id: Mapped[PersonId] = mapped_column(index=False)
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[WrittenAt]
    # The provider's one reply.
    reply_text: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None]
    # Hidden by an officer (abusive): not shown, not counted in the ratings.
    hidden_at: Mapped[dt.datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(1000))
    hidden_by_account_id: Mapped[AccountId | None]
