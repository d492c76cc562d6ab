"""Listings and provider profiles.

Listing lifecycle
-----------------
::

    DRAFT ─submit→ PENDING_REVIEW ─approve→ PUBLISHED
                    │   ↑     ↑                 │
              reject│   │     └─ edit of price, classifier item, texts or attributes
                    ↓   │submit
                  REJECTED

    any state but ARCHIVED ─archive→ ARCHIVED (final)

- ``create_listing``: a PROVIDER for its own organisation (an ADMIN may act for
  a ``provider_id``); the listing starts as DRAFT.
- ``update_listing``: the owning provider; fields left out stay as they are.
  A PUBLISHED listing whose unit price, classifier item, titles, descriptions
  or attributes change goes back to PENDING_REVIEW: they are what the officer
  checked and what a buyer decides on. Stock, lead time, delivery options and
  regions (always among those the provider serves) are operational and keep
  it PUBLISHED. A listing under review may be edited and stays under review
  (an officer pins what they saw with ``expected_version``). ARCHIVED
  listings cannot be edited.
- ``submit_listing``: the owner, DRAFT or REJECTED → PENDING_REVIEW.
- ``review_listing``: a LOCAL_BODY officer of any region the listing serves, or
  an ADMIN: PENDING_REVIEW → PUBLISHED (APPROVE) or REJECTED (REJECT, with a
  reason). A provider never reviews.
- ``archive_listing``: the owner or an ADMIN, from any state but ARCHIVED.
- The listings of a SUSPENDED provider can be drafted and edited but neither
  submitted nor approved (NOT_ELIGIBLE).

Every transition is checked first (INVALID_TRANSITION naming the current
state) and then made by a conditional UPDATE on the old status, so two
concurrent requests cannot both move the listing; the row is also locked
(SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are serialised by BEGIN
IMMEDIATE). Every change bumps ``Listing.version``, leaves an AuditEvent and a
SearchOutbox row in the caller's transaction. An edit or review may pass
``expected_version``: a listing that changed since the caller read it is then
refused (INVALID on ``expectedVersion``), so an officer never approves a
version they did not see.

Who sees a listing (``get_listing`` and the lists): everyone sees PUBLISHED
listings of providers that are not SUSPENDED (what search shows); the owning
provider sees all its own; a LOCAL_BODY officer sees every listing serving
their region, whatever its status; a recipient also sees a listing they (or a
person they represent) ordered, whatever became of it; an ADMIN sees all.
Anything else is NOT_FOUND, exactly as a missing id.

Lists return up to ``limit + 1`` rows: an extra row means there is a next page
(as ``schema.core.pagination.build_connection`` expects).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Region, Role
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.lifecycle import LISTING, transition
from marketplace.catalog.models import (
    ClassifierItem,
    Listing,
    ListingRegion,
    ListingStatus,
    Provider,
    ProviderRegion,
    SearchOutbox,
    VerificationStatus,
)
from marketplace.cleaning import FieldErrors, clean_id, clean_ids, clean_int, clean_optional_text, clean_text
from marketplace.catalog.validation import (
    MAX_ADDRESS,
    MAX_DESCRIPTION,
    MAX_LEAD_TIME_DAYS,
    MAX_TITLE,
    clean_accessibility,
    clean_attributes,
    clean_delivery_options,
    clean_email,
    clean_phone,
    clean_price,
    clean_reason,
    clean_stock,
    clean_website,
)
from marketplace.db import count_rows, utcnow
from marketplace.errors import DomainError, ErrorCode, not_found, N_, Phrase
from marketplace.orders.models import Order

MAX_PAGE = 100


class _Unset:
    """The default of an update argument that was not given (None may mean "clear")."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


