"""A listing's lifecycle (``marketplace.lifecycle.LISTING``): the provider submits it, an officer of a
region it serves (or the admin) approves or rejects it, the provider or the admin archives it."""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.catalog.editing import check_version, own_listing
from marketplace.catalog.models import ClassifierItem, Listing, ListingStatus, Provider, VerificationStatus
from marketplace.catalog.rows import add_to_outbox, listing_snapshot, lock_listing, regions_of_listing
from marketplace.catalog.validation import clean_review_note
from marketplace.cleaning import clean_choice, clean_id
from marketplace.errors import DomainError, ErrorCode, not_found, N_, Phrase
from marketplace.lifecycle import LISTING, transition


class ReviewDecision(str, enum.Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"
# Where a listing may be submitted from, reviewed, archived.
SUBMITTABLE = (ListingStatus.DRAFT, ListingStatus.REJECTED)
ARCHIVABLE = tuple(s for s in ListingStatus if s != ListingStatus.ARCHIVED)


def wrong_state(listing: Listing, doing: str, allowed: Collection[ListingStatus]) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_TRANSITION,
        "The listing is {status}; only a listing that is {allowed} can be {doing}.",
        "listingId", status=listing.status, allowed=list(allowed), doing=Phrase(doing),
    )


# -- transitions ------------------------------------------------------------------
async def _transition(
    session: AsyncSession,
    viewer: Viewer,
    listing: Listing,
    old: Collection[ListingStatus],
    new: ListingStatus,
    action: str,
    doing: str,
    *,
    expected_version: int | None = None,
    note: dict[str, Any] | None = None,
    **values: Any,
) -> Listing:
    """old → new along the listing's lifecycle (a conditional UPDATE on the old status); audited and outboxed."""
    if listing.status not in old:
        raise wrong_state(listing, doing, old)
    regions = await regions_of_listing(session, listing.id)

    def refusal(now: Listing) -> DomainError:  # lost a race: say what it is now
        if now.status in old:
            check_version(now, expected_version)
        return wrong_state(now, doing, old)

    await transition(
        session, viewer, LISTING, listing, new, old=old, action=action, refusal=refusal,
        where=[Listing.version == expected_version] if expected_version is not None else [],
        picture=lambda now: listing_snapshot(now, regions), note=note, **values,
    )
    add_to_outbox(session, "listing", listing.id)
    return listing


async def check_can_be_offered(session: AsyncSession, listing: Listing) -> None:
    provider = await session.get(Provider, listing.provider_id)
    assert provider is not None
    if provider.verification_status == VerificationStatus.SUSPENDED:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE, "The provider is suspended; its listings cannot be offered.", "listingId"
        )
    if provider.verification_status == VerificationStatus.PENDING:
        raise DomainError(ErrorCode.NOT_ELIGIBLE,
                          "The provider is not verified yet; its listings can be prepared, not offered.", "listingId")
    item = await session.get(ClassifierItem, listing.classifier_item_id)
    if item is None or not item.is_active:
        raise DomainError(ErrorCode.INVALID, "This classifier item is no longer in use.", "classifierItemId")


async def submit_listing(session: AsyncSession, viewer: Viewer, listing_id: int) -> Listing:
    """The owner: DRAFT or REJECTED → PENDING_REVIEW."""
    listing = await own_listing(session, viewer, listing_id, admin=False)
    if listing.status not in SUBMITTABLE:
        raise wrong_state(listing, N_("submitted"), SUBMITTABLE)
    await check_can_be_offered(session, listing)
    return await _transition(
        session, viewer, listing, SUBMITTABLE, ListingStatus.PENDING_REVIEW, "listing.submitted", N_("submitted")
    )


async def review_listing(
    session: AsyncSession,
    viewer: Viewer,
    listing_id: int,
    decision: ReviewDecision | str,
    reason: str | None = None,
    *,
    expected_version: int | None = None,
) -> Listing:
    """An officer of a region the listing serves, or an ADMIN: PENDING_REVIEW →
    PUBLISHED (APPROVE) or REJECTED (REJECT; a reason is required and kept as
    ``review_note``, which the provider sees)."""
    viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
    lid = clean_id(listing_id, "listing", "listingId")
    listing = await lock_listing(session, lid)
    if listing is None:
        raise not_found("listing", "listingId")
    if not viewer.is_admin and viewer.region_id not in await regions_of_listing(session, listing.id):
        raise not_found("listing", "listingId")
    verdict = clean_choice(ReviewDecision, decision, "decision")
    note = clean_review_note(reason, required=verdict == ReviewDecision.REJECT)
    old = (ListingStatus.PENDING_REVIEW,)
    if listing.status not in old:
        raise wrong_state(listing, N_("reviewed"), old)
    check_version(listing, expected_version)
    if verdict == ReviewDecision.APPROVE:
        await check_can_be_offered(session, listing)
        return await _transition(
            session, viewer, listing, old, ListingStatus.PUBLISHED, "listing.approved", N_("reviewed"),
            expected_version=expected_version, review_note=note,
        )
    return await _transition(
        session, viewer, listing, old, ListingStatus.REJECTED, "listing.rejected", N_("reviewed"),
        expected_version=expected_version, review_note=note,
    )


async def archive_listing(session: AsyncSession, viewer: Viewer, listing_id: int, reason: str | None = None) -> Listing:
    """The owner or an ADMIN: any state but ARCHIVED → ARCHIVED (final). Orders
    already placed go on; no new ones. A reason, if given, is kept in the audit trail."""
    listing = await own_listing(session, viewer, listing_id, admin=True)
    note = clean_review_note(reason, required=False)
    return await _transition(
        session, viewer, listing, ARCHIVABLE, ListingStatus.ARCHIVED, "listing.archived", N_("archived"),
        note={"reason": note} if note else None,
    )
