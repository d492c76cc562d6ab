"""Trips as each role sees them: a recipient their own and those of the persons they represent, a
provider its own, an officer those of their region's persons, an admin all; by pickup time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.cleaning import clean_choice, clean_id, clean_page_size
from marketplace.db import count_rows
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.transport.models import Trip, TripStatus


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
    clean_page_size(first)
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
        stmt = stmt.where(Trip.status == clean_choice(
            TripStatus, status, "status", lambda: DomainError(ErrorCode.INVALID, "Not a trip status.", "status")))
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
