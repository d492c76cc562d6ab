"""The classifier, providers and listings as GraphQL types."""

from __future__ import annotations

import datetime as dt
import weakref
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from marketplace.catalog import models as m
from marketplace.clock import today
from schema.accounts.types import Region
from schema.catalog.reviews import reviews_field
from schema.core.ids import to_global_id
from schema.core.loaders import known, related_many
from schema.core.node import Node
from schema.core.scalars import Language, localized

ItemKind = strawberry.enum(m.ItemKind)
Unit = strawberry.enum(m.Unit)
ItemCategory = strawberry.enum(m.ItemCategory)
VerificationStatus = strawberry.enum(m.VerificationStatus)
ListingStatus = strawberry.enum(m.ListingStatus)
DeliveryOption = strawberry.enum(m.DeliveryOption)


@strawberry.type(description="An item of the state list of technical aids and services.")
class ClassifierItem(Node):
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    kind: ItemKind  # type: ignore[valid-type]
    unit: Unit  # type: ignore[valid-type]
    category: ItemCategory  # type: ignore[valid-type]
    price_cap: Decimal | None = strawberry.field(description="The state norm per unit in KZT; none for custom items.")
    service_life_months: int | None
    is_custom: bool
    quarterly_release: Decimal | None = strawberry.field(description="Released per quarter (quota items).")
    yearly_max: Decimal | None = strawberry.field(description="The most per calendar year for one person.")
    daily_max: Decimal | None = strawberry.field(description="The most per day for one person.")
    course_days: int | None = strawberry.field(description="The days of one course (sanatorium).")
    companion_allowed: bool = strawberry.field(description="A line may cover a companion (group I, children).")
    price_cap_from: dt.date | None = strawberry.field(default=None, description="Since when the cap is in force.")
    next_price_cap: Decimal | None = strawberry.field(default=None, description="A new cap set ahead: new orders "
                                                                                "from nextPriceCapFrom use it.")
    next_price_cap_from: dt.date | None = None
    pk: strawberry.Private[int]

    @strawberry.field
    def name(self, info: strawberry.Info, language: Language | None = None) -> str:  # type: ignore[valid-type]
        return localized(info.context.viewer.language, self.name_kk, self.name_ru, self.name_en, language)

    @classmethod
    def from_model(cls, c: m.ClassifierItem) -> "ClassifierItem":
        caps = c.caps_on(today())  # a cap set ahead is in force from its day, swapped in or not
        return cls(
            id=strawberry.ID(to_global_id("ClassifierItem", c.id)), pk=c.id, code=c.code, name_kk=c.name_kk,
            name_ru=c.name_ru, name_en=c.name_en, kind=c.kind, unit=c.unit, category=c.category,
            price_cap=caps.cap, service_life_months=c.service_life_months, is_custom=c.is_custom,
            quarterly_release=c.quarterly_release, yearly_max=c.yearly_max, daily_max=c.daily_max,
            course_days=c.course_days, companion_allowed=c.companion_allowed,
            price_cap_from=caps.cap_from, next_price_cap=caps.next_cap, next_price_cap_from=caps.next_from,
        )


def _regions_field(region_ids: str, description: str) -> Any:
    """The ``regions`` of a provider or a listing: the region ids its loader ``region_ids`` gives for its ``pk``."""

    async def regions(self: Any, info: strawberry.Info) -> list[Region]:
        ids = await getattr(info.context.loaders, region_ids).load(self.pk)
        return await related_many(info.context.loaders.region, ids, Region)

    return strawberry.field(resolver=regions, description=description)


