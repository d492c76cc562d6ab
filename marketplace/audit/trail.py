"""Reading the audit trail of one object, for those allowed to see the object."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account
from marketplace.audit.models import AuditEvent
from marketplace.errors import not_found

MAX_EVENTS = 500


async def _see_order(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.orders.services import get_order

    return await get_order(s, v, pk)


async def _see_claim(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.claims.services import get_claim

    return await get_claim(s, v, pk)


async def _see_entitlement(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.records.services import get_entitlement

    return await get_entitlement(s, v, pk)


async def _see_person(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.records.services import get_person

    return await get_person(s, v, pk)


async def _see_record(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.records.models import DisabilityRecord

    record = await s.get(DisabilityRecord, pk)
    if record is None or not v.can_see_person(record.person_id, record.region_id):
        raise not_found("record")
    return record


async def _see_listing(s: AsyncSession, v: Viewer, pk: int) -> Any:
    # Not the listing's own visibility: a published listing is public, its history is not (the
    # officer's login and rejection note, old prices, drafts). Its provider, the officers of the
    # regions it is offered in, and the administrator.
    from marketplace.catalog.models import Listing
    from marketplace.catalog.services import listing_region_ids

    listing = await s.get(Listing, pk)
    if listing is not None and (v.is_admin or v.owns_provider(listing.provider_id)):
        return listing
    if listing is not None and v.region_id is not None and any(
        v.is_officer_of(region_id) for region_id in (await listing_region_ids(s, [pk]))[pk]
    ):
        return listing
    raise not_found("listing")


async def _see_provider(s: AsyncSession, v: Viewer, pk: int) -> Any:
    # A provider's history is its own business and the administrator's.
    from marketplace.catalog.models import Provider

    provider = await s.get(Provider, pk)
    if provider is None or not (v.is_admin or v.owns_provider(pk)):
        raise not_found("provider")
    return provider


async def _see_application(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.applications.services import get_application

    return await get_application(s, v, pk)


async def _see_trip(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.transport.services import get_trip

    return await get_trip(s, v, pk)


async def _see_vehicle(s: AsyncSession, v: Viewer, pk: int) -> Any:
    from marketplace.transport.services import get_vehicle

    return await get_vehicle(s, v, pk)


# What each subject type's visibility is decided by: the same scoped read as the object itself.
VISIBILITY: dict[str, Callable[[AsyncSession, Viewer, int], Awaitable[Any]]] = {
    "Order": _see_order,
    "CompensationClaim": _see_claim,
    "Entitlement": _see_entitlement,
    "Person": _see_person,
    "DisabilityRecord": _see_record,
    "Listing": _see_listing,
    "Provider": _see_provider,
    "Application": _see_application,
    "Trip": _see_trip,
    "Vehicle": _see_vehicle,
}


async def audit_trail(
    session: AsyncSession, viewer: Viewer, subject_type: str, subject_id: int
) -> list[tuple[AuditEvent, str | None]]:
    """Events of one subject, oldest first, with the actor's username."""
    viewer.require_authenticated()
    check = VISIBILITY.get(subject_type)
    if check is None:
        raise not_found("object", "subjectId")
    await check(session, viewer, subject_id)
    rows = await session.execute(
        select(AuditEvent, Account.username)
        .outerjoin(Account, Account.id == AuditEvent.actor_account_id)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
        .limit(MAX_EVENTS)
    )
    return [(event, username) for event, username in rows.all()]
