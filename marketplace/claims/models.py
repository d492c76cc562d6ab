"""Compensation claims: a provider's for a confirmed order, a recipient's for a self-purchase."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import AccountId, Base, PersonId, PrimaryKey, ProviderId, RegionId, Tenge, Units, Version, WrittenAt
from marketplace.db import enum_column, positive


class ClaimKind(str, enum.Enum):
    PROVIDER_ORDER = "PROVIDER_ORDER"
    PROVIDER_SERVICE_HOURS = "PROVIDER_SERVICE_HOURS"
    SELF_PURCHASE = "SELF_PURCHASE"


class ClaimStatus(str, enum.Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAID = "PAID"


class Receipt(Base):
    """A receipt file for a self-purchase; stored on disk under a random name."""

    __tablename__ = "receipts"
    __table_args__ = (positive("size_bytes", name="size_positive"),)

    id: Mapped[PrimaryKey]
    person_id: Mapped[PersonId]
    uploaded_by_account_id: Mapped[AccountId]
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[WrittenAt]


class CompensationClaim(Base):
    __tablename__ = "compensation_claims"
    __table_args__ = (
        positive("amount_claimed"),
        CheckConstraint("amount_approvable >= 0 AND amount_approvable <= amount_claimed", name="approvable_range"),
        CheckConstraint("amount_approved IS NULL OR amount_approved <= amount_approvable", name="approved_range"),
        CheckConstraint(
            "(kind = 'SELF_PURCHASE' AND receipt_id IS NOT NULL) OR (kind <> 'SELF_PURCHASE' AND provider_id IS NOT NULL)",
            name="kind_has_evidence",
        ),
        # One provider claim per order, one claim per receipt: never paid twice.
        Index(
            "uq_compensation_claims_provider_order", "order_id", unique=True,
            sqlite_where=text("kind = 'PROVIDER_ORDER'"), postgresql_where=text("kind = 'PROVIDER_ORDER'"),
        ),
        Index(
            "uq_compensation_claims_receipt", "receipt_id", unique=True,
            sqlite_where=text("receipt_id IS NOT NULL"), postgresql_where=text("receipt_id IS NOT NULL"),
        ),
        # One receipt file (the same bytes, whoever uploaded them) backs one claim (migration 0007).
        Index(
            "uq_compensation_claims_receipt_sha256", "receipt_sha256", unique=True,
            sqlite_where=text("receipt_sha256 IS NOT NULL"), postgresql_where=text("receipt_sha256 IS NOT NULL"),
        ),
        # An officer's queue: WHERE region_id = ? AND status = ? ORDER BY due_date, id (keyset
        # paged), read as one index range that stops after a page (migration 0004).
        Index("ix_compensation_claims_queue", "region_id", "status", "due_date", "id"),
        # A provider's claims, latest due first (keyset by due date and id).
        Index("ix_compensation_claims_provider_feed", "provider_id", "due_date", "id"),
    )

    id: Mapped[PrimaryKey]
    kind: Mapped[ClaimKind] = mapped_column(enum_column(ClaimKind))
    person_id: Mapped[PersonId]
    region_id: Mapped[RegionId]
    provider_id: Mapped[ProviderId | None]
    # A provider's claim for an order is unique per order (one payment per order).
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"), index=True)
    classifier_item_id: Mapped[int] = mapped_column(ForeignKey("classifier_items.id"))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"))
    receipt_sha256: Mapped[str | None] = mapped_column(String(64))
    submitted_by_account_id: Mapped[AccountId]
    quantity: Mapped[Units]
    amount_claimed: Mapped[Tenge]
    amount_approvable: Mapped[Tenge]
    amount_approved: Mapped[Tenge | None]
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus), default=ClaimStatus.SUBMITTED, index=True)
    reject_reason: Mapped[str | None] = mapped_column(String(1000))
    # Why less than claimed was approved (the officer's words, or the cap when it held the amount back).
    reduction_reason: Mapped[str | None] = mapped_column(String(1000))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[WrittenAt]
    due_date: Mapped[dt.date] = mapped_column(index=True)
    decided_at: Mapped[dt.datetime | None]
    decided_by_account_id: Mapped[AccountId | None]
    paid_at: Mapped[dt.datetime | None]
    payment_reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[Version]
