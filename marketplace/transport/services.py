"""Invataxi (seed 002): transport providers' vehicles, and trips booked like appointments.

How a trip is paid: every trip is an ORDER
-------------------------------------------
Booking places an ordinary ``Order`` for one unit of the provider's published
listing of a TRANSPORT item counted in TRIP units, through
``orders.services.place_order``; the trip references it (``Trip.order_id``).
So the whole money path is the existing one, unchanged: placing reserves one
trip of the recipient's entitlement (the same conditional UPDATE, the same
idempotency), declining or cancelling releases it, the recipient's
confirmation consumes it, and the provider then claims the state's share with
``submitClaim(claimFor: ORDER)`` like any other confirmed order.

Lifecycle (trip status / its order's status)
--------------------------------------------
- recipient ``book_trip``: REQUESTED / PLACED; a pickup time in the future (at
  most 60 days ahead), from, to, companion, wheelchair, and an estimated
  duration (default 60 minutes) giving ``ends_at``;
- provider ``confirm_trip`` with one of its vehicles: CONFIRMED / ACCEPTED;
  the vehicle must be active, serve the person's region, be
  wheelchair-accessible when the trip needs it and seat the companion;
- or provider ``propose_trip_time``: RESCHEDULE_PROPOSED; the recipient
  ``accept_trip_proposal`` (REQUESTED again, at the new time, for the provider
  to confirm) or ``cancel_trip``;
- provider ``decline_trip`` (before confirming): CANCELLED / DECLINED;
  recipient ``cancel_trip`` (before it is done): CANCELLED / CANCELLED;
- provider ``mark_trip_done`` once the pickup time has come: CONFIRMED / DELIVERED;
- recipient ``complete_trip``: COMPLETED / CONFIRMED (one trip consumed).

No vehicle is double-booked: confirming locks the vehicle row (SELECT ... FOR
UPDATE on PostgreSQL; SQLite write transactions are serialised by BEGIN
IMMEDIATE) and refuses OVERLAPPING_HOURS when another live trip of that
vehicle overlaps [starts_at, ends_at). Every step is audited (``trip.*``) in
the same transaction; notifications follow from those events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.audit import idempotency
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.catalog.models import (
    ClassifierItem,
    ItemCategory,
    Listing,
    ListingStatus,
    Provider,
    ProviderRegion,
    Unit,
    VerificationStatus,
)
from marketplace import clock
from marketplace.cleaning import clean_id, clean_required_text
from marketplace.db import count_rows
from marketplace.errors import DomainError, ErrorCode, N_, not_found, Phrase
from marketplace.orders import services as orders
from marketplace.lifecycle import TRIP, transition
from marketplace.orders.models import Order, OrderStatus
from marketplace.records.models import DisabilityGroup, Entitlement
from marketplace.records.services import active_record
from marketplace.transport.models import Trip, TripStatus, Vehicle

OP_BOOK_TRIP = "transport.book_trip"
MAX_AHEAD = dt.timedelta(days=60)
DEFAULT_DURATION_MINUTES = 60
MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 8 * 60
MAX_ADDRESS = 300
MAX_MODEL = 100
MAX_SEATS = 20
MAX_REASON = 1000
MAX_PAGE = 100
PLATE_RE = re.compile(r"^[0-9A-Z]{4,16}$")
# Trips that hold their vehicle's time.
LIVE = (TripStatus.REQUESTED, TripStatus.CONFIRMED, TripStatus.RESCHEDULE_PROPOSED)


# -- vehicles ---------------------------------------------------------------------------------
def _clean_plate(value: str | None) -> str:
    plate = re.sub(r"[\s-]", "", value or "").upper()
    if not plate:
        raise DomainError(ErrorCode.REQUIRED, "Required.", "plateNumber")
    if not PLATE_RE.match(plate):
        raise DomainError(ErrorCode.INVALID, "4-16 Latin letters and digits, e.g. 123ABC02.", "plateNumber")
    return plate


def _clean_seats(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEATS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "1 to {most} passenger seats.", "seats", most=MAX_SEATS)
    return value


async def _clean_regions(session: AsyncSession, provider_id: int, region_ids: Sequence[Any] | None) -> list[int]:
    ids = sorted({clean_id(r, "region", "serviceRegionIds") for r in (region_ids or [])})
    if not ids:
        raise DomainError(ErrorCode.REQUIRED, "Name at least one region the vehicle serves.", "serviceRegionIds")
    served = set((await session.execute(
        select(ProviderRegion.region_id).where(ProviderRegion.provider_id == provider_id)
    )).scalars())
    if not set(ids) <= served:
        raise DomainError(ErrorCode.REGION_NOT_SERVED,
                          "A vehicle serves only regions your organisation serves.", "serviceRegionIds")
    return ids


async def add_vehicle(
    session: AsyncSession,
    viewer: Viewer,
    *,
    plate_number: str,
    model: str,
    service_region_ids: Sequence[int],
    wheelchair_accessible: bool = True,
    seats: int = 4,
) -> Vehicle:
    """Provider: list a vehicle with its service area (regions) and accessibility."""
    viewer.require_role(Role.PROVIDER)
    assert viewer.provider_id is not None
    provider = await session.get(Provider, viewer.provider_id)
    assert provider is not None
    if provider.verification_status == VerificationStatus.SUSPENDED:
        raise DomainError(ErrorCode.FORBIDDEN, "A suspended provider cannot list vehicles.")
    plate = _clean_plate(plate_number)
    name = clean_required_text(model, "model", MAX_MODEL)
    places = _clean_seats(seats)
    regions = await _clean_regions(session, provider.id, service_region_ids)
    if (await session.execute(select(Vehicle.id).where(Vehicle.plate_number == plate))).first() is not None:
        raise DomainError(ErrorCode.DUPLICATE, "A vehicle with this plate number is already listed.", "plateNumber")
    vehicle = Vehicle(provider_id=provider.id, plate_number=plate, model=name,
                      wheelchair_accessible=bool(wheelchair_accessible), seats=places,
                      service_region_ids=regions, is_active=True)
    session.add(vehicle)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent listing of the same plate
        raise DomainError(ErrorCode.DUPLICATE, "A vehicle with this plate number is already listed.",
                          "plateNumber") from exc
    audit(session, viewer, "vehicle.added", vehicle, None, snapshot(vehicle))
    return vehicle


async def _own_vehicle(session: AsyncSession, viewer: Viewer, vehicle_id: Any, *, lock: bool = False) -> Vehicle:
    viewer.require_role(Role.PROVIDER)
    vid = clean_id(vehicle_id, "vehicle", "vehicleId")
    stmt = select(Vehicle).where(Vehicle.id == vid)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    vehicle = (await session.execute(stmt)).scalar_one_or_none()
    if vehicle is None or not viewer.owns_provider(vehicle.provider_id):
        raise not_found("vehicle", "vehicleId")
    return vehicle


async def update_vehicle(
    session: AsyncSession,
    viewer: Viewer,
    vehicle_id: int,
    *,
    model: str | None = None,
    service_region_ids: Sequence[int] | None = None,
    wheelchair_accessible: bool | None = None,
    seats: int | None = None,
    is_active: bool | None = None,
) -> Vehicle:
    """Provider: change a vehicle. Refused (INVALID_TRANSITION) when a confirmed trip still to
    come would no longer fit it (retired, not accessible, region dropped, too few seats)."""
    vehicle = await _own_vehicle(session, viewer, vehicle_id, lock=True)
    before = snapshot(vehicle)
    if model is not None:
        vehicle.model = clean_required_text(model, "model", MAX_MODEL) or vehicle.model
    if seats is not None:
        vehicle.seats = _clean_seats(seats)
    if service_region_ids is not None:
        vehicle.service_region_ids = await _clean_regions(session, vehicle.provider_id, service_region_ids)
    if wheelchair_accessible is not None:
        vehicle.wheelchair_accessible = bool(wheelchair_accessible)
    if is_active is not None:
        vehicle.is_active = bool(is_active)
    coming = (await session.execute(
        select(Trip, Person.region_id).join(Person, Person.id == Trip.person_id).where(
            Trip.vehicle_id == vehicle.id, Trip.status == TripStatus.CONFIRMED, Trip.ends_at > clock.now(),
        ).order_by(Trip.starts_at)
    )).all()
    for trip, region_id in coming:
        problem = _unfit(vehicle, trip, region_id)
        if problem is not None:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              "Trip №{number} at {starts} relies on it: {problem}", "vehicleId",
                              number=str(trip.id), starts=trip.starts_at, problem=Phrase(problem))
    await session.flush()
    audit(session, viewer, "vehicle.updated", vehicle, before, snapshot(vehicle))
    return vehicle


def _unfit(vehicle: Vehicle, trip: Trip, region_id: int) -> str | None:
    """Why ``vehicle`` cannot do ``trip``, or None."""
    if not vehicle.is_active:
        return N_("the vehicle is not in service.")
    if trip.needs_wheelchair and not vehicle.wheelchair_accessible:
        return N_("the trip needs a wheelchair-accessible vehicle.")
    if region_id not in (vehicle.service_region_ids or []):
        return N_("the vehicle does not serve the person's region.")
    if vehicle.seats < 1 + int(trip.with_companion):
        return N_("not enough seats for the companion.")
    return None


async def list_vehicles(
    session: AsyncSession, viewer: Viewer, *, first: int = 20, after: int | None = None, count_only: bool = False
) -> list[Vehicle] | int:
    """A provider's own vehicles; an officer's: those serving their region; an admin's: all.
    By id, keyset-paged (``after``: the last id). Returns up to ``first + 1`` rows."""
    viewer.require_role(Role.PROVIDER, Role.LOCAL_BODY, Role.ADMIN)
    _check_first(first)
    stmt = select(Vehicle)
    if viewer.role == Role.PROVIDER:
        stmt = stmt.where(Vehicle.provider_id == viewer.provider_id)
    elif viewer.role == Role.LOCAL_BODY:
        stmt = stmt.join(ProviderRegion, and_(ProviderRegion.provider_id == Vehicle.provider_id,
                                              ProviderRegion.region_id == viewer.region_id))
    if after is not None and not count_only:
        stmt = stmt.where(Vehicle.id > clean_id(after, "cursor", "after"))
    rows = list((await session.execute(stmt.order_by(Vehicle.id))).scalars())
    if viewer.role == Role.LOCAL_BODY:
        rows = [v for v in rows if viewer.region_id in (v.service_region_ids or [])]
    if count_only:
        return len(rows)
    return rows[: first + 1]


async def get_vehicle(session: AsyncSession, viewer: Viewer, vehicle_id: int) -> Vehicle:
    """One vehicle within ``list_vehicles``' scope (NOT_FOUND otherwise)."""
    viewer.require_authenticated()
    vehicle = await session.get(Vehicle, clean_id(vehicle_id, "vehicle", "vehicleId"))
    visible = vehicle is not None and (
        viewer.is_admin
        or viewer.owns_provider(vehicle.provider_id)
        or (viewer.role == Role.LOCAL_BODY and viewer.region_id in (vehicle.service_region_ids or []))
    )
    if not visible:
        raise not_found("vehicle", "vehicleId")
    assert vehicle is not None
    return vehicle


