"""Invataxi vehicles and trips as GraphQL types."""

from __future__ import annotations

import datetime as dt

import strawberry

from marketplace.orders.models import OrderStatus
from marketplace.transport import models as m
from schema.accounts.types import Region
from schema.catalog.types import Provider
from schema.core.ids import to_global_id
from schema.core.loaders import related, related_many
from schema.core.node import Node
from schema.orders.types import Order, Recipient

TripStatus = strawberry.enum(m.TripStatus)


@strawberry.type(description="An invataxi vehicle of a transport provider and the regions it serves.")
class Vehicle(Node):
    plate_number: str
    model: str
    wheelchair_accessible: bool
    seats: int = strawberry.field(description="Passenger seats.")
    is_active: bool
    pk: strawberry.Private[int]
    provider_pk: strawberry.Private[int]
    region_pks: strawberry.Private[list[int]]

    @strawberry.field(description="Its service area.")
    async def service_regions(self, info: strawberry.Info) -> list[Region]:
        return await related_many(info.context.loaders.region, self.region_pks, Region)

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> Provider:
        return Provider.from_model(await info.context.loaders.provider.load(self.provider_pk))

    @classmethod
    def from_model(cls, v: m.Vehicle) -> Vehicle:
        return cls(
            id=strawberry.ID(to_global_id("Vehicle", v.id)), pk=v.id, provider_pk=v.provider_id,
            region_pks=list(v.service_region_ids or []), plate_number=v.plate_number, model=v.model,
            wheelchair_accessible=v.wheelchair_accessible, seats=v.seats, is_active=v.is_active,
        )


@strawberry.type(description="An invataxi trip, booked like an appointment and paid through its order.")
class Trip(Node):
    status: TripStatus  # type: ignore[valid-type]
    starts_at: dt.datetime = strawberry.field(description="Pickup time.")
    ends_at: dt.datetime = strawberry.field(description="Estimated end; the vehicle is held until then.")
    proposed_starts_at: dt.datetime | None = strawberry.field(description="The provider's other time, if proposed.")
    pickup_address: str
    dropoff_address: str
    with_companion: bool
    needs_wheelchair: bool
    created_at: dt.datetime
    pk: strawberry.Private[int]
    person_pk: strawberry.Private[int]
    provider_pk: strawberry.Private[int]
    vehicle_pk: strawberry.Private[int | None]
    order_pk: strawberry.Private[int | None]

    @strawberry.field
    async def vehicle(self, info: strawberry.Info) -> Vehicle | None:
        return await related(info.context.loaders.vehicle, self.vehicle_pk, Vehicle)

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> Provider:
        return Provider.from_model(await info.context.loaders.provider.load(self.provider_pk))

    @strawberry.field(description="The order that pays for it (one trip of the entitlement).")
    async def order(self, info: strawberry.Info) -> Order | None:
        return await related(info.context.loaders.order, self.order_pk, Order)

    @strawberry.field(description="The provider reported it done; the recipient's confirmation is awaited.")
    async def awaiting_confirmation(self, info: strawberry.Info) -> bool:
        if self.order_pk is None or self.status != m.TripStatus.CONFIRMED:
            return False
        o = await info.context.loaders.order.load(self.order_pk)
        return o is not None and o.status == OrderStatus.DELIVERED

    @strawberry.field
    async def recipient(self, info: strawberry.Info) -> Recipient:
        p = await info.context.loaders.person.load(self.person_pk)
        return Recipient(full_name=p.full_name, phone=p.phone, address=p.address)

    @classmethod
    def from_model(cls, t: m.Trip) -> Trip:
        return cls(
            id=strawberry.ID(to_global_id("Trip", t.id)), pk=t.id, person_pk=t.person_id, provider_pk=t.provider_id,
            vehicle_pk=t.vehicle_id, order_pk=t.order_id, status=t.status, starts_at=t.starts_at, ends_at=t.ends_at,
            proposed_starts_at=t.proposed_starts_at, pickup_address=t.pickup_address,
            dropoff_address=t.dropoff_address, with_companion=t.with_companion, needs_wheelchair=t.needs_wheelchair,
            created_at=t.created_at,
        )
