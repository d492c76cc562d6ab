"""Queries of invataxi vehicles and trips."""

from __future__ import annotations

import datetime as dt

import strawberry

from marketplace.transport import services
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.core.pagination import Connection, build_connection, counter, decode_cursor, decode_id_cursor, page_size
from schema.transport.types import Trip, TripStatus, Vehicle


fetch_trip = node_from_service("Trip", services.get_trip, Trip.from_model)


node_from_service("Vehicle", services.get_vehicle, Vehicle.from_model)


@strawberry.type
class TransportQueries:
    @strawberry.field(description="Vehicles: a provider's own, those serving an officer's region, or all (admin).")
    async def vehicles(self, info: strawberry.Info, first: int | None = None, after: str | None = None) -> Connection[Vehicle]:
        size = page_size(first)
        async with info.context.db.session() as session:
            rows = await services.list_vehicles(session, info.context.viewer, first=size, after=decode_id_cursor(after))
        return build_connection(rows, size, key=lambda v: [v.id], wrap=Vehicle.from_model,
                                count=counter(info, services.list_vehicles), has_previous=after is not None)

    @strawberry.field(description="Invataxi trips in the viewer's scope by pickup time, earliest first.")
    async def trips(
        self,
        info: strawberry.Info,
        status: TripStatus | None = None,  # type: ignore[valid-type]
        since: dt.datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Trip]:
        size = page_size(first)
        async with info.context.db.session() as session:
            rows = await services.list_trips(session, info.context.viewer, status=status, since=since, first=size,
                                             after=decode_cursor(after))
        return build_connection(rows, size, key=services.trip_cursor, wrap=Trip.from_model,
                                count=counter(info, services.list_trips, status=status, since=since),
                                has_previous=after is not None)

    @strawberry.field(description="One trip in the viewer's scope.")
    async def trip(self, info: strawberry.Info, id: strawberry.ID) -> Trip:
        return await fetch_trip(info, decode_id(id, "Trip"))