def _check_first(first: Any) -> None:
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and {most}.", "first", most=MAX_PAGE)


# -- booking ----------------------------------------------------------------------------------
def _clean_moment(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "A date and time with its time zone.", field)
    moment = value.astimezone(dt.UTC).replace(second=0, microsecond=0)
    now = clock.now()
    if moment <= now:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "The pickup time must be in the future.", field)
    if moment > now + MAX_AHEAD:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {days} days ahead.", field, days=MAX_AHEAD.days)
    return moment


def _clean_duration(value: Any) -> int:
    if value is None:
        return DEFAULT_DURATION_MINUTES
    if isinstance(value, bool) or not isinstance(value, int) or not (
        MIN_DURATION_MINUTES <= value <= MAX_DURATION_MINUTES
    ):
        raise DomainError(ErrorCode.OUT_OF_RANGE,
                          "{low} to {high} minutes.", "durationMinutes",
                          low=MIN_DURATION_MINUTES, high=MAX_DURATION_MINUTES)
    return value


def _order_key(key: str) -> str:
    """The idempotency key of the trip's order, derived from the booking's (and never equal to a
    key the recipient uses for an ordinary order)."""
    return "trip:" + hashlib.sha256(key.encode()).hexdigest()[:40]


async def _earlier_trip(session: AsyncSession, viewer: Viewer, key: str, payload: str) -> Trip | None:
    assert viewer.account_id is not None
    trip_id = await idempotency.previous_result(session, viewer.account_id, OP_BOOK_TRIP, key, payload)
    if trip_id is None:
        return None
    return (await session.execute(
        select(Trip).where(Trip.id == trip_id).execution_options(populate_existing=True)
    )).scalar_one()