@strawberry.type(description="A provider's public profile.")
class Provider(Node):
    bin: str
    name: str
    verification_status: VerificationStatus  # type: ignore[valid-type]
    phone: str | None
    email: str | None
    address: str | None
    website: str | None
    accessibility: list[str]
    rating: Decimal | None
    rating_count: int
    name_kk: str | None = strawberry.field(description="The name in Kazakh (``name`` is the registered one).")
    name_en: str | None
    service_kinds: list[ItemCategory] = strawberry.field(  # type: ignore[valid-type]
        description="What it offers, as declared at registration.")
    pk: strawberry.Private[int]

    reviews = reviews_field("provider")
    regions = _regions_field("provider_region_ids", "Regions the provider serves.")

    @classmethod
    def from_model(cls, p: m.Provider) -> "Provider":
        return cls(
            id=strawberry.ID(to_global_id("Provider", p.id)), pk=p.id, bin=p.bin, name=p.name,
            verification_status=p.verification_status, phone=p.phone, email=p.email, address=p.address,
            website=p.website, accessibility=list(p.accessibility or []), rating=p.rating,
            rating_count=p.rating_count, name_kk=p.name_kk, name_en=p.name_en,
            service_kinds=[m.ItemCategory(k) for k in p.service_kinds or []],
        )


@strawberry.type
class OfProvidersItem:
    """What names one provider and one classifier item (a listing, an order, a quote): both, loaded."""

    provider_pk: strawberry.Private[int]
    item_pk: strawberry.Private[int]

    # Sync resolvers that answer at once when the request has the row already (a search page
    # reads them with its listings) and hand graphql-core an awaitable otherwise.
    @strawberry.field
    def provider(self, info: strawberry.Info) -> Provider:
        return _shaped(info.context.loaders.provider, self.provider_pk, Provider)  # type: ignore[no-any-return]

    @strawberry.field
    def classifier_item(self, info: strawberry.Info) -> ClassifierItem:
        return _shaped(info.context.loaders.classifier_item, self.item_pk, ClassifierItem)  # type: ignore[no-any-return]


def _shaped(loader: Any, key: int, shape: Any) -> Any:
    """``shape`` of the row ``loader`` holds for ``key`` at once, or an awaitable of it. A row
    shaped once in the request is not shaped again (twenty hits of one classifier item: once)."""
    row = known(loader, key)
    if row is None:
        return _from_loader(loader, key, shape)
    shapes = _SHAPES.setdefault(loader, {})
    kept = shapes.get((shape, key))
    if kept is not None and kept[0] is row:
        return kept[1]
    shaped = shape.from_model(row)
    shapes[(shape, key)] = (row, shaped)
    return shaped


# Per request: each loader lives for one request, and its shapes with it.
_SHAPES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, int], tuple[Any, Any]]] = weakref.WeakKeyDictionary()


async def _from_loader(loader: Any, key: int, shape: Any) -> Any:
    return shape.from_model(await loader.load(key))


@strawberry.type(description="A provider's offer of one classifier item.")
class Listing(Node, OfProvidersItem):
    title_kk: str
    title_ru: str
    title_en: str
    description_kk: str
    description_ru: str
    description_en: str
    unit_price: Decimal
    delivery_options: list[str]
    lead_time_days: int
    stock: int | None
    attributes: JSON
    status: ListingStatus  # type: ignore[valid-type]
    review_note: str | None
    rating: Decimal | None
    rating_count: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    pk: strawberry.Private[int]

    @strawberry.field
    def title(self, info: strawberry.Info, language: Language | None = None) -> str:  # type: ignore[valid-type]
        return localized(info.context.viewer.language, self.title_kk, self.title_ru, self.title_en, language)

    @strawberry.field
    def description(self, info: strawberry.Info, language: Language | None = None) -> str:  # type: ignore[valid-type]
        return localized(
            info.context.viewer.language, self.description_kk, self.description_ru, self.description_en, language
        )

    reviews = reviews_field("listing")
    regions = _regions_field("listing_region_ids", "Regions the listing is offered in.")

    @classmethod
    def from_model(cls, x: m.Listing) -> "Listing":
        return cls(
            id=strawberry.ID(to_global_id("Listing", x.id)), pk=x.id, provider_pk=x.provider_id,
            item_pk=x.classifier_item_id, title_kk=x.title_kk, title_ru=x.title_ru, title_en=x.title_en,
            description_kk=x.description_kk, description_ru=x.description_ru, description_en=x.description_en,
            unit_price=x.unit_price, delivery_options=list(x.delivery_options or []),
            lead_time_days=x.lead_time_days, stock=x.stock, attributes=x.attributes or {}, status=x.status,
            review_note=x.review_note, rating=x.rating, rating_count=x.rating_count, version=x.version,
            created_at=x.created_at, updated_at=x.updated_at,
        )
