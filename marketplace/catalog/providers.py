"""Providers: the public profile, the profile the provider keeps, and verification by an officer
(PENDING → VERIFIED or SUSPENDED; VERIFIED ⇄ SUSPENDED), which reindexes its listings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Region, Role
from marketplace.audit.services import record as audit
from marketplace.catalog.editing import UNSET, _same
from marketplace.catalog.models import Listing, ListingRegion, ListingStatus, Provider, ProviderRegion, SearchOutbox
from marketplace.catalog.models import VerificationStatus
from marketplace.catalog.rows import add_to_outbox, listing_snapshot, lock_listing, lock_provider, provider_region_ids
from marketplace.catalog.rows import provider_snapshot, set_regions
from marketplace.catalog.validation import MAX_ADDRESS, clean_accessibility, clean_email, clean_phone, clean_review_note
from marketplace.catalog.validation import clean_website
from marketplace.cleaning import FieldErrors, clean_choice, clean_id, clean_ids, clean_optional_text
from marketplace.db import utcnow
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.lifecycle import PROVIDER_VERIFICATION, transition


@dataclass(frozen=True)
class ProviderProfile:
    """A provider's public profile: the row and the regions it serves."""

    provider: Provider
    region_ids: list[int]
# -- providers --------------------------------------------------------------------
async def get_provider(session: AsyncSession, viewer: Viewer, provider_id: int) -> ProviderProfile:
    """A provider's public profile; anyone, signed in or not, may read it."""
    pid = clean_id(provider_id, "provider", "providerId")
    provider = await session.get(Provider, pid)
    if provider is None:
        raise not_found("provider", "providerId")
    return ProviderProfile(provider, await provider_region_ids(session, pid))


async def outbox_provider(session: AsyncSession, provider_id: int) -> None:
    """The provider's row and one for each of its published listings, whose
    documents carry the provider's name, regions and verification status."""
    add_to_outbox(session, "provider", provider_id)
    ids = list(
        (
            await session.execute(
                select(Listing.id).where(
                    Listing.provider_id == provider_id, Listing.status == ListingStatus.PUBLISHED
                )
            )
        ).scalars()
    )
    if ids:
        now = utcnow()
        await session.execute(
            insert(SearchOutbox), [{"entity": "listing", "entity_id": i, "created_at": now} for i in ids]
        )


async def provider_for_keeper(session: AsyncSession, viewer: Viewer, provider_id: Any) -> Provider:
    viewer.require_role(Role.PROVIDER, Role.ADMIN)
    pid = clean_id(provider_id, "provider", "providerId")
    if not (viewer.is_admin or viewer.owns_provider(pid)):
        raise not_found("provider", "providerId")
    provider = await lock_provider(session, pid)
    if provider is None:
        raise not_found("provider", "providerId")
    return provider


