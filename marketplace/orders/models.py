"""Orders placed against entitlements, service hours logged on them, and reviews."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, Money, Quantity, UTCDateTime, enum_column, utcnow


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
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint("state_share >= 0 AND co_payment >= 0", name="shares_not_negative"),
        CheckConstraint("state_share + co_payment = total", name="shares_add_up"),
        UniqueConstraint("placed_by_account_id", "idempotency_key", name="uq_orders_idempotency"),
        # A provider's incoming orders, newest first (keyset by id): migration 0004.
        Index("ix_orders_provider_feed", "provider_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    placed_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlements.id"), index=True)
    classifier_item_id: Mapped[int] = mapped_column(ForeignKey("classifier_items.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    # Snapshots taken at placement: later price or norm changes do not move them.
    unit_price: Mapped[Decimal] = mapped_column(Money)
    price_cap: Mapped[Decimal | None] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    state_share: Mapped[Decimal] = mapped_column(Money)
    co_payment: Mapped[Decimal] = mapped_column(Money)
    delivery_option: Mapped[str | None] = mapped_column(String(32))
    # A course (sanatorium, 14 days) starts on this local date; its days lie inside the line's validity.
    course_starts_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus), default=OrderStatus.PLACED, index=True)
    decline_reason: Mapped[str | None] = mapped_column(String(1000))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ServiceLog(Base):
    """Hours a provider's worker spent with the recipient, paid only once confirmed."""

    __tablename__ = "service_logs"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        # hours = end - start within one day, so at most 24 by construction; only
        # the sign is checked here (SQLite stores hundredths, not hours).
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    worker_iin: Mapped[str] = mapped_column(String(12), index=True)
    worker_name: Mapped[str] = mapped_column(String(200))
    service_date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    hours: Mapped[Decimal] = mapped_column(Quantity)
    status: Mapped[ServiceLogStatus] = mapped_column(enum_column(ServiceLogStatus), default=ServiceLogStatus.LOGGED)
    note: Mapped[str | None] = mapped_column(String(1000))
    logged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("compensation_claims.id"), index=True)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("rating >= 1 AND rating <= 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The provider's one reply.
    reply_text: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Hidden by an officer (abusive): not shown, not counted in the ratings.
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(1000))
    hidden_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
