"""The state classifier of aids and services, providers and their listings."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, BigPrimaryKey, ChangedAt, PrimaryKey, ProviderId, RegionId, Tally, Tenge, Units, Version, WrittenAt
from marketplace.db import enum_column, in_range, not_negative, positive


class ItemKind(str, enum.Enum):
    PRODUCT = "PRODUCT"
    SERVICE = "SERVICE"


class Unit(str, enum.Enum):
    PIECE = "PIECE"
    PAIR = "PAIR"
    HOUR = "HOUR"
    DAY = "DAY"
    COURSE = "COURSE"
    TRIP = "TRIP"


class ItemCategory(str, enum.Enum):
    MOBILITY = "MOBILITY"
    PROSTHETICS = "PROSTHETICS"
    ORTHOTICS = "ORTHOTICS"
    HEARING = "HEARING"
    VISION = "VISION"
    HYGIENE = "HYGIENE"
    SIGN_LANGUAGE = "SIGN_LANGUAGE"
    PERSONAL_ASSISTANT = "PERSONAL_ASSISTANT"
    SANATORIUM = "SANATORIUM"
    TRANSPORT = "TRANSPORT"
    SELF_CARE = "SELF_CARE"
    SOCIAL_SERVICES = "SOCIAL_SERVICES"


class VerificationStatus(str, enum.Enum):
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    SUSPENDED = "SUSPENDED"


class ListingStatus(str, enum.Enum):
    DRAFT = "DRAFT"
    PENDING_REVIEW = "PENDING_REVIEW"
    PUBLISHED = "PUBLISHED"
    REJECTED = "REJECTED"
    ARCHIVED = "ARCHIVED"


class DeliveryOption(str, enum.Enum):
    HOME_DELIVERY = "HOME_DELIVERY"
    PICKUP = "PICKUP"
    AT_PROVIDER = "AT_PROVIDER"
    AT_HOME_SERVICE = "AT_HOME_SERVICE"
    REMOTE = "REMOTE"


class CapSchedule(NamedTuple):
    """An item's cap on a day: the one in force (``cap``, since ``cap_from``) and the one set
    ahead (``next_cap`` from ``next_from``), if any."""

    cap: Decimal | None
    cap_from: dt.date | None
    next_cap: Decimal | None
    next_from: dt.date | None


class ClassifierItem(Base):
    __tablename__ = "classifier_items"
    __table_args__ = (
        positive("price_cap", optional=True),
        positive("service_life_months", optional=True, name="service_life_positive"),
        positive("next_price_cap", optional=True),
        positive("quarterly_release", optional=True),
        positive("yearly_max", optional=True),
        positive("daily_max", optional=True),
        positive("course_days", optional=True),
    )

    id: Mapped[PrimaryKey]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind))
    unit: Mapped[Unit] = mapped_column(enum_column(Unit))
    category: Mapped[ItemCategory] = mapped_column(enum_column(ItemCategory))
    # The state norm per unit; none for custom items, which go by an approved quote.
    price_cap: Mapped[Tenge | None]
    price_cap_from: Mapped[dt.date | None]  # since when ``price_cap`` is in force
    # A new cap the administrator set ahead: it replaces ``price_cap`` on its date (orders placed
    # before keep their snapshot; ``catalog.administration.apply_scheduled_caps``).
    next_price_cap: Mapped[Tenge | None]
    next_price_cap_from: Mapped[dt.date | None]
    service_life_months: Mapped[int | None] = mapped_column(Integer)
    # The norms (marketplace/records/norms.py holds them on every path): how much a quota item
    # releases per quarter (hygiene items), the most per calendar year (sign language 60 hours),
    # the most per day (personal assistant 8 hours), the days of a course (sanatorium 14), and
    # whether a line may cover a companion (group I and children only).
    quarterly_release: Mapped[Units | None]
    yearly_max: Mapped[Units | None]
    daily_max: Mapped[Units | None]
    course_days: Mapped[int | None] = mapped_column(Integer)
    companion_allowed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A "with a companion" variant (TSR-10-002) is paid from a line of its base item
    # (TSR-10-001) that has ``with_companion`` set.
    companion_variant_of_id: Mapped[int | None] = mapped_column(ForeignKey("classifier_items.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def is_custom(self) -> bool:
        return self.price_cap is None

    def cap_on(self, day: dt.date) -> Decimal | None:
        """The cap in force on ``day``: a cap set ahead counts from its first day, Almaty time,
        before ``apply_scheduled_caps`` has swapped it in (it runs hourly, so an order, a claim
        or a search in the first minutes of that day would otherwise be priced on the old cap)."""
        return self.caps_on(day).cap

    def caps_on(self, day: dt.date) -> CapSchedule:
        """The cap in force on ``day`` and since when, and the one still ahead (if any)."""
        if self.next_price_cap is not None and self.next_price_cap_from is not None and self.next_price_cap_from <= day:
            return CapSchedule(self.next_price_cap, self.next_price_cap_from, None, None)
        return CapSchedule(self.price_cap, self.price_cap_from, self.next_price_cap, self.next_price_cap_from)


class Rated:
    """What the recipients' reviews add up to (a provider, a listing): ``rating_sum`` of the
    ``rating_count`` ratings counted, hidden reviews not among them."""

    rating_sum: int
    rating_count: int

    @property
    def rating(self) -> Decimal | None:
        """The mean rating to the hundredth, or None before the first review."""
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / self.rating_count).quantize(Decimal("0.01"))


class Provider(Rated, Base):
    __tablename__ = "providers"
    __table_args__ = (
        CheckConstraint("length(bin) = 12", name="bin_length"),
        not_negative("rating_count"),
    )

    id: Mapped[PrimaryKey]
    bin: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(300))  # the registered name (Russian, as in the state register)
    name_kk: Mapped[str | None] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    # What it offers (ItemCategory values), as declared at registration.
    service_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    verification_status: Mapped[VerificationStatus] = mapped_column(
        enum_column(VerificationStatus), default=VerificationStatus.PENDING
    )
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(200))
    # Accessibility of the premises: step-free entrance, accessible toilet, ...
    accessibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    rating_sum: Mapped[Tally]
    rating_count: Mapped[Tally]
    created_at: Mapped[WrittenAt]
    updated_at: Mapped[ChangedAt]


class ProviderRegion(Base):
    """A region a provider serves."""

    __tablename__ = "provider_regions"

    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True)
    region_id: Mapped[RegionId] = mapped_column(primary_key=True)


class Listing(Rated, Base):
    __tablename__ = "listings"
    __table_args__ = (
        positive("unit_price"),
        in_range("lead_time_days", 0, 365, name="lead_time_range"),
        not_negative("stock", optional=True),
    )

    id: Mapped[PrimaryKey]
    provider_id: Mapped[ProviderId]
    classifier_item_id: Mapped[int] = mapped_column(ForeignKey("classifier_items.id"), index=True)
    title_kk: Mapped[str] = mapped_column(String(200), default="")
    title_ru: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_kk: Mapped[str] = mapped_column(Text, default="")
    description_ru: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    unit_price: Mapped[Tenge]
    delivery_options: Mapped[list[str]] = mapped_column(JSON, default=list)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    # Units in stock for products, capacity (hours, places) for services; None = not tracked.
    stock: Mapped[int | None] = mapped_column(Integer)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ListingStatus] = mapped_column(enum_column(ListingStatus), default=ListingStatus.DRAFT, index=True)
    review_note: Mapped[str | None] = mapped_column(String(1000))
    rating_sum: Mapped[Tally]
    rating_count: Mapped[Tally]
    version: Mapped[Version]
    created_at: Mapped[WrittenAt]
    updated_at: Mapped[ChangedAt]


class ListingRegion(Base):
    """A region a listing is offered in (a subset of the provider's regions)."""

    __tablename__ = "listing_regions"

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True)
    region_id: Mapped[RegionId] = mapped_column(primary_key=True)


class SearchOutbox(Base):
    """Catalogue changes waiting to reach the search index.

    Written in the same transaction as the change; the index worker reads
    rows past its position, rebuilds each document from the database, and
    deletes the rows once Meilisearch confirms the task.
    """

    __tablename__ = "search_outbox"

    id: Mapped[BigPrimaryKey]
    entity: Mapped[str] = mapped_column(String(16))  # "listing" or "provider"
    entity_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[WrittenAt]


class SearchIndexVersion(Base):
    """How many times the outbox worker (or a reindex) has changed a search index: one row per
    index, counted up once Meilisearch has confirmed the change. What an anonymous search may
    reuse is keyed on it (schema/public_answers.py): a new number, and no earlier answer is served."""

    __tablename__ = "search_index_versions"

    index_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[ChangedAt]
