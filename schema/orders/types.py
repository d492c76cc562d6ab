"""Orders, service logs and reviews as GraphQL types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from marketplace.accounts.models import Role
from marketplace.orders import models as m
from schema.catalog.types import Listing, OfProvidersItem
from schema.core.ids import to_global_id
from schema.core.node import Node
from schema.records.types import Entitlement

OrderStatus = strawberry.enum(m.OrderStatus)
ServiceLogStatus = strawberry.enum(m.ServiceLogStatus)


@strawberry.type(description="Who receives an order: what the provider needs to deliver, nothing more.")
class Recipient:
    full_name: str
    phone: str | None
    address: str | None


@strawberry.type
class ForPerson(OfProvidersItem):
    """What a person asks of a listing, paid from an entitlement (an order, a quote)."""

    person_pk: strawberry.Private[int]
    listing_pk: strawberry.Private[int]
    entitlement_pk: strawberry.Private[int]

    @strawberry.field
    async def listing(self, info: strawberry.Info) -> Listing:
        return Listing.from_model(await info.context.loaders.listing.load(self.listing_pk))

    @strawberry.field(description="The entitlement it is paid from (not shown to the provider).")
    async def entitlement(self, info: strawberry.Info) -> Entitlement | None:
        # The entitlement is the recipient's and the region's business, not the provider's.
        if info.context.viewer.role == Role.PROVIDER:
            return None
        return Entitlement.from_model(await info.context.loaders.entitlement.load(self.entitlement_pk))

    @strawberry.field(description="Who asks: what the provider needs to fit and deliver the item.")
    async def recipient(self, info: strawberry.Info) -> Recipient:
        p = await info.context.loaders.person.load(self.person_pk)
        return Recipient(full_name=p.full_name, phone=p.phone, address=p.address)


@strawberry.type(description="Hours a provider's worker spent with the recipient.")
class ServiceLog(Node):
    worker_name: str
    service_date: dt.date
    start_time: dt.time
    end_time: dt.time
    hours: Decimal
    status: ServiceLogStatus  # type: ignore[valid-type]
    note: str | None
    confirmed_at: dt.datetime | None

    @classmethod
    def from_model(cls, s: m.ServiceLog) -> "ServiceLog":
        return cls(
            id=strawberry.ID(to_global_id("ServiceLog", s.id)), worker_name=s.worker_name,
            service_date=s.service_date, start_time=s.start_time, end_time=s.end_time, hours=s.hours,
            status=s.status, note=s.note, confirmed_at=s.confirmed_at,
        )


@strawberry.type(description="An order against an entitlement, with the price split snapshotted at placement.")
class Order(Node, ForPerson):
    quantity: Decimal
    unit_price: Decimal
    price_cap: Decimal | None
    total: Decimal
    state_share: Decimal = strawberry.field(description="min(price, cap) × quantity: what the state pays.")
    co_payment: Decimal = strawberry.field(description="What the recipient pays.")
    delivery_option: str | None
    course_starts_on: dt.date | None = strawberry.field(description="The day a course (sanatorium) starts.")
    status: OrderStatus  # type: ignore[valid-type]
    decline_reason: str | None
    placed_at: dt.datetime
    accepted_at: dt.datetime | None
    delivered_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    pk: strawberry.Private[int]

    @strawberry.field
    async def service_logs(self, info: strawberry.Info) -> list[ServiceLog]:
        return [ServiceLog.from_model(s) for s in await info.context.loaders.service_logs_by_order.load(self.pk)]

    @classmethod
    def from_model(cls, o: m.Order) -> "Order":
        return cls(
            id=strawberry.ID(to_global_id("Order", o.id)), pk=o.id, person_pk=o.person_id, listing_pk=o.listing_id,
            provider_pk=o.provider_id, entitlement_pk=o.entitlement_id, item_pk=o.classifier_item_id,
            quantity=o.quantity, unit_price=o.unit_price, price_cap=o.price_cap, total=o.total,
            state_share=o.state_share, co_payment=o.co_payment, delivery_option=o.delivery_option,
            course_starts_on=o.course_starts_on, status=o.status,
            decline_reason=o.decline_reason, placed_at=o.placed_at, accepted_at=o.accepted_at,
            delivered_at=o.delivered_at, confirmed_at=o.confirmed_at,
        )
