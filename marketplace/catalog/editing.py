"""Creating and editing listings: every field cleaned (all refusals of one input at once), regions the
provider serves, and a PUBLISHED listing whose reviewed fields change goes back to review."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_in_scope
from marketplace.accounts.models import Region, Role
from marketplace.audit.services import record as audit
from marketplace.catalog.models import ClassifierItem, Listing, ListingRegion, ListingStatus
from marketplace.catalog.rows import add_to_outbox, listing_snapshot, lock_listing, lock_provider, provider_region_ids
from marketplace.catalog.rows import regions_of_listing, set_regions
from marketplace.catalog.validation import MAX_DESCRIPTION, MAX_LEAD_TIME_DAYS, MAX_TITLE, clean_attributes
from marketplace.catalog.validation import clean_delivery_options, clean_price, clean_stock
from marketplace.cleaning import FieldErrors, clean_id, clean_ids, clean_int, clean_text
from marketplace.errors import DomainError, ErrorCode, not_found


class _Unset:
    """The default of an update argument that was not given (None may mean "clear")."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


TITLE_FIELDS = {"title_kk": "titleKk", "title_ru": "titleRu", "title_en": "titleEn"}
DESCRIPTION_FIELDS = {
    "description_kk": "descriptionKk", "description_ru": "descriptionRu", "description_en": "descriptionEn",
}
# Changes that send a PUBLISHED listing back to review.
REVIEWED_FIELDS = frozenset({"unit_price", "classifier_item_id", "attributes", *TITLE_FIELDS, *DESCRIPTION_FIELDS})


def check_version(listing: Listing, expected_version: Any) -> None:
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
    provider = await lock_provider(session, pid, share=True)
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
    audit(session, viewer, "listing.created", listing, None, listing_snapshot(listing, regions))
    add_to_outbox(session, "listing", listing.id)
    return listing


async def own_listing(session: AsyncSession, viewer: Viewer, listing_id: Any, *, admin: bool) -> Listing:
    """The listing, locked, if the viewer's organisation owns it (or the viewer is an ADMIN and ``admin``)."""
    if admin:
        viewer.require_role(Role.PROVIDER, Role.ADMIN)
    else:
        viewer.require_role(Role.PROVIDER)
    lid = clean_id(listing_id, "listing", "listingId")
    listing = await lock_listing(session, lid)
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
    peek = await fetch_in_scope(session, Listing, lid, "listing", "listingId",
                                lambda peek: viewer.owns_provider(peek.provider_id))
    if region_ids is not UNSET:
        # Lock order provider → listing, as in update_provider_profile: no deadlock.
        await lock_provider(session, peek.provider_id, share=True)
    listing = await own_listing(session, viewer, lid, admin=False)
    if listing.status == ListingStatus.ARCHIVED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The listing is ARCHIVED; it cannot be edited.", "listingId")
    check_version(listing, expected_version)

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
    old_regions = await regions_of_listing(session, listing.id)
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

    before = listing_snapshot(listing, old_regions)
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
        await set_regions(session, ListingRegion, listing.id, old_regions, new_regions)
        regions_now = new_regions
    await session.refresh(listing)
    audit(session, viewer, "listing.updated", listing, before, listing_snapshot(listing, regions_now))
    add_to_outbox(session, "listing", listing.id)
    return listing
