"""A quote for a custom item: the recipient asks, the provider prices, the region's officer decides."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import AccountId, Base, PersonId, PrimaryKey, ProviderId, RegionId, Tenge, Units, WrittenAt
from marketplace.db import enum_column, in_range, positive


class QuoteStatus(str, enum.Enum):
    REQUESTED = "REQUESTED"  # the recipient asked; the provider's turn
    QUOTED = "QUOTED"  # the provider priced it (and may revise); the officer's turn
    APPROVED = "APPROVED"  # the officer approved a price; the recipient's turn to order
    REJECTED = "REJECTED"  # the officer refused, with a reason
    ORDERED = "ORDERED"  # ordered at the approved price
    WITHDRAWN = "WITHDRAWN"  # the recipient withdrew it before ordering
    EXPIRED = "EXPIRED"  # nobody acted within the step's term (REQUESTED or APPROVED)


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (
        positive("quantity"),
        positive("unit_price", optional=True),
        positive("approved_unit_price", optional=True, name="approved_price_positive"),
        in_range("lead_time_days", 0, 365, optional=True, name="lead_time_range"),
        # An officer's queue: WHERE region_id = ? AND status = ? ORDER BY due_date, id.
        Index("ix_quotes_queue", "region_id", "status", "due_date", "id"),
        Index("ix_quotes_provider_feed", "provider_id", "due_date", "id"),
    )

    id: Mapped[PrimaryKey]
    person_id: Mapped[PersonId]
    region_id: Mapped[RegionId] = mapped_column(index=False)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    provider_id: Mapped[ProviderId] = mapped_column(index=False)
    classifier_item_id: Mapped[int] = mapped_column(ForeignKey("classifier_items.id"))
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlements.id"), index=True)
    requested_by_account_id: Mapped[AccountId]
    quantity: Mapped[Units]
    note: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[QuoteStatus] = mapped_column(enum_column(QuoteStatus), default=QuoteStatus.REQUESTED, index=True)
    # The provider's answer (revisable while QUOTED): price per unit, lead time, specification.
    unit_price: Mapped[Tenge | None]
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    specification: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # When the current step is due: the provider's answer (REQUESTED), the officer's decision
    # (QUOTED: the legal term), the recipient's order (APPROVED).
    due_date: Mapped[dt.date]
    # The officer's decision: the state pays up to this per unit; the rest, if any, the recipient.
    approved_unit_price: Mapped[Tenge | None]
    reject_reason: Mapped[str | None] = mapped_column(String(1000))
    requested_at: Mapped[WrittenAt]
    quoted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by_account_id: Mapped[AccountId | None]
    closed_at: Mapped[dt.datetime | None]
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
