"""Queries of invataxi vehicles and trips."""

from __future__ import annotations

import datetime as dt

import strawberry

from marketplace.transport import services
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.core.pagination import Connection, service_connection
from schema.transport.types import Trip, TripStatus, Vehicle


fetch_trip = node_from_service("Trip", services.get_trip, Trip.from_model)


node_from_service("Vehicle", services.get_vehicle, Vehicle.from_model)


@strawberry.type
class TransportQueries:
    @strawberry.field(description="Vehicles: a provider's own, those serving an officer's region, or all (admin).")
    async def vehicles(self, info: strawberry.Info, first: int | None = None, after: str | None = None) -> Connection[Vehicle]:
        return await service_connection(info, services.list_vehicles, first=first, after=after, wrap=Vehicle.from_model)

    @strawberry.field(description="Invataxi trips in the viewer's scope by pickup time, earliest first.")
    async def trips(
        self,
        info: strawberry.Info,
        status: TripStatus | None = None,  # type: ignore[valid-type]
        since: dt.datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Trip]:
        return await service_connection(info, services.list_trips, status=status, since=since, first=first,
                                        after=after, key=services.trip_cursor, wrap=Trip.from_model)

    @strawberry.field(description="One trip in the viewer's scope.")
    async def trip(self, info: strawberry.Info, id: strawberry.ID) -> Trip:
        return await fetch_trip(info, decode_id(id, "Trip"))