class ReviewDecision(str, enum.Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@dataclass(frozen=True)
class ProviderProfile:
    """A provider's public profile: the row and the regions it serves."""

    provider: Provider
    region_ids: list[int]


TITLE_FIELDS = {"title_kk": "titleKk", "title_ru": "titleRu", "title_en": "titleEn"}
DESCRIPTION_FIELDS = {
    "description_kk": "descriptionKk", "description_ru": "descriptionRu", "description_en": "descriptionEn",
}
# Changes that send a PUBLISHED listing back to review.
REVIEWED_FIELDS = frozenset({"unit_price", "classifier_item_id", "attributes", *TITLE_FIELDS, *DESCRIPTION_FIELDS})
# Where a listing may be submitted from, reviewed, archived.
SUBMITTABLE = (ListingStatus.DRAFT, ListingStatus.REJECTED)
ARCHIVABLE = tuple(s for s in ListingStatus if s != ListingStatus.ARCHIVED)
# Provider verification: PENDING → VERIFIED or SUSPENDED; VERIFIED ⇄ SUSPENDED.
VERIFICATION_MOVES = {
    VerificationStatus.PENDING: frozenset({VerificationStatus.VERIFIED, VerificationStatus.SUSPENDED}),
    VerificationStatus.VERIFIED: frozenset({VerificationStatus.SUSPENDED}),
    VerificationStatus.SUSPENDED: frozenset({VerificationStatus.VERIFIED}),
}


# -- small helpers ----------------------------------------------------------------
def _page(limit: Any, after_id: Any) -> tuple[int, int | None]:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "limit must be between 0 and {most}.", "limit", most=MAX_PAGE)
    if after_id is None:
        return limit, None
    if isinstance(after_id, bool) or not isinstance(after_id, int) or after_id < 0:
        raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
    return limit, after_id


def _enum(cls: Any, value: Any, field: str) -> Any:
    try:
        return value if isinstance(value, cls) else cls(value)
    except (ValueError, TypeError) as exc:
        raise DomainError(ErrorCode.INVALID, "One of {allowed}.", field, allowed=list(cls)) from exc


def _outbox(session: AsyncSession, entity: str, entity_id: int) -> None:
    session.add(SearchOutbox(entity=entity, entity_id=entity_id))


