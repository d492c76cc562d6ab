"""Reading listings: what the public sees (PUBLISHED, provider not suspended), what each viewer sees,
one listing, a provider's own listings, the officers' moderation queue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_one_in_scope
from marketplace.accounts.models import Role
from marketplace.catalog.models import Listing, ListingRegion, ListingStatus, Provider, VerificationStatus
from marketplace.cleaning import clean_choice, clean_id
from marketplace.db import id_page
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.orders.models import Order


MAX_PAGE = 100


# -- small helpers ----------------------------------------------------------------
def clean_page_args(limit: Any, after_id: Any) -> tuple[int, int | None]:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "limit must be between 0 and {most}.", "limit", most=MAX_PAGE)
    if after_id is None:
        return limit, None
    if isinstance(after_id, bool) or not isinstance(after_id, int) or after_id < 0:
        raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
    return limit, after_id


# -- reading listings -------------------------------------------------------------
def public_listing_clause() -> ColumnElement[bool]:
    """Listings everyone may see: published, of a provider that is not suspended."""
    return and_(
        Listing.status == ListingStatus.PUBLISHED,
        exists().where(
            Provider.id == Listing.provider_id, Provider.verification_status != VerificationStatus.SUSPENDED
        ),
    )


def visible_listing_clause(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE condition for the listings ``viewer`` may see (see the module docs)."""
    if viewer.is_admin:
        return true()
    seen: list[ColumnElement[bool]] = [public_listing_clause()]
    if viewer.role == Role.PROVIDER and viewer.provider_id is not None:
        seen.append(Listing.provider_id == viewer.provider_id)
    elif viewer.role == Role.LOCAL_BODY and viewer.region_id is not None:
        seen.append(
            exists().where(ListingRegion.listing_id == Listing.id, ListingRegion.region_id == viewer.region_id)
        )
    elif viewer.role == Role.RECIPIENT and viewer.person_ids:
        seen.append(exists().where(Order.listing_id == Listing.id, Order.person_id.in_(sorted(viewer.person_ids))))
    return or_(*seen)


async def get_listing(session: AsyncSession, viewer: Viewer, listing_id: int) -> Listing:
    lid = clean_id(listing_id, "listing", "listingId")
    return await fetch_one_in_scope(session, select(Listing).where(Listing.id == lid, visible_listing_clause(viewer)),
                                    "listing", "listingId")


async def list_provider_listings(
    session: AsyncSession,
    viewer: Viewer,
    provider_id: int,
    *,
    status: ListingStatus | str | None = None,
    limit: int = 20,
    after_id: int | None = None,
    count_only: bool = False,
) -> list[Listing] | int:
    """A provider's listings the viewer may see (its owner: all), newest first;
    up to ``limit + 1`` rows, ``after_id`` being the last id of the previous page."""
    limit, after_id = clean_page_args(limit, after_id)
    pid = clean_id(provider_id, "provider", "providerId")
    if await session.get(Provider, pid) is None:
        raise not_found("provider", "providerId")
    stmt = select(Listing).where(Listing.provider_id == pid, visible_listing_clause(viewer))
    if status is not None:
        stmt = stmt.where(Listing.status == clean_choice(ListingStatus, status, "status"))
    return await id_page(session, stmt, Listing, first=limit, after=after_id, count_only=count_only, newest_first=True)


async def moderation_queue(
    session: AsyncSession, viewer: Viewer, *, limit: int = 20, after_id: int | None = None, count_only: bool = False
) -> list[Listing] | int:
    """Listings waiting for review that serve the officer's region (an ADMIN:
    all), oldest first; up to ``limit + 1`` rows, ``after_id`` being the last id seen."""
    viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
    limit, after_id = clean_page_args(limit, after_id)
    stmt = select(Listing).where(Listing.status == ListingStatus.PENDING_REVIEW)
    if not viewer.is_admin:
        stmt = stmt.where(
            exists().where(ListingRegion.listing_id == Listing.id, ListingRegion.region_id == viewer.region_id)
        )
    return await id_page(session, stmt, Listing, first=limit, after=after_id, count_only=count_only)
