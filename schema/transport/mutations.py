"""Mutations of invataxi: vehicles (provider), booking and answering trips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from marketplace.db import run_in_transaction
from marketplace.errors import DomainError
from marketplace.transport import services
from schema.core.errors import UserError, user_errors
from schema.core.ids import decode_id
from schema.core.mutations import guarded, in_transaction
from schema.transport.types import Trip, Vehicle


@strawberry.input
class AddVehicleInput:
    plate_number: str
    model: str
    service_region_ids: list[strawberry.ID]
    wheelchair_accessible: bool = True
    seats: int = 4


@strawberry.input(description="Only the fields given change.")
class UpdateVehicleInput:
    model: str | None = None
    service_region_ids: list[strawberry.ID] | None = None
    wheelchair_accessible: bool | None = None
    seats: int | None = None
    is_active: bool | None = None


@strawberry.input(description="A trip against a TRANSPORT entitlement counted in trips, with a provider's invataxi "
                              "listing. The same idempotency key twice returns the same trip.")
class BookTripInput:
    listing_id: strawberry.ID
    entitlement_id: strawberry.ID
    starts_at: dt.datetime = strawberry.field(description="Pickup time, with its time zone.")
    pickup_address: str
    dropoff_address: str
    idempotency_key: str
    with_companion: bool = False
    needs_wheelchair: bool = False
    duration_minutes: int | None = strawberry.field(default=None, description="Estimated, 15-480; default 60.")


@strawberry.type
class VehiclePayload:
    vehicle: Vehicle | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TripPayload:
    trip: Trip | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _regions(ids: list[strawberry.ID] | None) -> list[int] | None:
    if ids is None:
        return None
    return [decode_id(i, "Region", "serviceRegionIds") for i in ids]


async def _trip(info: strawberry.Info, fn, trip_id: strawberry.ID, *args: Any) -> TripPayload:  # type: ignore[no-untyped-def]
    try:
        tid = decode_id(trip_id, "Trip", "tripId")
    except DomainError as exc:
        return TripPayload(errors=user_errors(exc))
    trip, errors = await in_transaction(info, lambda s: fn(s, info.context.viewer, tid, *args))
    return TripPayload(trip=Trip.from_model(trip) if trip else None, errors=errors)


@strawberry.type
class TransportMutations:
    @strawberry.mutation(description="Transport provider: list a vehicle with its service area and accessibility.")
    async def add_vehicle(self, info: strawberry.Info, input: AddVehicleInput) -> VehiclePayload:
        async def work(s):  # type: ignore[no-untyped-def]
            return await services.add_vehicle(
                s, info.context.viewer, plate_number=input.plate_number, model=input.model,
                service_region_ids=_regions(input.service_region_ids) or [],
                wheelchair_accessible=input.wheelchair_accessible, seats=input.seats,
            )

        vehicle, errors = await in_transaction(info, work)
        return VehiclePayload(vehicle=Vehicle.from_model(vehicle) if vehicle else None, errors=errors)

    @strawberry.mutation(description="Transport provider: change a vehicle (or take it out of service).")
    async def update_vehicle(
        self, info: strawberry.Info, vehicle_id: strawberry.ID, input: UpdateVehicleInput
    ) -> VehiclePayload:
        async def work(s):  # type: ignore[no-untyped-def]
            return await services.update_vehicle(
                s, info.context.viewer, decode_id(vehicle_id, "Vehicle", "vehicleId"), model=input.model,
                service_region_ids=_regions(input.service_region_ids), wheelchair_accessible=input.wheelchair_accessible,
                seats=input.seats, is_active=input.is_active,
            )

        vehicle, errors = await in_transaction(info, work)
        return VehiclePayload(vehicle=Vehicle.from_model(vehicle) if vehicle else None, errors=errors)

    @strawberry.mutation(description="Recipient: book an invataxi trip; one trip of the entitlement is reserved.")
    async def book_trip(self, info: strawberry.Info, input: BookTripInput) -> TripPayload:
        try:
            listing_id = decode_id(input.listing_id, "Listing", "listingId")
            entitlement_id = decode_id(input.entitlement_id, "Entitlement", "entitlementId")
        except DomainError as exc:
            return TripPayload(errors=user_errors(exc))
        trip, errors = await guarded(lambda: run_in_transaction(
            info.context.db, services.book_trip, info.context.viewer, listing_id=listing_id,
            entitlement_id=entitlement_id, starts_at=input.starts_at, pickup_address=input.pickup_address,
            dropoff_address=input.dropoff_address, idempotency_key=input.idempotency_key,
            with_companion=input.with_companion, needs_wheelchair=input.needs_wheelchair,
            duration_minutes=input.duration_minutes,
        ))
        return TripPayload(trip=Trip.from_model(trip) if trip else None, errors=errors)

    @strawberry.mutation(description="Provider: confirm a requested trip on one of its vehicles (never double-booked).")
    async def confirm_trip(self, info: strawberry.Info, trip_id: strawberry.ID, vehicle_id: strawberry.ID) -> TripPayload:
        try:
            vid = decode_id(vehicle_id, "Vehicle", "vehicleId")
        except DomainError as exc:
            return TripPayload(errors=user_errors(exc))
        return await _trip(info, services.confirm_trip, trip_id, vid)

    @strawberry.mutation(description="Provider: propose another pickup time for the recipient to accept.")
    async def propose_trip_time(self, info: strawberry.Info, trip_id: strawberry.ID, starts_at: dt.datetime) -> TripPayload:
        return await _trip(info, services.propose_trip_time, trip_id, starts_at)

    @strawberry.mutation(description="Provider, before confirming: decline with a reason; the trip returns to the balance.")
    async def decline_trip(self, info: strawberry.Info, trip_id: strawberry.ID, reason: str) -> TripPayload:
        return await _trip(info, services.decline_trip, trip_id, reason)

    @strawberry.mutation(description="Provider: the trip took place; the recipient is asked to confirm it.")
    async def mark_trip_done(self, info: strawberry.Info, trip_id: strawberry.ID) -> TripPayload:
        return await _trip(info, services.mark_trip_done, trip_id)

    @strawberry.mutation(description="Recipient: accept the provider's proposed time.")
    async def accept_trip_proposal(self, info: strawberry.Info, trip_id: strawberry.ID) -> TripPayload:
        return await _trip(info, services.accept_trip_proposal, trip_id)

    @strawberry.mutation(description="Recipient: cancel a trip not yet done; the trip returns to the balance.")
    async def cancel_trip(self, info: strawberry.Info, trip_id: strawberry.ID) -> TripPayload:
        return await _trip(info, services.cancel_trip, trip_id)

    @strawberry.mutation(description="Recipient: confirm the trip took place; one trip is consumed and the provider "
                                     "can claim it.")
    async def complete_trip(self, info: strawberry.Info, trip_id: strawberry.ID) -> TripPayload:
        return await _trip(info, services.complete_trip, trip_id)