async def listing_region_ids(session: AsyncSession, listing_ids: Iterable[int]) -> dict[int, list[int]]:
    """The regions of each listing (for loaders and documents), in one query."""
    ids = sorted(set(listing_ids))
    out: dict[int, list[int]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = await session.execute(
        select(ListingRegion.listing_id, ListingRegion.region_id)
        .where(ListingRegion.listing_id.in_(ids))
        .order_by(ListingRegion.listing_id, ListingRegion.region_id)
    )
    for listing_id, region_id in rows:
        out[listing_id].append(region_id)
    return out


async def _regions_of_listing(session: AsyncSession, listing_id: int) -> list[int]:
    return (await listing_region_ids(session, [listing_id]))[listing_id]


async def provider_region_ids(session: AsyncSession, provider_id: int) -> list[int]:
    rows = await session.execute(
        select(ProviderRegion.region_id)
        .where(ProviderRegion.provider_id == provider_id)
        .order_by(ProviderRegion.region_id)
    )
    return list(rows.scalars())


def _listing_snapshot(listing: Listing, region_ids: Iterable[int]) -> dict[str, Any]:
    snap = snapshot(listing)
    snap["region_ids"] = sorted(region_ids)
    return snap


def _provider_snapshot(provider: Provider, region_ids: Iterable[int]) -> dict[str, Any]:
    snap = snapshot(provider)
    snap["region_ids"] = sorted(region_ids)
    return snap


async def _lock_listing(session: AsyncSession, listing_id: int) -> Listing | None:
    """The listing, read afresh and locked for the transaction (a no-op lock on SQLite)."""
    return (
        await session.execute(
            select(Listing).where(Listing.id == listing_id).with_for_update().execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def _lock_provider(session: AsyncSession, provider_id: int, *, share: bool = False) -> Provider | None:
    return (
        await session.execute(
            select(Provider)
            .where(Provider.id == provider_id)
            .with_for_update(read=share)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


def _check_version(listing: Listing, expected_version: Any) -> None:
    if expected_version is None:
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise DomainError(ErrorCode.INVALID, "Must be a whole number.", "expectedVersion")
    if expected_version != listing.version:
        raise DomainError(
            ErrorCode.INVALID,
            "The listing has changed since you read it (it is now at version {version}); reload it.",
            "expectedVersion", version=str(listing.version),
        )


def _wrong_state(listing: Listing, doing: str, allowed: Collection[ListingStatus]) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_TRANSITION,
        "The listing is {status}; only a listing that is {allowed} can be {doing}.",
        "listingId", status=listing.status, allowed=list(allowed), doing=Phrase(doing),
    )


async def _check_item(session: AsyncSession, errors: FieldErrors, item_id: Any) -> ClassifierItem | None:
    try:
        item_id = clean_id(item_id, "classifier item", "classifierItemId")
    except DomainError as exc:
        errors.add(exc)
        return None
    item = await session.get(ClassifierItem, item_id)
    if item is None:
        errors.add(not_found("classifier item", "classifierItemId"))
        return None
    if not item.is_active:
        errors.add(DomainError(ErrorCode.INVALID, "This classifier item is no longer in use.", "classifierItemId"))
        return None
    return item


async def _check_regions(
    session: AsyncSession, errors: FieldErrors, provider_id: int, region_ids: Any
) -> list[int] | None:
    """Known regions, every one served by the provider."""
    ids = errors.check(clean_ids, region_ids, "region", "regionIds")
    if ids is None:
        return None
    known = set((await session.execute(select(Region.id).where(Region.id.in_(ids)))).scalars())
    missing = [i for i in ids if i not in known]
    if missing:
        errors.add(DomainError(ErrorCode.NOT_FOUND, "No such region: {ids}.", "regionIds", ids=missing))
        return None
    served = set(await provider_region_ids(session, provider_id))
    not_served = [i for i in ids if i not in served]
    if not_served:
        codes = (
            await session.execute(select(Region.code).where(Region.id.in_(not_served)).order_by(Region.code))
        ).scalars()
        errors.add(
            DomainError(
                ErrorCode.REGION_NOT_SERVED,
                "The provider does not serve {regions}; add the region to its profile first.",
                "regionIds", regions=list(codes),
            )
        )
        return None
    return ids


def _clean_texts(errors: FieldErrors, given: dict[str, Any]) -> dict[str, str | None]:
    """The given titles and descriptions cleaned (UNSET ones left out); a refused one maps to None."""
    out: dict[str, str | None] = {}
    for name, value in given.items():
        if value is UNSET:
            continue
        if name in TITLE_FIELDS:
            out[name] = errors.check(clean_text, value, TITLE_FIELDS[name], MAX_TITLE)
        else:
            out[name] = errors.check(clean_text, value, DESCRIPTION_FIELDS[name], MAX_DESCRIPTION, multiline=True)
    return out


def _require_a_title(errors: FieldErrors, texts: dict[str, str | None]) -> None:
    """At least one title; a title refused for another reason (None) is not reported twice."""
    titles = [texts.get(name, "") for name in TITLE_FIELDS]
    if None not in titles and not any(titles):
        errors.add(DomainError(ErrorCode.REQUIRED, "Give a title in at least one language.", "titleRu"))


# -- creating and editing -------------------------------------------------------
async def create_listing(
    session: AsyncSession,
    viewer: Viewer,
    *,
    classifier_item_id: int,
    unit_price: Any,
    region_ids: list[int],
    delivery_options: list[str],
    lead_time_days: int = 0,
    stock: int | None = None,
    attributes: dict[str, Any] | None = None,
    title_kk: str | None = "",
    title_ru: str | None = "",
    title_en: str | None = "",
    description_kk: str | None = "",
    description_ru: str | None = "",
    description_en: str | None = "",
    provider_id: int | None = None,
) -> Listing:
    """A new DRAFT listing of the viewer's organisation (an ADMIN names ``provider_id``).

    All field errors are reported together (``ValidationErrors`` when more than one).
    """
    viewer.require_role(Role.PROVIDER, Role.ADMIN)
    if viewer.is_admin:
        if provider_id is None:
            raise DomainError(ErrorCode.REQUIRED, "Name the provider to act for.", "providerId")
        pid = clean_id(provider_id, "provider", "providerId")
    else:
        if provider_id is not None and provider_id != viewer.provider_id:
            raise not_found("provider", "providerId")
        assert viewer.provider_id is not None
        pid = viewer.provider_id
    provider = await _lock_provider(session, pid, share=True)
    if provider is None:
        raise not_found("provider", "providerId")

    errors = FieldErrors()
    texts = _clean_texts(errors, {
        "title_kk": title_kk, "title_ru": title_ru, "title_en": title_en,
        "description_kk": description_kk, "description_ru": description_ru, "description_en": description_en,
    })
    _require_a_title(errors, texts)
    price = errors.check(clean_price, unit_price)
    options = errors.check(clean_delivery_options, delivery_options)
    lead = errors.check(clean_int, lead_time_days, "leadTimeDays", 0, MAX_LEAD_TIME_DAYS)
    stock_value = errors.check(clean_stock, stock)
    attrs = errors.check(clean_attributes, attributes)
    item = await _check_item(session, errors, classifier_item_id)
    regions = await _check_regions(session, errors, provider.id, region_ids)
    errors.raise_if_any()
    assert item is not None and regions is not None and price is not None and options is not None

    listing = Listing(
        provider_id=provider.id,
        classifier_item_id=item.id,
        unit_price=price,
        delivery_options=options,
        lead_time_days=lead,
        stock=stock_value,
        attributes=attrs or {},
        status=ListingStatus.DRAFT,
        review_note=None,
        rating_sum=0,
        rating_count=0,
        version=1,
        **texts,
    )
    session.add(listing)
    await session.flush()
    for region_id in regions:
        session.add(ListingRegion(listing_id=listing.id, region_id=region_id))
    await session.flush()
    audit(session, viewer, "listing.created", listing, None, _listing_snapshot(listing, regions))
    _outbox(session, "listing", listing.id)
    return listing


async def _own_listing(session: AsyncSession, viewer: Viewer, listing_id: Any, *, admin: bool) -> Listing:
    """The listing, locked, if the viewer's organisation owns it (or the viewer is an ADMIN and ``admin``)."""
    if admin:
        viewer.require_role(Role.PROVIDER, Role.ADMIN)
    else:
        viewer.require_role(Role.PROVIDER)
    lid = clean_id(listing_id, "listing", "listingId")
    listing = await _lock_listing(session, lid)
    if listing is None or not (viewer.owns_provider(listing.provider_id) or (admin and viewer.is_admin)):
        raise not_found("listing", "listingId")
    return listing


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, dict | list) or isinstance(new, dict | list):
        return json.dumps(current, sort_keys=True) == json.dumps(new, sort_keys=True)
    return bool(current == new)


async def update_listing(
    session: AsyncSession,
    viewer: Viewer,
    listing_id: int,
    *,
    expected_version: int | None = None,
    classifier_item_id: Any = UNSET,
    unit_price: Any = UNSET,
    region_ids: Any = UNSET,
    delivery_options: Any = UNSET,
    lead_time_days: Any = UNSET,
    stock: Any = UNSET,
    attributes: Any = UNSET,
    title_kk: Any = UNSET,
    title_ru: Any = UNSET,
    title_en: Any = UNSET,
    description_kk: Any = UNSET,
    description_ru: Any = UNSET,
    description_en: Any = UNSET,
) -> Listing:
    """Change the given fields of the viewer's listing (UNSET: unchanged; None
    clears a text or the attributes, and makes stock untracked).

    A PUBLISHED listing goes back to PENDING_REVIEW when its price, classifier
    item, titles, descriptions or attributes change (see the module docs).
    Giving nothing new changes nothing (no new version, no audit event).
    """
    viewer.require_role(Role.PROVIDER)
    lid = clean_id(listing_id, "listing", "listingId")
    peek = await session.get(Listing, lid)
    if peek is None or not viewer.owns_provider(peek.provider_id):
        raise not_found("listing", "listingId")
    if region_ids is not UNSET:
        # Lock order provider → listing, as in update_provider_profile: no deadlock.
        await _lock_provider(session, peek.provider_id, share=True)
    listing = await _own_listing(session, viewer, lid, admin=False)
    if listing.status == ListingStatus.ARCHIVED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The listing is ARCHIVED; it cannot be edited.", "listingId")
    _check_version(listing, expected_version)

    errors = FieldErrors()
    texts = _clean_texts(errors, {
        "title_kk": title_kk, "title_ru": title_ru, "title_en": title_en,
        "description_kk": description_kk, "description_ru": description_ru, "description_en": description_en,
    })
    values: dict[str, Any] = {k: v for k, v in texts.items() if v is not None}
    if any(name in texts for name in TITLE_FIELDS):
        _require_a_title(errors, {name: texts.get(name, getattr(listing, name)) for name in TITLE_FIELDS})
    if unit_price is not UNSET:
        values["unit_price"] = errors.check(clean_price, unit_price)
    if delivery_options is not UNSET:
        values["delivery_options"] = errors.check(clean_delivery_options, delivery_options)
    if lead_time_days is not UNSET:
        values["lead_time_days"] = errors.check(clean_int, lead_time_days, "leadTimeDays", 0, MAX_LEAD_TIME_DAYS)
    if stock is not UNSET:
        values["stock"] = errors.check(clean_stock, stock)
    if attributes is not UNSET:
        values["attributes"] = errors.check(clean_attributes, attributes)
    if classifier_item_id is not UNSET and classifier_item_id != listing.classifier_item_id:
        item = await _check_item(session, errors, classifier_item_id)
        if item is not None:
            values["classifier_item_id"] = item.id
    old_regions = await _regions_of_listing(session, listing.id)
    new_regions: list[int] | None = None
    if region_ids is not UNSET:
        new_regions = await _check_regions(session, errors, listing.provider_id, region_ids)
    errors.raise_if_any()

    changes = {k: v for k, v in values.items() if not _same(getattr(listing, k), v)}
    regions_change = new_regions is not None and set(new_regions) != set(old_regions)
    if not changes and not regions_change:
        return listing
    new_status = listing.status
    if listing.status == ListingStatus.PUBLISHED and REVIEWED_FIELDS & changes.keys():
        new_status = ListingStatus.PENDING_REVIEW

    before = _listing_snapshot(listing, old_regions)
    result = await session.execute(
        update(Listing)
        .where(Listing.id == listing.id, Listing.status == listing.status, Listing.version == listing.version)
        .values(status=new_status, version=Listing.version + 1, **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # pragma: no cover - the row is locked (PostgreSQL) or writers serialised (SQLite)
        raise DomainError(ErrorCode.RETRYABLE, "The listing changed meanwhile; try again.", "listingId")
    regions_now = old_regions
    if regions_change:
        assert new_regions is not None
        await session.execute(
            delete(ListingRegion).where(
                ListingRegion.listing_id == listing.id, ListingRegion.region_id.not_in(new_regions)
            )
        )
        added = [r for r in new_regions if r not in old_regions]
        if added:
            await session.execute(insert(ListingRegion), [{"listing_id": listing.id, "region_id": r} for r in added])
        regions_now = new_regions
    await session.refresh(listing)
    audit(session, viewer, "listing.updated", listing, before, _listing_snapshot(listing, regions_now))
    _outbox(session, "listing", listing.id)
    return listing


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
        raise _wrong_state(listing, doing, old)
    regions = await _regions_of_listing(session, listing.id)

    def refusal(now: Listing) -> DomainError:  # lost a race: say what it is now
        if now.status in old:
            _check_version(now, expected_version)
        return _wrong_state(now, doing, old)

    await transition(
        session, viewer, LISTING, listing, new, old=old, action=action, refusal=refusal,
        where=[Listing.version == expected_version] if expected_version is not None else [],
        picture=lambda now: _listing_snapshot(now, regions), note=note, **values,
    )
    _outbox(session, "listing", listing.id)
    return listing


async def _check_can_be_offered(session: AsyncSession, listing: Listing) -> None:
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
    listing = await _own_listing(session, viewer, listing_id, admin=False)
    if listing.status not in SUBMITTABLE:
        raise _wrong_state(listing, N_("submitted"), SUBMITTABLE)
    await _check_can_be_offered(session, listing)
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
    listing = await _lock_listing(session, lid)
    if listing is None:
        raise not_found("listing", "listingId")
    if not viewer.is_admin and viewer.region_id not in await _regions_of_listing(session, listing.id):
        raise not_found("listing", "listingId")
    verdict = _enum(ReviewDecision, decision, "decision")
    note = clean_reason(reason, required=verdict == ReviewDecision.REJECT)
    old = (ListingStatus.PENDING_REVIEW,)
    if listing.status not in old:
        raise _wrong_state(listing, N_("reviewed"), old)
    _check_version(listing, expected_version)
    if verdict == ReviewDecision.APPROVE:
        await _check_can_be_offered(session, listing)
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
    listing = await _own_listing(session, viewer, listing_id, admin=True)
    note = clean_reason(reason, required=False)
    return await _transition(
        session, viewer, listing, ARCHIVABLE, ListingStatus.ARCHIVED, "listing.archived", N_("archived"),
        note={"reason": note} if note else None,
    )


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
    listing = (
        await session.execute(select(Listing).where(Listing.id == lid, visible_listing_clause(viewer)))
    ).scalar_one_or_none()
    if listing is None:
        raise not_found("listing", "listingId")
    return listing


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
    limit, after_id = _page(limit, after_id)
    pid = clean_id(provider_id, "provider", "providerId")
    if await session.get(Provider, pid) is None:
        raise not_found("provider", "providerId")
    stmt = select(Listing).where(Listing.provider_id == pid, visible_listing_clause(viewer))
    if status is not None:
        stmt = stmt.where(Listing.status == _enum(ListingStatus, status, "status"))
    if count_only:
        return await count_rows(session, stmt)
    if after_id is not None:
        stmt = stmt.where(Listing.id < after_id)
    rows = await session.execute(stmt.order_by(Listing.id.desc()).limit(limit + 1))
    return list(rows.scalars())


async def moderation_queue(
    session: AsyncSession, viewer: Viewer, *, limit: int = 20, after_id: int | None = None, count_only: bool = False
) -> list[Listing] | int:
    """Listings waiting for review that serve the officer's region (an ADMIN:
    all), oldest first; up to ``limit + 1`` rows, ``after_id`` being the last id seen."""
    viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
    limit, after_id = _page(limit, after_id)
    stmt = select(Listing).where(Listing.status == ListingStatus.PENDING_REVIEW)
    if not viewer.is_admin:
        stmt = stmt.where(
            exists().where(ListingRegion.listing_id == Listing.id, ListingRegion.region_id == viewer.region_id)
        )
    if count_only:
        return await count_rows(session, stmt)
    if after_id is not None:
        stmt = stmt.where(Listing.id > after_id)
    rows = await session.execute(stmt.order_by(Listing.id).limit(limit + 1))
    return list(rows.scalars())


# -- providers --------------------------------------------------------------------
async def get_provider(session: AsyncSession, viewer: Viewer, provider_id: int) -> ProviderProfile:
    """A provider's public profile; anyone, signed in or not, may read it."""
    pid = clean_id(provider_id, "provider", "providerId")
    provider = await session.get(Provider, pid)
    if provider is None:
        raise not_found("provider", "providerId")
    return ProviderProfile(provider, await provider_region_ids(session, pid))


async def _outbox_provider(session: AsyncSession, provider_id: int) -> None:
    """The provider's row and one for each of its published listings, whose
    documents carry the provider's name, regions and verification status."""
    _outbox(session, "provider", provider_id)
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


async def _provider_for_keeper(session: AsyncSession, viewer: Viewer, provider_id: Any) -> Provider:
    viewer.require_role(Role.PROVIDER, Role.ADMIN)
    pid = clean_id(provider_id, "provider", "providerId")
    if not (viewer.is_admin or viewer.owns_provider(pid)):
        raise not_found("provider", "providerId")
    provider = await _lock_provider(session, pid)
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
    provider = await _provider_for_keeper(session, viewer, provider_id)
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

    before = _provider_snapshot(provider, old_regions)
    for key, value in changes.items():
        setattr(provider, key, value)
    regions_now = old_regions
    if regions_change:
        assert new_regions is not None
        await session.execute(
            delete(ProviderRegion).where(
                ProviderRegion.provider_id == provider.id, ProviderRegion.region_id.in_(dropped)
            )
        )
        added = [r for r in new_regions if r not in old_regions]
        if added:
            await session.execute(insert(ProviderRegion), [{"provider_id": provider.id, "region_id": r} for r in added])
        regions_now = sorted(new_regions)
    provider.updated_at = utcnow()
    await session.flush()
    audit(session, viewer, "provider.updated", provider, before, _provider_snapshot(provider, regions_now))

    for lid in sorted(trimmed):
        listing = await _lock_listing(session, lid)
        assert listing is not None
        listing_before = _listing_snapshot(listing, trimmed[lid])
        await session.execute(
            delete(ListingRegion).where(ListingRegion.listing_id == lid, ListingRegion.region_id.in_(dropped))
        )
        await session.execute(
            update(Listing).where(Listing.id == lid).values(version=Listing.version + 1)
            .execution_options(synchronize_session=False)
        )
        await session.refresh(listing)
        remaining = [r for r in trimmed[lid] if r not in dropped]
        after = _listing_snapshot(listing, remaining)
        audit(session, viewer, "listing.regions_dropped", listing, listing_before, after)
        _outbox(session, "listing", lid)
    await _outbox_provider(session, provider.id)
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
    new = _enum(VerificationStatus, status, "status")
    note = clean_reason(reason, required=False)
    provider = await _lock_provider(session, pid)
    if provider is None:
        raise not_found("provider", "providerId")
    old = provider.verification_status
    if new not in VERIFICATION_MOVES[old]:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION, "The provider is {status}; it cannot become {new}.", "status",
            status=old, new=new,
        )
    regions = await provider_region_ids(session, provider.id)
    before = _provider_snapshot(provider, regions)
    result = await session.execute(
        update(Provider)
        .where(Provider.id == provider.id, Provider.verification_status == old)
        .values(verification_status=new)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(provider)
    if result.rowcount != 1:  # pragma: no cover - the row is locked
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            "The provider is {status}; it cannot become {new}.",
            "status", status=provider.verification_status, new=new,
        )
    after = _provider_snapshot(provider, regions)
    if note:
        after["reason"] = note
    audit(session, viewer, "provider.verification_changed", provider, before, after)
    await _outbox_provider(session, provider.id)
    return ProviderProfile(provider, regions)