async def _refuse_person_clash(session: AsyncSession, person_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                               trip_id: int | None = None) -> None:
    """One person is on one trip at a time, whichever vehicles: OVERLAPPING_HOURS when another live
    trip of the person overlaps [starts_at, ends_at). Locks the person's row first (PostgreSQL; SQLite
    serialises writers), so two bookings racing for the same hour cannot both pass."""
    await session.execute(select(Person.id).where(Person.id == person_id).with_for_update())
    clash = (await session.execute(
        select(Trip).where(
            Trip.person_id == person_id, Trip.status.in_(LIVE), Trip.starts_at < ends_at, Trip.ends_at > starts_at,
            *([Trip.id != trip_id] if trip_id is not None else []),
        ).order_by(Trip.starts_at).limit(1)
    )).scalar_one_or_none()
    if clash is not None:
        raise DomainError(ErrorCode.OVERLAPPING_HOURS, "The person already has trip №{trip} from {starts} to {ends} UTC.", "startsAt",
                          trip=str(clash.id), starts=f"{clash.starts_at:%Y-%m-%d %H:%M}", ends=clash.ends_at.time())


async def book_trip(
    session: AsyncSession,
    viewer: Viewer,
    *,
    listing_id: int,
    entitlement_id: int,
    starts_at: dt.datetime,
    pickup_address: str,
    dropoff_address: str,
    idempotency_key: str,
    with_companion: bool = False,
    needs_wheelchair: bool = False,
    duration_minutes: int | None = None,
) -> Trip:
    """Recipient: book an invataxi trip against an entitlement of TRANSPORT/TRIP units, with the
    provider's listing; reserves one trip (an order is placed). The same idempotency key and
    request return the same trip; the same key with another request is IDEMPOTENCY_CONFLICT."""
    viewer.require_role(Role.RECIPIENT)
    assert viewer.account_id is not None
    key = idempotency.clean_key(idempotency_key)
    lid = clean_id(listing_id, "listing", "listingId")
    eid = clean_id(entitlement_id, "entitlement", "entitlementId")
    start = _clean_moment(starts_at, "startsAt")
    minutes = _clean_duration(duration_minutes)
    pickup = clean_required_text(pickup_address, "pickupAddress", MAX_ADDRESS)
    dropoff = clean_required_text(dropoff_address, "dropoffAddress", MAX_ADDRESS)
    payload = idempotency.request_hash({
        "listing_id": lid, "entitlement_id": eid, "starts_at": start.isoformat(), "minutes": minutes,
        "pickup": pickup, "dropoff": dropoff, "companion": bool(with_companion), "wheelchair": bool(needs_wheelchair),
    })
    earlier = await _earlier_trip(session, viewer, key, payload)
    if earlier is not None:
        return earlier

    listing = await session.get(Listing, lid)
    ent = await session.get(Entitlement, eid)
    if ent is None or ent.person_id not in viewer.person_ids:
        raise not_found("entitlement", "entitlementId")
    if listing is None or listing.status in (ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.REJECTED):
        raise not_found("listing", "listingId")  # never public: the same answer as a missing one
    if listing.status != ListingStatus.PUBLISHED:
        raise DomainError(ErrorCode.LISTING_NOT_AVAILABLE, "This listing is no longer offered.", "listingId")
    item = await session.get(ClassifierItem, listing.classifier_item_id)
    assert item is not None
    if item.category != ItemCategory.TRANSPORT or item.unit != Unit.TRIP:
        raise DomainError(ErrorCode.INVALID, "This listing is not an invataxi service.", "listingId")
    person = await session.get(Person, ent.person_id)
    assert person is not None
    if with_companion and not ent.with_companion:
        rec = await active_record(session, person.id, start.date())
        if rec is None or rec.group not in (DisabilityGroup.I, DisabilityGroup.CHILD):
            raise DomainError(ErrorCode.NOT_ELIGIBLE, "A companion rides along for group I and for children.",
                              "withCompanion")
    fleet = list((await session.execute(
        select(Vehicle).where(Vehicle.provider_id == listing.provider_id, Vehicle.is_active.is_(True))
    )).scalars())
    if not any(person.region_id in (v.service_region_ids or []) for v in fleet):
        raise DomainError(ErrorCode.REGION_NOT_SERVED, "This provider has no vehicle in your region.", "listingId")
    if needs_wheelchair and not any(
        v.wheelchair_accessible and person.region_id in (v.service_region_ids or []) for v in fleet
    ):
        raise DomainError(ErrorCode.REGION_NOT_SERVED,
                          "This provider has no wheelchair-accessible vehicle in your region.", "needsWheelchair")

    await _refuse_person_clash(session, person.id, start, start + dt.timedelta(minutes=minutes))
    order = await orders.place_order(
        session, viewer, listing_id=lid, entitlement_id=eid, quantity=1, idempotency_key=_order_key(key),
    )
    existing = (await session.execute(select(Trip).where(Trip.order_id == order.id))).scalar_one_or_none()
    if existing is not None:  # a concurrent twin committed its order first; its trip is the answer
        return existing
    trip = Trip(
        person_id=order.person_id, order_id=order.id, provider_id=order.provider_id, starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes), pickup_address=pickup, dropoff_address=dropoff,
        with_companion=bool(with_companion), needs_wheelchair=bool(needs_wheelchair), status=TripStatus.REQUESTED,
        created_at=clock.now(),
    )
    session.add(trip)
    await session.flush()
    audit(session, viewer, "trip.requested", trip, None, snapshot(trip))
    idempotency.remember(session, viewer.account_id, OP_BOOK_TRIP, key, payload, trip.id)
    await idempotency.flush_claiming_key(session)
    return trip


