"""A recipient books an invataxi trip: one unit of a provider's TRANSPORT/TRIP listing, placed as
an ordinary order against the recipient's entitlement (``orders.placing.place_order``), at a pickup
time in the future, never overlapping another live trip of the same person."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.audit import idempotency
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.catalog.models import ClassifierItem, ItemCategory, Listing, ListingStatus, Unit
from marketplace.cleaning import clean_id, clean_required_text
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.orders import services as orders
from marketplace.records.models import DisabilityGroup, Entitlement
from marketplace.records.services import active_record
from marketplace.transport.models import Trip, TripStatus, Vehicle

OP_BOOK_TRIP = "transport.book_trip"
MAX_AHEAD = dt.timedelta(days=60)
DEFAULT_DURATION_MINUTES = 60
MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 8 * 60
MAX_ADDRESS = 300
# Trips that hold their vehicle's time.
LIVE = (TripStatus.REQUESTED, TripStatus.CONFIRMED, TripStatus.RESCHEDULE_PROPOSED)


def clean_pickup_time(value: Any, field: str) -> dt.datetime:
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


async def refuse_person_clash(session: AsyncSession, person_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
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
    start = clean_pickup_time(starts_at, "startsAt")
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

    await refuse_person_clash(session, person.id, start, start + dt.timedelta(minutes=minutes))
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
