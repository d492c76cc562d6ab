"""The answers along a trip's lifecycle after booking: the provider confirms it on a vehicle (no
vehicle double-booked), proposes another time, declines it or reports it done; the recipient
accepts a proposed time, cancels, or confirms the trip took place. Each moves the trip's order
the same way (accepted, declined, cancelled, delivered, confirmed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer, fetch_of_provider, fetch_of_recipient
from marketplace.accounts.models import Person
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.cleaning import clean_required_text
from marketplace.errors import DomainError, ErrorCode, Phrase
from marketplace.lifecycle import TRIP, transition
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderStatus
from marketplace.transport.booking import LIVE, clean_pickup_time, refuse_person_clash
from marketplace.transport.models import Trip, TripStatus
from marketplace.transport.vehicles import own_vehicle, why_unfit

MAX_REASON = 1000


# -- the provider's answer ------------------------------------------------------------------
async def _trip_of_provider(session: AsyncSession, viewer: Viewer, trip_id: Any) -> Trip:
    return await fetch_of_provider(session, viewer, Trip, trip_id, "trip", "tripId")


async def _trip_of_recipient(session: AsyncSession, viewer: Viewer, trip_id: Any) -> Trip:
    return await fetch_of_recipient(session, viewer, Trip, trip_id, "trip", "tripId")


async def _move(
    session: AsyncSession, viewer: Viewer, trip: Trip, old: Sequence[TripStatus], new: TripStatus, **values: Any
) -> dict[str, Any]:
    """old → new along the trip's lifecycle; the snapshot before, or INVALID_TRANSITION. The caller
    writes the audit event, after those of the trip's order."""
    return await transition(
        session, viewer, TRIP, trip, new, old=old, action=None,
        refusal=lambda now: DomainError(ErrorCode.INVALID_TRANSITION, "The trip is {status}.", "tripId",
                                        status=now.status),
        **values,
    )


def _require(trip: Trip, *allowed: TripStatus) -> None:
    if trip.status not in allowed:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The trip is {status}.", "tripId", status=trip.status)


async def confirm_trip(session: AsyncSession, viewer: Viewer, trip_id: int, vehicle_id: int) -> Trip:
    """Provider: REQUESTED → CONFIRMED on one of its vehicles (its order is accepted).

    Refused: a vehicle that does not fit (NOT_ELIGIBLE / REGION_NOT_SERVED), or one already
    booked for an overlapping time (OVERLAPPING_HOURS), however many confirmations race."""
    trip = await _trip_of_provider(session, viewer, trip_id)
    _require(trip, TripStatus.REQUESTED)
    # The lock on the vehicle serialises every confirmation that could overlap on it.
    vehicle = await own_vehicle(session, viewer, vehicle_id, lock=True)
    person = await session.get(Person, trip.person_id)
    assert person is not None
    problem = why_unfit(vehicle, trip, person.region_id)
    if problem is not None:
        code = ErrorCode.REGION_NOT_SERVED if "region" in problem else ErrorCode.NOT_ELIGIBLE
        raise DomainError(code, "Vehicle {plate}: {problem}", "vehicleId", plate=vehicle.plate_number,
                          problem=Phrase(problem))
    await refuse_person_clash(session, person.id, trip.starts_at, trip.ends_at, trip.id)
    clash = (await session.execute(
        select(Trip).where(
            Trip.vehicle_id == vehicle.id, Trip.id != trip.id, Trip.status.in_(LIVE),
            Trip.starts_at < trip.ends_at, Trip.ends_at > trip.starts_at,
        ).order_by(Trip.starts_at).limit(1)
    )).scalar_one_or_none()
    if clash is not None:
        raise DomainError(
            ErrorCode.OVERLAPPING_HOURS,
            "Vehicle {plate} is already booked from {starts} to {ends}.",
            "vehicleId", plate=vehicle.plate_number, starts=clash.starts_at, ends=clash.ends_at,
        )
    before = await _move(session, viewer, trip, [TripStatus.REQUESTED], TripStatus.CONFIRMED, vehicle_id=vehicle.id)
    if trip.order_id is not None:
        await orders.accept_order(session, viewer, trip.order_id)
    audit(session, viewer, "trip.confirmed", trip, before, snapshot(trip))
    return trip


async def propose_trip_time(session: AsyncSession, viewer: Viewer, trip_id: int, starts_at: dt.datetime) -> Trip:
    """Provider: REQUESTED → RESCHEDULE_PROPOSED with another pickup time for the recipient to accept."""
    trip = await _trip_of_provider(session, viewer, trip_id)
    proposed = clean_pickup_time(starts_at, "startsAt")
    _require(trip, TripStatus.REQUESTED)
    if proposed == trip.starts_at:
        raise DomainError(ErrorCode.INVALID, "That is the time already asked for.", "startsAt")
    before = await _move(session, viewer, trip, [TripStatus.REQUESTED], TripStatus.RESCHEDULE_PROPOSED,
                         proposed_starts_at=proposed)
    audit(session, viewer, "trip.time_proposed", trip, before, snapshot(trip))
    return trip


