"""Reading the audit trail of one object, for those allowed to see the object.

Whether a viewer may see an object is the object's domain's own rule (its scoped read), so this
module stands above the domains: the audit package itself knows none of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account
from marketplace.applications.reading import get_application
from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import Listing, Provider
from marketplace.catalog.services import listing_region_ids
from marketplace.claims.services import get_claim
from marketplace.errors import not_found
from marketplace.orders.services import get_order
from marketplace.records.models import DisabilityRecord
from marketplace.records.services import get_entitlement, get_person
from marketplace.transport.reading import get_trip
from marketplace.transport.vehicles import get_vehicle

MAX_EVENTS = 500


async def _see_record(s: AsyncSession, v: Viewer, pk: int) -> Any:
    record = await s.get(DisabilityRecord, pk)
    if record is None or not v.can_see_person(record.person_id, record.region_id):
        raise not_found("record")
    return record


async def _see_listing(s: AsyncSession, v: Viewer, pk: int) -> Any:
    # Not the listing's own visibility: a published listing is public, its history is not (the
    # officer's login and rejection note, old prices, drafts). Its provider, the officers of the
    # regions it is offered in, and the administrator.
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
    provider = await s.get(Provider, pk)
    if provider is None or not (v.is_admin or v.owns_provider(pk)):
        raise not_found("provider")
    return provider


# What each subject type's visibility is decided by: the same scoped read as the object itself.
VISIBILITY: dict[str, Callable[[AsyncSession, Viewer, int], Awaitable[Any]]] = {
    "Order": get_order,
    "CompensationClaim": get_claim,
    "Entitlement": get_entitlement,
    "Person": get_person,
    "DisabilityRecord": _see_record,
    "Listing": _see_listing,
    "Provider": _see_provider,
    "Application": get_application,
    "Trip": get_trip,
    "Vehicle": get_vehicle,
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
