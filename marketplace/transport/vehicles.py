"""A transport provider's vehicles: listed with their service area (regions), seats and
accessibility, changed only while every confirmed trip still to come fits them; who may see which."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer, fetch_one_in_scope
from marketplace.accounts.models import Person, Role
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.catalog.models import Provider, ProviderRegion, VerificationStatus
from marketplace.cleaning import clean_id, clean_page_size, clean_required_text
from marketplace.db import select_for_update
from marketplace.errors import DomainError, ErrorCode, N_, not_found, Phrase
from marketplace.transport.models import Trip, TripStatus, Vehicle

MAX_MODEL = 100
MAX_SEATS = 20
PLATE_RE = re.compile(r"^[0-9A-Z]{4,16}$")


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


async def own_vehicle(session: AsyncSession, viewer: Viewer, vehicle_id: Any, *, lock: bool = False) -> Vehicle:
    viewer.require_role(Role.PROVIDER)
    vid = clean_id(vehicle_id, "vehicle", "vehicleId")
    stmt = select_for_update(Vehicle, vid) if lock else select(Vehicle).where(Vehicle.id == vid)
    return await fetch_one_in_scope(session, stmt, "vehicle", "vehicleId",
                                    lambda vehicle: viewer.owns_provider(vehicle.provider_id))


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
    vehicle = await own_vehicle(session, viewer, vehicle_id, lock=True)
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
        problem = why_unfit(vehicle, trip, region_id)
        if problem is not None:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              "Trip №{number} at {starts} relies on it: {problem}", "vehicleId",
                              number=str(trip.id), starts=trip.starts_at, problem=Phrase(problem))
    await session.flush()
    audit(session, viewer, "vehicle.updated", vehicle, before, snapshot(vehicle))
    return vehicle


def why_unfit(vehicle: Vehicle, trip: Trip, region_id: int) -> str | None:
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
    clean_page_size(first)
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