async def decline_trip(session: AsyncSession, viewer: Viewer, trip_id: int, reason: str) -> Trip:
    """Provider, before confirming: → CANCELLED with a reason; the order is declined and the trip
    returns to the recipient's balance."""
    trip = await _trip_of_provider(session, viewer, trip_id)
    why = clean_required_text(reason, "reason", MAX_REASON, multiline=True)
    _require(trip, TripStatus.REQUESTED, TripStatus.RESCHEDULE_PROPOSED)
    before = await _move(session, viewer, trip, [TripStatus.REQUESTED, TripStatus.RESCHEDULE_PROPOSED], TripStatus.CANCELLED)
    if trip.order_id is not None:
        await orders.decline_order(session, viewer, trip.order_id, why or "")
    audit(session, viewer, "trip.declined", trip, before, {**snapshot(trip), "reason": why})
    return trip


async def mark_trip_done(session: AsyncSession, viewer: Viewer, trip_id: int) -> Trip:
    """Provider: a CONFIRMED trip took place (its order is delivered); the recipient confirms it."""
    trip = await _trip_of_provider(session, viewer, trip_id)
    _require(trip, TripStatus.CONFIRMED)
    if trip.starts_at > clock.now():
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The pickup time has not come yet.", "tripId")
    if trip.order_id is not None:
        await orders.mark_delivered(session, viewer, trip.order_id)
    audit(session, viewer, "trip.done", trip, None, {"order_status": OrderStatus.DELIVERED.value})
    return trip


# -- the recipient's answer ----------------------------------------------------------------
async def accept_trip_proposal(session: AsyncSession, viewer: Viewer, trip_id: int) -> Trip:
    """Recipient: take the provider's proposed time (→ REQUESTED at that time, for the provider to confirm)."""
    trip = await _trip_of_recipient(session, viewer, trip_id)
    _require(trip, TripStatus.RESCHEDULE_PROPOSED)
    assert trip.proposed_starts_at is not None
    if trip.proposed_starts_at <= clock.now():
        raise DomainError(ErrorCode.OUT_OF_RANGE, "The proposed time has passed; cancel or book again.", "tripId")
    length = trip.ends_at - trip.starts_at
    await refuse_person_clash(session, trip.person_id, trip.proposed_starts_at, trip.proposed_starts_at + length,
                               trip.id)
    before = await _move(
        session, viewer, trip, [TripStatus.RESCHEDULE_PROPOSED], TripStatus.REQUESTED,
        starts_at=trip.proposed_starts_at, ends_at=trip.proposed_starts_at + length, proposed_starts_at=None,
    )
    audit(session, viewer, "trip.proposal_accepted", trip, before, snapshot(trip))
    return trip


async def cancel_trip(session: AsyncSession, viewer: Viewer, trip_id: int) -> Trip:
    """Recipient, before the trip is reported done: → CANCELLED; the trip returns to the balance."""
    trip = await _trip_of_recipient(session, viewer, trip_id)
    _require(trip, *LIVE)
    order = await session.get(Order, trip.order_id) if trip.order_id is not None else None
    if order is not None and order.status not in (OrderStatus.PLACED, OrderStatus.ACCEPTED):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The trip is already reported done.", "tripId")
    before = await _move(session, viewer, trip, list(LIVE), TripStatus.CANCELLED)
    if order is not None:
        await orders.cancel_order(session, viewer, order.id)
    audit(session, viewer, "trip.cancelled", trip, before, snapshot(trip))
    return trip


async def complete_trip(session: AsyncSession, viewer: Viewer, trip_id: int) -> Trip:
    """Recipient: the trip took place. CONFIRMED → COMPLETED; its order is confirmed, consuming one
    trip, and the provider can claim it."""
    trip = await _trip_of_recipient(session, viewer, trip_id)
    _require(trip, TripStatus.CONFIRMED)
    order = await session.get(Order, trip.order_id) if trip.order_id is not None else None
    if order is not None and order.status != OrderStatus.DELIVERED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The provider has not reported the trip done yet.", "tripId")
    before = await _move(session, viewer, trip, [TripStatus.CONFIRMED], TripStatus.COMPLETED)
    if order is not None:
        await orders.confirm_receipt(session, viewer, order.id)
    audit(session, viewer, "trip.completed", trip, before, snapshot(trip))
    return trip