# -- the provider's answer ------------------------------------------------------------------
async def _trip_of_provider(session: AsyncSession, viewer: Viewer, trip_id: Any) -> Trip:
    viewer.require_role(Role.PROVIDER)
    trip = await session.get(Trip, clean_id(trip_id, "trip", "tripId"))
    if trip is None or not viewer.owns_provider(trip.provider_id):
        raise not_found("trip", "tripId")
    return trip


async def _trip_of_recipient(session: AsyncSession, viewer: Viewer, trip_id: Any) -> Trip:
    viewer.require_role(Role.RECIPIENT)
    trip = await session.get(Trip, clean_id(trip_id, "trip", "tripId"))
    if trip is None or not viewer.acts_for_person(trip.person_id):
        raise not_found("trip", "tripId")
    return trip


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
    vehicle = await _own_vehicle(session, viewer, vehicle_id, lock=True)
    person = await session.get(Person, trip.person_id)
    assert person is not None
    problem = _unfit(vehicle, trip, person.region_id)
    if problem is not None:
        code = ErrorCode.REGION_NOT_SERVED if "region" in problem else ErrorCode.NOT_ELIGIBLE
        raise DomainError(code, "Vehicle {plate}: {problem}", "vehicleId", plate=vehicle.plate_number,
                          problem=Phrase(problem))
    await _refuse_person_clash(session, person.id, trip.starts_at, trip.ends_at, trip.id)
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
    proposed = _clean_moment(starts_at, "startsAt")
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
    await _refuse_person_clash(session, trip.person_id, trip.proposed_starts_at, trip.proposed_starts_at + length,
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


# -- reading ----------------------------------------------------------------------------------
async def can_see_trip(session: AsyncSession, viewer: Viewer, trip: Trip) -> bool:
    if viewer.is_admin:
        return True
    if viewer.role == Role.RECIPIENT:
        return trip.person_id in viewer.person_ids
    if viewer.role == Role.PROVIDER:
        return trip.provider_id == viewer.provider_id
    if viewer.role == Role.LOCAL_BODY:
        person = await session.get(Person, trip.person_id)
        return person is not None and person.region_id == viewer.region_id
    return False


async def get_trip(session: AsyncSession, viewer: Viewer, trip_id: int) -> Trip:
    viewer.require_authenticated()
    trip = await session.get(Trip, clean_id(trip_id, "trip", "tripId"))
    if trip is None or not await can_see_trip(session, viewer, trip):
        raise not_found("trip", "tripId")
    return trip


def trip_cursor(trip: Trip) -> list[Any]:
    return [trip.starts_at.isoformat(), trip.id]


async def list_trips(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: TripStatus | str | None = None,
    since: dt.datetime | None = None,
    first: int = 20,
    after: Sequence[Any] | None = None,
    count_only: bool = False,
) -> list[Trip] | int:
    """Trips in the viewer's scope by pickup time (earliest first), keyset-paged by (starts_at, id);
    ``since`` keeps those starting at or after it. Returns up to ``first + 1`` rows."""
    viewer.require_authenticated()
    _check_first(first)
    stmt = select(Trip)
    if viewer.role == Role.RECIPIENT:
        stmt = stmt.where(Trip.person_id.in_(sorted(viewer.person_ids)))
    elif viewer.role == Role.PROVIDER:
        stmt = stmt.where(Trip.provider_id == viewer.provider_id)
    elif viewer.role == Role.LOCAL_BODY:
        stmt = stmt.join(Person, Person.id == Trip.person_id).where(Person.region_id == viewer.region_id)
    elif not viewer.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN, "Your role cannot see trips.")
    if status is not None:
        try:
            stmt = stmt.where(Trip.status == TripStatus(status))
        except ValueError as exc:
            raise DomainError(ErrorCode.INVALID, "Not a trip status.", "status") from exc
    if since is not None:
        if not isinstance(since, dt.datetime) or since.tzinfo is None:
            raise DomainError(ErrorCode.INVALID, "A date and time with its time zone.", "since")
        stmt = stmt.where(Trip.starts_at >= since)
    if count_only:
        return await count_rows(session, stmt)
    if after is not None:
        bad = DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
        if isinstance(after, str | bytes) or len(after) != 2 or not isinstance(after[0], str) \
                or isinstance(after[1], bool) or not isinstance(after[1], int):
            raise bad
        try:
            at = dt.datetime.fromisoformat(after[0])
        except ValueError as exc:
            raise bad from exc
        if at.tzinfo is None:
            raise bad
        stmt = stmt.where((Trip.starts_at > at) | ((Trip.starts_at == at) & (Trip.id > after[1])))
    rows = await session.execute(stmt.order_by(Trip.starts_at, Trip.id).limit(first + 1))
    return list(rows.scalars())