async def update_provider_profile(
    session: AsyncSession,
    viewer: Viewer,
    provider_id: int,
    *,
    phone: Any = UNSET,
    email: Any = UNSET,
    address: Any = UNSET,
    website: Any = UNSET,
    accessibility: Any = UNSET,
    region_ids: Any = UNSET,
) -> ProviderProfile:
    """The provider itself (or an ADMIN) changes the given contacts, accessibility
    notes and served regions (UNSET: unchanged; None or '' clears a contact).

    Dropping a region takes it off the provider's listings too; it is refused
    (INVALID on ``regionIds``) while a listing that is not archived serves no
    other region: give that listing another region or archive it first.
    """
    provider = await provider_for_keeper(session, viewer, provider_id)
    errors = FieldErrors()
    values: dict[str, Any] = {}
    if phone is not UNSET:
        values["phone"] = errors.check(clean_phone, phone)
    if email is not UNSET:
        values["email"] = errors.check(clean_email, email)
    if address is not UNSET:
        values["address"] = errors.check(clean_optional_text, address, "address", MAX_ADDRESS)
    if website is not UNSET:
        values["website"] = errors.check(clean_website, website)
    if accessibility is not UNSET:
        values["accessibility"] = errors.check(clean_accessibility, accessibility)
    old_regions = await provider_region_ids(session, provider.id)
    new_regions: list[int] | None = None
    if region_ids is not UNSET:
        new_regions = errors.check(clean_ids, region_ids, "region", "regionIds")
        if new_regions is not None:
            known = set((await session.execute(select(Region.id).where(Region.id.in_(new_regions)))).scalars())
            missing = [i for i in new_regions if i not in known]
            if missing:
                errors.add(
                    DomainError(ErrorCode.NOT_FOUND, "No such region: {ids}.", "regionIds", ids=missing)
                )
                new_regions = None
    errors.raise_if_any()

    dropped = sorted(set(old_regions) - set(new_regions)) if new_regions is not None else []
    trimmed: dict[int, list[int]] = {}
    if dropped:
        rows = await session.execute(
            select(Listing.id, Listing.status, ListingRegion.region_id)
            .join(ListingRegion, ListingRegion.listing_id == Listing.id)
            .where(Listing.provider_id == provider.id)
        )
        regions_by_listing: dict[int, list[int]] = {}
        status_of: dict[int, ListingStatus] = {}
        for lid, status, rid in rows:
            regions_by_listing.setdefault(lid, []).append(rid)
            status_of[lid] = status
        stranded = []
        for lid, regs in regions_by_listing.items():
            if set(regs) & set(dropped):
                trimmed[lid] = regs
                if not set(regs) - set(dropped) and status_of[lid] != ListingStatus.ARCHIVED:
                    stranded.append(lid)
        if stranded:
            raise DomainError(
                ErrorCode.INVALID,
                "These listings would be left with no region: {ids}; give them another region or archive them first.",
                "regionIds", ids=sorted(stranded),
            )

    changes = {k: v for k, v in values.items() if not _same(getattr(provider, k), v)}
    regions_change = new_regions is not None and set(new_regions) != set(old_regions)
    if not changes and not regions_change:
        return ProviderProfile(provider, old_regions)

    before = provider_snapshot(provider, old_regions)
    for key, value in changes.items():
        setattr(provider, key, value)
    regions_now = old_regions
    if regions_change:
        assert new_regions is not None
        await set_regions(session, ProviderRegion, provider.id, old_regions, new_regions)
        regions_now = sorted(new_regions)
    provider.updated_at = utcnow()
    await session.flush()
    audit(session, viewer, "provider.updated", provider, before, provider_snapshot(provider, regions_now))

    for lid in sorted(trimmed):
        listing = await lock_listing(session, lid)
        assert listing is not None
        listing_before = listing_snapshot(listing, trimmed[lid])
        await session.execute(
            delete(ListingRegion).where(ListingRegion.listing_id == lid, ListingRegion.region_id.in_(dropped))
        )
        await session.execute(
            update(Listing).where(Listing.id == lid).values(version=Listing.version + 1)
            .execution_options(synchronize_session=False)
        )
        await session.refresh(listing)
        remaining = [r for r in trimmed[lid] if r not in dropped]
        after = listing_snapshot(listing, remaining)
        audit(session, viewer, "listing.regions_dropped", listing, listing_before, after)
        add_to_outbox(session, "listing", lid)
    await outbox_provider(session, provider.id)
    return ProviderProfile(provider, regions_now)


async def verify_provider(
    session: AsyncSession,
    viewer: Viewer,
    provider_id: int,
    status: VerificationStatus | str,
    reason: str | None = None,
) -> ProviderProfile:
    """An ADMIN: PENDING → VERIFIED or SUSPENDED, VERIFIED ⇄ SUSPENDED. A
    suspended provider's listings leave search and take no orders; a reason,
    if given, is kept in the audit trail."""
    viewer.require_role(Role.ADMIN)
    pid = clean_id(provider_id, "provider", "providerId")
    new = clean_choice(VerificationStatus, status, "status")
    note = clean_review_note(reason, required=False)
    provider = await lock_provider(session, pid)
    if provider is None:
        raise not_found("provider", "providerId")
    old = provider.verification_status

    def refusal(now: Provider) -> DomainError:
        return DomainError(ErrorCode.INVALID_TRANSITION, "The provider is {status}; it cannot become {new}.",
                           "status", status=now.verification_status, new=new)

    if not PROVIDER_VERIFICATION.may(old, new):
        raise refusal(provider)
    regions = await provider_region_ids(session, provider.id)
    await transition(session, viewer, PROVIDER_VERIFICATION, provider, new, action="provider.verification_changed",
                     old=[old], refusal=refusal, picture=lambda p: provider_snapshot(p, regions),
                     note={"reason": note} if note else None)
    await outbox_provider(session, provider.id)
    return ProviderProfile(provider, regions)
