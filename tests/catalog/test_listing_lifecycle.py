"""Listings: creating, editing, the review lifecycle, and who may see and do what.

Each test runs on SQLite and on PostgreSQL (the ``db`` fixture); set-up goes
through the factories, every service call runs in a transaction of its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEvent
from marketplace.catalog import services as catalog
from marketplace.catalog.models import ClassifierItem, Listing, ListingRegion, ListingStatus, Provider, ProviderRegion
from marketplace.catalog.models import SearchOutbox, VerificationStatus
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode, ValidationErrors
from marketplace.orders import services as orders
from tests import factories as f
from tests.catalog import PRICE, counts, fetch, last_event, outbox
from tests.factories import ANONYMOUS, actions, race, refused_at, run

S = ListingStatus
# Everyone but the listing's provider, and what each is told when they try to change it.
NOT_THE_OWNER = [
    ("provider_b", ErrorCode.NOT_FOUND),
    ("officer_a", ErrorCode.FORBIDDEN),
    ("recipient_a", ErrorCode.FORBIDDEN),
    ("admin", ErrorCode.FORBIDDEN),
    (None, ErrorCode.UNAUTHENTICATED),
]


def listing_input(w: f.World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "classifier_item_id": w.item.id,
        "title_ru": "Кресло-коляска складная",
        "title_kk": "Бүктелетін мүгедектер арбасы",
        "title_en": "Folding wheelchair",
        "description_ru": "Ширина сиденья 45 см.",
        "unit_price": PRICE,
        "region_ids": [w.region_a.id],
        "delivery_options": ["HOME_DELIVERY", "PICKUP"],
        "lead_time_days": 7,
        "stock": 12,
        "attributes": {"seat_width_cm": 45, "foldable": True, "colour": "чёрный"},
    }
    data.update(overrides)
    return data


async def create(db: Database, w: f.World, who: str = "provider_a", **overrides: Any) -> Listing:
    return await run(db, catalog.create_listing, w.viewer(who), **listing_input(w, **overrides))


async def listing_in(db: Database, w: f.World, status: ListingStatus, **kw: Any) -> Listing:
    """A listing of provider A in region A, put straight into ``status``."""
    async with db.transaction() as s:
        return await f.listing(s, w.provider_a, w.item, [w.region_a], status=status, stock=kw.pop("stock", 5), **kw)


async def state(db: Database) -> tuple[int, ...]:
    """What a refused call must leave untouched: listings, their regions, audit events, outbox rows."""
    return await counts(db, Listing, ListingRegion, AuditEvent, SearchOutbox)


async def status_of(db: Database, listing_id: int) -> ListingStatus:
    return (await fetch(db, Listing, listing_id)).status


async def set_provider_status(db: Database, provider_id: int, status: VerificationStatus) -> None:
    async with db.transaction() as s:
        await s.execute(update(Provider).where(Provider.id == provider_id).values(verification_status=status))


# -- creating ---------------------------------------------------------------------
async def test_provider_creates_a_draft_with_audit_and_outbox(db: Database, world: f.World) -> None:
    w = world
    listing = await create(db, w, unit_price="1500.5", region_ids=[w.region_a.id, w.region_a.id],
                           delivery_options=["PICKUP", "PICKUP"], description_en="line one\r\nline two")
    saved = await fetch(db, Listing, listing.id)
    assert saved.status == S.DRAFT and saved.version == 1
    assert saved.provider_id == w.provider_a.id
    assert saved.unit_price == Decimal("1500.50")
    assert saved.delivery_options == ["PICKUP"]
    assert saved.description_en == "line one\nline two"
    assert saved.attributes == {"seat_width_cm": 45, "foldable": True, "colour": "чёрный"}
    assert saved.stock == 12 and saved.lead_time_days == 7
    async with db.session() as s:
        assert await catalog.listing_region_ids(s, [listing.id]) == {listing.id: [w.region_a.id]}
    event = await last_event(db, "Listing", listing.id)
    assert event.action == "listing.created"
    assert event.actor_account_id == w.provider_a_account.id
    assert event.before is None
    assert event.after["status"] == "DRAFT" and event.after["unit_price"] == "1500.50"
    assert event.after["region_ids"] == [w.region_a.id]
    assert await outbox(db, "listing", listing.id) == 1


async def test_limits_themselves_are_accepted(db: Database, world: f.World) -> None:
    w = world
    listing = await create(
        db, w, unit_price=Decimal("100000000"), lead_time_days=365, stock=1_000_000,
        title_kk="", title_en="", title_ru="т" * 200, description_kk="д" * 5000,
        attributes={f"k{i}": i for i in range(50)},
    )
    assert listing.unit_price == Decimal("100000000.00")
    other = await create(db, w, lead_time_days=0, stock=None, attributes=None, unit_price=Decimal("0.01"))
    assert other.stock is None and other.attributes == {} and other.lead_time_days == 0


async def test_admin_creates_for_a_named_provider(db: Database, world: f.World) -> None:
    w = world
    await refused_at(db, ErrorCode.REQUIRED, "providerId", catalog.create_listing, w.viewer("admin"), **listing_input(w))
    await refused_at(db, ErrorCode.NOT_FOUND, "providerId", catalog.create_listing, w.viewer("admin"),
                  provider_id=999_999, **listing_input(w))
    listing = await run(db, catalog.create_listing, w.viewer("admin"), provider_id=w.provider_b.id,
                        **listing_input(w, region_ids=[w.region_b.id]))
    assert listing.provider_id == w.provider_b.id and listing.status == S.DRAFT
    assert (await last_event(db, "Listing", listing.id)).actor_account_id == w.admin_account.id


@pytest.mark.parametrize(
    ("who", "code", "field"),
    [
        ("recipient_a", ErrorCode.FORBIDDEN, None),
        ("officer_a", ErrorCode.FORBIDDEN, None),
        (None, ErrorCode.UNAUTHENTICATED, None),
    ],
)
async def test_only_providers_create(db: Database, world: f.World, who: str | None, code: ErrorCode,
                                     field: str | None) -> None:
    viewer = world.viewer(who)
    before = await state(db)
    await refused_at(db, code, field, catalog.create_listing, viewer, **listing_input(world))
    assert await state(db) == before


async def test_provider_cannot_create_for_another_provider(db: Database, world: f.World) -> None:
    w = world
    before = await state(db)
    await refused_at(db, ErrorCode.NOT_FOUND, "providerId", catalog.create_listing, w.viewer("provider_a"),
                  provider_id=w.provider_b.id, **listing_input(w, region_ids=[w.region_b.id]))
    assert await state(db) == before


BAD_INPUT: list[tuple[str, Any, ErrorCode, str]] = [
    # (what, overrides (or a function of the world giving them), code, field)
    ("unknown item", {"classifier_item_id": 999_999}, ErrorCode.NOT_FOUND, "classifierItemId"),
    ("item id not a number", {"classifier_item_id": "7"}, ErrorCode.NOT_FOUND, "classifierItemId"),
    ("item id beyond any key", {"classifier_item_id": 2**40}, ErrorCode.NOT_FOUND, "classifierItemId"),
    ("price zero", {"unit_price": Decimal("0")}, ErrorCode.OUT_OF_RANGE, "unitPrice"),
    ("price negative", {"unit_price": Decimal("-5")}, ErrorCode.OUT_OF_RANGE, "unitPrice"),
    ("price absurd", {"unit_price": Decimal("100000000.01")}, ErrorCode.OUT_OF_RANGE, "unitPrice"),
    ("price three decimals", {"unit_price": Decimal("10.001")}, ErrorCode.INVALID, "unitPrice"),
    ("price float", {"unit_price": 10.5}, ErrorCode.INVALID, "unitPrice"),
    ("price bool", {"unit_price": True}, ErrorCode.INVALID, "unitPrice"),
    ("price text", {"unit_price": "cheap"}, ErrorCode.INVALID, "unitPrice"),
    ("price NaN", {"unit_price": Decimal("NaN")}, ErrorCode.INVALID, "unitPrice"),
    ("price infinite", {"unit_price": Decimal("Infinity")}, ErrorCode.INVALID, "unitPrice"),
    ("price missing", {"unit_price": None}, ErrorCode.REQUIRED, "unitPrice"),
    ("no title", {"title_ru": "", "title_kk": None, "title_en": "   "}, ErrorCode.REQUIRED, "titleRu"),
    ("title too long", {"title_ru": "x" * 201}, ErrorCode.TOO_LONG, "titleRu"),
    ("title with NUL", {"title_kk": "a\x00b"}, ErrorCode.INVALID, "titleKk"),
    ("title with newline", {"title_en": "a\nb"}, ErrorCode.INVALID, "titleEn"),
    ("title not text", {"title_en": 5}, ErrorCode.INVALID, "titleEn"),
    ("description too long", {"description_en": "x" * 5001}, ErrorCode.TOO_LONG, "descriptionEn"),
    ("description with NUL", {"description_ru": "a\x00"}, ErrorCode.INVALID, "descriptionRu"),
    ("attributes a list", {"attributes": ["a"]}, ErrorCode.INVALID, "attributes"),
    ("too many attributes", {"attributes": {f"k{i}": 1 for i in range(51)}}, ErrorCode.OUT_OF_RANGE, "attributes"),
    ("nested attribute", {"attributes": {"size": {"w": 1}}}, ErrorCode.INVALID, "attributes"),
    ("list attribute", {"attributes": {"sizes": [1, 2]}}, ErrorCode.INVALID, "attributes"),
    ("empty attribute name", {"attributes": {" ": 1}}, ErrorCode.INVALID, "attributes"),
    ("long attribute name", {"attributes": {"k" * 65: 1}}, ErrorCode.TOO_LONG, "attributes"),
    ("long attribute value", {"attributes": {"k": "v" * 501}}, ErrorCode.TOO_LONG, "attributes"),
    ("attributes too big", {"attributes": {f"k{i}": "v" * 400 for i in range(30)}}, ErrorCode.TOO_LONG, "attributes"),
    ("attribute NaN", {"attributes": {"w": float("nan")}}, ErrorCode.INVALID, "attributes"),
    ("attribute huge int", {"attributes": {"w": 2**60}}, ErrorCode.OUT_OF_RANGE, "attributes"),
    ("unknown delivery option", {"delivery_options": ["TELEPORT"]}, ErrorCode.INVALID, "deliveryOptions"),
    ("no delivery option", {"delivery_options": []}, ErrorCode.REQUIRED, "deliveryOptions"),
    ("delivery option not a list", {"delivery_options": "PICKUP"}, ErrorCode.INVALID, "deliveryOptions"),
    ("lead time negative", {"lead_time_days": -1}, ErrorCode.OUT_OF_RANGE, "leadTimeDays"),
    ("lead time over a year", {"lead_time_days": 366}, ErrorCode.OUT_OF_RANGE, "leadTimeDays"),
    ("lead time text", {"lead_time_days": "7"}, ErrorCode.INVALID, "leadTimeDays"),
    ("stock negative", {"stock": -1}, ErrorCode.OUT_OF_RANGE, "stock"),
    ("stock absurd", {"stock": 1_000_001}, ErrorCode.OUT_OF_RANGE, "stock"),
    ("stock fractional", {"stock": 1.5}, ErrorCode.INVALID, "stock"),
    ("no region", {"region_ids": []}, ErrorCode.REQUIRED, "regionIds"),
    ("regions missing", {"region_ids": None}, ErrorCode.REQUIRED, "regionIds"),
    ("unknown region", {"region_ids": [999_999]}, ErrorCode.NOT_FOUND, "regionIds"),
    ("region id beyond any key", {"region_ids": [2**40]}, ErrorCode.NOT_FOUND, "regionIds"),
    ("too many regions", {"region_ids": list(range(1, 102))}, ErrorCode.OUT_OF_RANGE, "regionIds"),
    ("region not served", lambda w: {"region_ids": [w.region_a.id, w.region_b.id]}, ErrorCode.REGION_NOT_SERVED,
     "regionIds"),
]


@pytest.mark.parametrize(("what", "overrides", "code", "field"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
async def test_bad_input_is_refused_and_changes_nothing(
    db: Database, world: f.World, what: str, overrides: Any, code: ErrorCode, field: str
) -> None:
    if callable(overrides):
        overrides = overrides(world)
    before = await state(db)
    err = await refused_at(db, code, field, catalog.create_listing, world.viewer("provider_a"),
                        **listing_input(world, **overrides))
    assert not isinstance(err, ValidationErrors), "one bad field, one error"
    assert await state(db) == before


async def test_inactive_classifier_item_is_refused(db: Database, world: f.World) -> None:
    async with db.transaction() as s:
        old = await f.classifier_item(s, is_active=False)
    before = await state(db)
    await refused_at(db, ErrorCode.INVALID, "classifierItemId", catalog.create_listing, world.viewer("provider_a"),
                  **listing_input(world, classifier_item_id=old.id))
    assert await state(db) == before


async def test_all_field_errors_are_reported_together(db: Database, world: f.World) -> None:
    before = await state(db)
    with pytest.raises(ValidationErrors) as info:
        await run(db, catalog.create_listing, world.viewer("provider_a"), **listing_input(
            world, unit_price=Decimal("-1"), title_ru="", title_kk="", title_en="", lead_time_days=900,
            classifier_item_id=999_999, region_ids=[world.region_b.id],
        ))
    fields = {(e.field, e.code) for e in info.value.errors}
    assert fields == {
        ("unitPrice", ErrorCode.OUT_OF_RANGE),
        ("titleRu", ErrorCode.REQUIRED),
        ("leadTimeDays", ErrorCode.OUT_OF_RANGE),
        ("classifierItemId", ErrorCode.NOT_FOUND),
        ("regionIds", ErrorCode.REGION_NOT_SERVED),
    }
    assert await state(db) == before


async def test_a_refused_title_is_not_also_reported_missing(db: Database, world: f.World) -> None:
    err = await refused_at(db, ErrorCode.TOO_LONG, "titleRu", catalog.create_listing, world.viewer("provider_a"),
                        **listing_input(world, title_ru="x" * 201, title_kk="", title_en=""))
    assert not isinstance(err, ValidationErrors)


# -- editing ----------------------------------------------------------------------
async def test_owner_edits_a_draft(db: Database, world: f.World) -> None:
    w = world
    listing = await create(db, w)
    outbox_before = await outbox(db, "listing", listing.id)
    edited = await run(db, catalog.update_listing, w.viewer("provider_a"), listing.id,
                       unit_price=Decimal("175000"), title_en="Light folding wheelchair", stock=None)
    saved = await fetch(db, Listing, listing.id)
    assert edited.version == saved.version == 2
    assert saved.status == S.DRAFT
    assert saved.unit_price == Decimal("175000.00") and saved.title_en == "Light folding wheelchair"
    assert saved.stock is None
    # fields not given are unchanged
    assert saved.title_ru == "Кресло-коляска складная" and saved.lead_time_days == 7
    assert saved.delivery_options == ["HOME_DELIVERY", "PICKUP"]
    event = await last_event(db, "Listing", listing.id)
    assert event.action == "listing.updated"
    assert event.before["unit_price"] == "180000.00" and event.after["unit_price"] == "175000.00"
    assert event.before["stock"] == 12 and event.after["stock"] is None
    assert "title_ru" not in event.after  # only what changed
    assert await outbox(db, "listing", listing.id) == outbox_before + 1


async def test_an_edit_that_changes_nothing_leaves_no_trace(db: Database, world: f.World) -> None:
    w = world
    listing = await create(db, w)
    before = await state(db)
    same = await run(db, catalog.update_listing, w.viewer("provider_a"), listing.id, unit_price=PRICE,
                     title_ru="  Кресло-коляска складная  ", region_ids=[w.region_a.id],
                     attributes={"colour": "чёрный", "foldable": True, "seat_width_cm": 45})
    assert same.version == 1
    assert await state(db) == before


async def test_edit_replaces_the_regions(db: Database, world: f.World) -> None:
    w = world
    async with db.transaction() as s:
        s.add(ProviderRegion(provider_id=w.provider_a.id, region_id=w.region_b.id))
    listing = await create(db, w)
    await run(db, catalog.update_listing, w.viewer("provider_a"), listing.id, region_ids=[w.region_b.id])
    async with db.session() as s:
        assert await catalog.listing_region_ids(s, [listing.id]) == {listing.id: [w.region_b.id]}
    event = await last_event(db, "Listing", listing.id)
    assert event.before["region_ids"] == [w.region_a.id] and event.after["region_ids"] == [w.region_b.id]


REVIEW_EDITS = [
    ("price", lambda w, other: {"unit_price": Decimal("190000")}, S.PENDING_REVIEW),
    ("classifier item", lambda w, other: {"classifier_item_id": other.id}, S.PENDING_REVIEW),
    ("title", lambda w, other: {"title_ru": "Новое название"}, S.PENDING_REVIEW),
    ("description", lambda w, other: {"description_kk": "Жаңа сипаттама"}, S.PENDING_REVIEW),
    ("attributes", lambda w, other: {"attributes": {"colour": "red"}}, S.PENDING_REVIEW),
    ("stock", lambda w, other: {"stock": 3}, S.PUBLISHED),
    ("stock untracked", lambda w, other: {"stock": None}, S.PUBLISHED),
    ("lead time", lambda w, other: {"lead_time_days": 30}, S.PUBLISHED),
    ("delivery", lambda w, other: {"delivery_options": ["PICKUP"]}, S.PUBLISHED),
    ("same price", lambda w, other: {"unit_price": Decimal("200000.00"), "stock": 4}, S.PUBLISHED),
]


@pytest.mark.parametrize(("what", "changes", "expected"), REVIEW_EDITS, ids=[c[0] for c in REVIEW_EDITS])
async def test_editing_a_published_listing(db: Database, world: f.World, what: str, changes: Any,
                                           expected: ListingStatus) -> None:
    """Price, classifier item, texts and attributes go back to review; stock, lead time, delivery do not."""
    w = world
    async with db.transaction() as s:
        other_item = await f.classifier_item(s)
    listing = await listing_in(db, w, S.PUBLISHED)
    edited = await run(db, catalog.update_listing, w.viewer("provider_a"), listing.id, **changes(w, other_item))
    assert edited.status == expected
    assert await status_of(db, listing.id) == expected
    assert edited.version == 2
    event = await last_event(db, "Listing", listing.id)
    assert event.action == "listing.updated"
    if expected == S.PENDING_REVIEW:
        assert event.before["status"] == "PUBLISHED" and event.after["status"] == "PENDING_REVIEW"
    else:
        assert "status" not in event.after
    assert await outbox(db, "listing", listing.id) == 1


@pytest.mark.parametrize("status", [S.DRAFT, S.PENDING_REVIEW, S.REJECTED])
async def test_editing_an_unpublished_listing_keeps_its_status(db: Database, world: f.World,
                                                               status: ListingStatus) -> None:
    listing = await listing_in(db, world, status)
    edited = await run(db, catalog.update_listing, world.viewer("provider_a"), listing.id, unit_price=Decimal("1"))
    assert edited.status == status and edited.unit_price == Decimal("1.00")


async def test_an_archived_listing_cannot_be_edited(db: Database, world: f.World) -> None:
    listing = await listing_in(db, world, S.ARCHIVED)
    before = await state(db)
    err = await refused_at(db, ErrorCode.INVALID_TRANSITION, "listingId", catalog.update_listing,
                        world.viewer("provider_a"), listing.id, stock=1)
    assert "ARCHIVED" in err.message
    assert await state(db) == before
    assert (await fetch(db, Listing, listing.id)).stock == 5


@pytest.mark.parametrize(("who", "code"), NOT_THE_OWNER)
async def test_only_the_owner_edits(db: Database, world: f.World, who: str | None, code: ErrorCode) -> None:
    viewer = world.viewer(who)
    listing = world.listing_a
    before = await state(db)
    await refused_at(db, code, ..., catalog.update_listing, viewer, listing.id, unit_price=Decimal("1"))
    assert await state(db) == before
    saved = await fetch(db, Listing, listing.id)
    assert saved.unit_price == Decimal("200000.00") and saved.version == 1


async def test_editing_an_unknown_listing_is_not_found(db: Database, world: f.World) -> None:
    for bad in (999_999, 2**40, "1", None):
        await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.update_listing, world.viewer("provider_a"),
                      bad, stock=1)


BAD_EDITS: list[tuple[str, Any, ErrorCode, str]] = [
    ("price zero", {"unit_price": Decimal("0")}, ErrorCode.OUT_OF_RANGE, "unitPrice"),
    ("price float", {"unit_price": 1.1}, ErrorCode.INVALID, "unitPrice"),
    ("price cleared", {"unit_price": None}, ErrorCode.REQUIRED, "unitPrice"),
    ("all titles cleared", {"title_ru": "", "title_kk": None, "title_en": " "}, ErrorCode.REQUIRED, "titleRu"),
    ("title too long", {"title_en": "x" * 201}, ErrorCode.TOO_LONG, "titleEn"),
    ("unknown item", {"classifier_item_id": 999_999}, ErrorCode.NOT_FOUND, "classifierItemId"),
    ("region not served", lambda w: {"region_ids": [w.region_b.id]}, ErrorCode.REGION_NOT_SERVED, "regionIds"),
    ("regions cleared", {"region_ids": []}, ErrorCode.REQUIRED, "regionIds"),
    ("stock negative", {"stock": -3}, ErrorCode.OUT_OF_RANGE, "stock"),
    ("lead time", {"lead_time_days": 1000}, ErrorCode.OUT_OF_RANGE, "leadTimeDays"),
    ("delivery", {"delivery_options": ["NOWHERE"]}, ErrorCode.INVALID, "deliveryOptions"),
    ("attributes", {"attributes": {"a": {"b": 1}}}, ErrorCode.INVALID, "attributes"),
    ("stale version", {"expected_version": 7, "stock": 1}, ErrorCode.INVALID, "expectedVersion"),
]


@pytest.mark.parametrize(("what", "changes", "code", "field"), BAD_EDITS, ids=[c[0] for c in BAD_EDITS])
async def test_bad_edits_are_refused_and_change_nothing(db: Database, world: f.World, what: str, changes: Any,
                                                        code: ErrorCode, field: str) -> None:
    w = world
    if callable(changes):
        changes = changes(w)
    listing = w.listing_a
    before = await state(db)
    # a good change alongside the bad one must not be applied either
    changes = {"lead_time_days": 3, **changes}
    await refused_at(db, code, field, catalog.update_listing, w.viewer("provider_a"), listing.id, **changes)
    assert await state(db) == before
    saved = await fetch(db, Listing, listing.id)
    assert (saved.version, saved.status, saved.lead_time_days, saved.unit_price) == (
        1, S.PUBLISHED, 10, Decimal("200000.00")
    )


async def test_edit_with_the_current_version_goes_through(db: Database, world: f.World) -> None:
    listing = world.listing_a
    edited = await run(db, catalog.update_listing, world.viewer("provider_a"), listing.id, expected_version=1,
                       stock=9)
    assert edited.version == 2 and edited.stock == 9
    await refused_at(db, ErrorCode.INVALID, "expectedVersion", catalog.update_listing, world.viewer("provider_a"),
                  listing.id, expected_version=1, stock=8)


# -- the lifecycle ----------------------------------------------------------------
async def test_draft_to_published(db: Database, world: f.World) -> None:
    w = world
    listing = await create(db, w)
    submitted = await run(db, catalog.submit_listing, w.viewer("provider_a"), listing.id)
    assert submitted.status == S.PENDING_REVIEW and submitted.version == 2
    published = await run(db, catalog.review_listing, w.viewer("officer_a"), listing.id, "APPROVE")
    assert published.status == S.PUBLISHED and published.version == 3
    assert await status_of(db, listing.id) == S.PUBLISHED
    assert await actions(db, "Listing", listing.id) == ["listing.created", "listing.submitted", "listing.approved"]
    event = await last_event(db, "Listing", listing.id)
    assert event.actor_account_id == w.officer_a_account.id
    assert event.before["status"] == "PENDING_REVIEW" and event.after["status"] == "PUBLISHED"
    assert await outbox(db, "listing", listing.id) == 3
    # now anyone sees it
    assert (await run(db, catalog.get_listing, ANONYMOUS, listing.id)).id == listing.id


async def test_rejected_with_a_reason_then_fixed_and_resubmitted(db: Database, world: f.World) -> None:
    w = world
    listing = await listing_in(db, w, S.PENDING_REVIEW)
    before = await state(db)
    await refused_at(db, ErrorCode.REQUIRED, "reason", catalog.review_listing, w.viewer("officer_a"), listing.id,
                  "REJECT")
    await refused_at(db, ErrorCode.REQUIRED, "reason", catalog.review_listing, w.viewer("officer_a"), listing.id,
                  catalog.ReviewDecision.REJECT, "   ")
    await refused_at(db, ErrorCode.TOO_LONG, "reason", catalog.review_listing, w.viewer("officer_a"), listing.id,
                  "REJECT", "x" * 1001)
    assert await state(db) == before and await status_of(db, listing.id) == S.PENDING_REVIEW

    rejected = await run(db, catalog.review_listing, w.viewer("officer_a"), listing.id, "REJECT",
                         "The photo shows a different model.")
    assert rejected.status == S.REJECTED and rejected.review_note == "The photo shows a different model."
    # the provider still sees it, and fixes it
    assert (await run(db, catalog.get_listing, w.viewer("provider_a"), listing.id)).status == S.REJECTED
    await run(db, catalog.update_listing, w.viewer("provider_a"), listing.id, title_ru="Та самая модель")
    assert await status_of(db, listing.id) == S.REJECTED
    await run(db, catalog.submit_listing, w.viewer("provider_a"), listing.id)
    approved = await run(db, catalog.review_listing, w.viewer("admin"), listing.id, "APPROVE")
    assert approved.status == S.PUBLISHED and approved.review_note is None
    assert await actions(db, "Listing", listing.id) == [
        "listing.rejected", "listing.updated", "listing.submitted", "listing.approved",
    ]
    assert await outbox(db, "listing", listing.id) == 4


ALLOWED = {
    "submit": {S.DRAFT: S.PENDING_REVIEW, S.REJECTED: S.PENDING_REVIEW},
    "approve": {S.PENDING_REVIEW: S.PUBLISHED},
    "reject": {S.PENDING_REVIEW: S.REJECTED},
    "archive": {S.DRAFT: S.ARCHIVED, S.PENDING_REVIEW: S.ARCHIVED, S.PUBLISHED: S.ARCHIVED, S.REJECTED: S.ARCHIVED},
}
CASES = [(op, status) for op in ALLOWED for status in ListingStatus]


async def _do(db: Database, w: f.World, op: str, listing_id: int) -> Listing:
    if op == "submit":
        return await run(db, catalog.submit_listing, w.viewer("provider_a"), listing_id)
    if op == "approve":
        return await run(db, catalog.review_listing, w.viewer("officer_a"), listing_id, "APPROVE")
    if op == "reject":
        return await run(db, catalog.review_listing, w.viewer("officer_a"), listing_id, "REJECT", "Not this.")
    return await run(db, catalog.archive_listing, w.viewer("provider_a"), listing_id)


@pytest.mark.parametrize(("op", "status"), CASES, ids=[f"{op}-{s.value}" for op, s in CASES])
async def test_every_transition(db: Database, world: f.World, op: str, status: ListingStatus) -> None:
    """Each operation from each state: the allowed ones move, the others are refused and change nothing."""
    listing = await listing_in(db, world, status)
    target = ALLOWED[op].get(status)
    if target is None:
        before = await state(db)
        with pytest.raises(DomainError) as info:
            await _do(db, world, op, listing.id)
        assert info.value.code == ErrorCode.INVALID_TRANSITION
        assert status.value in info.value.message
        assert await state(db) == before
        saved = await fetch(db, Listing, listing.id)
        assert (saved.status, saved.version) == (status, 1)
    else:
        moved = await _do(db, world, op, listing.id)
        assert moved.status == target and moved.version == 2
        assert await status_of(db, listing.id) == target
        event = await last_event(db, "Listing", listing.id)
        assert (event.before["status"], event.after["status"]) == (status.value, target.value)
        assert await outbox(db, "listing", listing.id) == 1


async def test_a_double_approval_publishes_once(db: Database, world: f.World) -> None:
    w = world
    listing = await listing_in(db, w, S.PENDING_REVIEW)

    wins, losses = await race(*[run(db, catalog.review_listing, w.viewer(who), listing.id, "APPROVE")
                                for who in ("officer_a", "admin", "officer_a")])
    assert len(wins) == 1 and len(losses) == 2 and isinstance(wins[0], Listing)
    assert all(e.code == ErrorCode.INVALID_TRANSITION and "PUBLISHED" in e.message for e in losses)
    assert await actions(db, "Listing", listing.id) == ["listing.approved"]
    assert (await fetch(db, Listing, listing.id)).version == 2


async def test_an_officer_approves_only_the_version_they_saw(db: Database, world: f.World) -> None:
    w = world
    listing = await listing_in(db, w, S.PENDING_REVIEW)
    await run(db, catalog.update_listing, w.viewer("provider_a"), listing.id, unit_price=Decimal("999999"))
    await refused_at(db, ErrorCode.INVALID, "expectedVersion", catalog.review_listing, w.viewer("officer_a"),
                  listing.id, "APPROVE", expected_version=1)
    assert await status_of(db, listing.id) == S.PENDING_REVIEW
    approved = await run(db, catalog.review_listing, w.viewer("officer_a"), listing.id, "APPROVE",
                         expected_version=2)
    assert approved.status == S.PUBLISHED


async def test_a_listing_goes_back_to_review_and_is_approved_again(db: Database, world: f.World) -> None:
    w = world
    listing = w.listing_a  # published
    await run(db, catalog.update_listing, w.viewer("provider_a"), listing.id, unit_price=Decimal("210000"))
    assert await status_of(db, listing.id) == S.PENDING_REVIEW
    # while under review, buyers do not see it
    await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.get_listing, w.viewer("recipient_a"), listing.id)
    async with db.session() as s:
        queue = await catalog.moderation_queue(s, w.viewer("officer_a"))
    assert [x.id for x in queue] == [listing.id]
    await run(db, catalog.review_listing, w.viewer("officer_a"), listing.id, "APPROVE")
    assert (await run(db, catalog.get_listing, w.viewer("recipient_a"), listing.id)).unit_price == Decimal("210000")


# -- who may review and archive ---------------------------------------------------
@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("officer_b", ErrorCode.NOT_FOUND),  # the listing does not serve region B
        ("provider_a", ErrorCode.FORBIDDEN),  # its own listing
        ("provider_b", ErrorCode.FORBIDDEN),
        ("recipient_a", ErrorCode.FORBIDDEN),
        (None, ErrorCode.UNAUTHENTICATED),
    ],
)
@pytest.mark.parametrize("decision", ["APPROVE", "REJECT"])
async def test_who_may_not_review(db: Database, world: f.World, who: str | None, code: ErrorCode,
                                  decision: str) -> None:
    viewer = world.viewer(who)
    listing = await listing_in(db, world, S.PENDING_REVIEW)
    before = await state(db)
    await refused_at(db, code, ..., catalog.review_listing, viewer, listing.id, decision, "reason")
    assert await state(db) == before
    assert await status_of(db, listing.id) == S.PENDING_REVIEW


async def test_an_officer_of_any_served_region_reviews(db: Database, world: f.World) -> None:
    w = world
    async with db.transaction() as s:
        both = await f.provider(s, [w.region_a, w.region_b])
        both_account = await f.account(s, Role.PROVIDER, provider_id=both.id)
        listing = await f.listing(s, both, w.item, [w.region_a, w.region_b], status=S.PENDING_REVIEW)
    reviewed = await run(db, catalog.review_listing, w.viewer("officer_b"), listing.id, "APPROVE")
    assert reviewed.status == S.PUBLISHED
    # and the provider itself still cannot
    await run(db, catalog.update_listing, f.viewer_of(both_account), listing.id, unit_price=Decimal("1000"))
    await refused_at(db, ErrorCode.FORBIDDEN, None, catalog.review_listing, f.viewer_of(both_account), listing.id,
                  "APPROVE")


async def test_an_unknown_decision_is_refused(db: Database, world: f.World) -> None:
    listing = await listing_in(db, world, S.PENDING_REVIEW)
    await refused_at(db, ErrorCode.INVALID, "decision", catalog.review_listing, world.viewer("officer_a"), listing.id,
                  "MAYBE")
    await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.review_listing, world.viewer("officer_a"), 999_999,
                  "APPROVE")
    assert await status_of(db, listing.id) == S.PENDING_REVIEW


async def test_a_suspended_provider_cannot_submit_nor_be_approved(db: Database, world: f.World) -> None:
    w = world
    draft = await listing_in(db, w, S.DRAFT)
    pending = await listing_in(db, w, S.PENDING_REVIEW)
    await set_provider_status(db, w.provider_a.id, VerificationStatus.SUSPENDED)
    before = await state(db)
    await refused_at(db, ErrorCode.NOT_ELIGIBLE, "listingId", catalog.submit_listing, w.viewer("provider_a"), draft.id)
    await refused_at(db, ErrorCode.NOT_ELIGIBLE, "listingId", catalog.review_listing, w.viewer("officer_a"),
                  pending.id, "APPROVE")
    assert await state(db) == before
    # but it can still be rejected or archived, and its drafts edited
    await run(db, catalog.review_listing, w.viewer("officer_a"), pending.id, "REJECT", "Provider suspended.")
    await run(db, catalog.update_listing, w.viewer("provider_a"), draft.id, stock=1)
    await run(db, catalog.archive_listing, w.viewer("provider_a"), draft.id)
    # a PENDING (not yet verified) provider prepares listings but publishes nothing (issue 15)
    await set_provider_status(db, w.provider_a.id, VerificationStatus.PENDING)
    other = await listing_in(db, w, S.PENDING_REVIEW)
    fresh = await listing_in(db, w, S.DRAFT)
    before = await state(db)
    await refused_at(db, ErrorCode.NOT_ELIGIBLE, "listingId", catalog.review_listing, w.viewer("officer_a"),
                  other.id, "APPROVE")
    await refused_at(db, ErrorCode.NOT_ELIGIBLE, "listingId", catalog.submit_listing, w.viewer("provider_a"), fresh.id)
    assert await state(db) == before
    await run(db, catalog.update_listing, w.viewer("provider_a"), fresh.id, stock=2)
    # once verified, it is published
    await set_provider_status(db, w.provider_a.id, VerificationStatus.VERIFIED)
    assert (await run(db, catalog.review_listing, w.viewer("officer_a"), other.id, "APPROVE")).status == S.PUBLISHED


async def test_a_retired_classifier_item_cannot_be_submitted_nor_approved(db: Database, world: f.World) -> None:
    w = world
    draft = await listing_in(db, w, S.DRAFT)
    pending = await listing_in(db, w, S.PENDING_REVIEW)
    async with db.transaction() as s:
        await s.execute(update(ClassifierItem).where(ClassifierItem.id == w.item.id).values(is_active=False))
    await refused_at(db, ErrorCode.INVALID, "classifierItemId", catalog.submit_listing, w.viewer("provider_a"), draft.id)
    await refused_at(db, ErrorCode.INVALID, "classifierItemId", catalog.review_listing, w.viewer("officer_a"),
                  pending.id, "APPROVE")
    assert await status_of(db, draft.id) == S.DRAFT and await status_of(db, pending.id) == S.PENDING_REVIEW


@pytest.mark.parametrize(("who", "code"), NOT_THE_OWNER)
async def test_only_the_owner_submits(db: Database, world: f.World, who: str | None, code: ErrorCode) -> None:
    viewer = world.viewer(who)
    listing = await listing_in(db, world, S.DRAFT)
    before = await state(db)
    await refused_at(db, code, ..., catalog.submit_listing, viewer, listing.id)
    assert await state(db) == before and await status_of(db, listing.id) == S.DRAFT


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("provider_b", ErrorCode.NOT_FOUND),
        ("officer_a", ErrorCode.FORBIDDEN),
        ("recipient_a", ErrorCode.FORBIDDEN),
        (None, ErrorCode.UNAUTHENTICATED),
    ],
)
async def test_who_may_not_archive(db: Database, world: f.World, who: str | None, code: ErrorCode) -> None:
    viewer = world.viewer(who)
    before = await state(db)
    await refused_at(db, code, ..., catalog.archive_listing, viewer, world.listing_a.id)
    assert await state(db) == before and await status_of(db, world.listing_a.id) == S.PUBLISHED


async def test_an_admin_archives_with_a_reason(db: Database, world: f.World) -> None:
    w = world
    archived = await run(db, catalog.archive_listing, w.viewer("admin"), w.listing_b.id, "Counterfeit goods.")
    assert archived.status == S.ARCHIVED
    event = await last_event(db, "Listing", w.listing_b.id)
    assert event.action == "listing.archived" and event.actor_account_id == w.admin_account.id
    assert event.after["reason"] == "Counterfeit goods."
    assert await outbox(db, "listing", w.listing_b.id) == 1
    await refused_at(db, ErrorCode.INVALID_TRANSITION, "listingId", catalog.archive_listing, w.viewer("provider_b"),
                  w.listing_b.id)


# -- reading ----------------------------------------------------------------------
VISIBILITY = {
    # status: viewers that see a listing of provider A serving region A
    S.DRAFT: {"provider_a", "officer_a", "admin"},
    S.PENDING_REVIEW: {"provider_a", "officer_a", "admin"},
    S.REJECTED: {"provider_a", "officer_a", "admin"},
    S.ARCHIVED: {"provider_a", "officer_a", "admin"},
    S.PUBLISHED: {"provider_a", "provider_b", "officer_a", "officer_b", "recipient_a", "recipient_b", "admin", None},
}
VIEWERS = ["provider_a", "provider_b", "officer_a", "officer_b", "recipient_a", "recipient_b", "admin", None]


@pytest.mark.parametrize("status", list(ListingStatus))
async def test_who_sees_a_listing(db: Database, world: f.World, status: ListingStatus) -> None:
    listing = await listing_in(db, world, status)
    for who in VIEWERS:
        viewer = world.viewer(who)
        if who in VISIBILITY[status]:
            assert (await run(db, catalog.get_listing, viewer, listing.id)).id == listing.id, who
        else:
            await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.get_listing, viewer, listing.id)


async def test_a_suspended_providers_listings_leave_the_public_view(db: Database, world: f.World) -> None:
    w = world
    await set_provider_status(db, w.provider_a.id, VerificationStatus.SUSPENDED)
    for who in ("recipient_a", "provider_b", None):
        viewer = w.viewer(who)
        await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.get_listing, viewer, w.listing_a.id)
    for who in ("provider_a", "officer_a", "admin"):
        assert (await run(db, catalog.get_listing, w.viewer(who), w.listing_a.id)).id == w.listing_a.id


async def test_a_recipient_still_sees_a_listing_they_ordered(db: Database, world: f.World) -> None:
    w = world
    await run(db, orders.place_order, w.viewer("recipient_a"), listing_id=w.listing_a.id,
              entitlement_id=w.entitlement_a.id, quantity=Decimal("1"), idempotency_key="catalog-test-1")
    await run(db, catalog.archive_listing, w.viewer("provider_a"), w.listing_a.id)
    assert (await run(db, catalog.get_listing, w.viewer("recipient_a"), w.listing_a.id)).status == S.ARCHIVED
    await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.get_listing, w.viewer("recipient_b"), w.listing_a.id)


async def test_a_providers_listings(db: Database, world: f.World) -> None:
    w = world
    made = {status: await listing_in(db, w, status) for status in ListingStatus}
    ids_all = sorted([w.listing_a.id, *(x.id for x in made.values())], reverse=True)
    published = sorted([w.listing_a.id, made[S.PUBLISHED].id], reverse=True)

    async def ids(who: str | None, **kw: Any) -> list[int]:
        viewer = w.viewer(who)
        async with db.session() as s:
            return [x.id for x in await catalog.list_provider_listings(s, viewer, w.provider_a.id, **kw)]

    assert await ids("provider_a") == ids_all
    assert await ids("admin") == ids_all
    assert await ids("provider_b") == published
    assert await ids(None) == published
    assert await ids("recipient_a") == published
    assert await ids("officer_b") == published
    assert await ids("officer_a") == ids_all
    assert await ids("provider_a", status="DRAFT") == [made[S.DRAFT].id]
    assert await ids("provider_b", status=S.DRAFT) == []
    # keyset pages: limit + 1 rows tell there is more
    first = await ids("provider_a", limit=2)
    assert first == ids_all[:3]
    assert await ids("provider_a", limit=2, after_id=first[1]) == ids_all[2:5]
    assert await ids("provider_a", limit=0) == ids_all[:1]
    async with db.session() as s:
        for kw, code, field in [
            ({"limit": 101}, ErrorCode.OUT_OF_RANGE, "limit"),
            ({"limit": -1}, ErrorCode.OUT_OF_RANGE, "limit"),
            ({"after_id": "x"}, ErrorCode.INVALID, "after"),
            ({"status": "LOST"}, ErrorCode.INVALID, "status"),
        ]:
            with pytest.raises(DomainError) as info:
                await catalog.list_provider_listings(s, w.viewer("provider_a"), w.provider_a.id, **kw)
            assert (info.value.code, info.value.field) == (code, field)
        with pytest.raises(DomainError) as info:
            await catalog.list_provider_listings(s, ANONYMOUS, 999_999)
        assert (info.value.code, info.value.field) == (ErrorCode.NOT_FOUND, "providerId")


async def test_the_moderation_queue(db: Database, world: f.World) -> None:
    w = world
    a1 = await listing_in(db, w, S.PENDING_REVIEW)
    a2 = await listing_in(db, w, S.PENDING_REVIEW)
    await listing_in(db, w, S.DRAFT)
    await listing_in(db, w, S.REJECTED)
    async with db.transaction() as s:
        b1 = await f.listing(s, w.provider_b, w.item, [w.region_b], status=S.PENDING_REVIEW)

    async def ids(who: str, **kw: Any) -> list[int]:
        async with db.session() as s:
            return [x.id for x in await catalog.moderation_queue(s, w.viewer(who), **kw)]

    assert await ids("officer_a") == [a1.id, a2.id]
    assert await ids("officer_b") == [b1.id]
    assert await ids("admin") == [a1.id, a2.id, b1.id]
    assert await ids("admin", limit=1) == [a1.id, a2.id]
    assert await ids("admin", limit=1, after_id=a2.id) == [b1.id]
    for who, code in [("provider_a", ErrorCode.FORBIDDEN), ("recipient_a", ErrorCode.FORBIDDEN)]:
        await refused_at(db, code, None, catalog.moderation_queue, w.viewer(who))
    await refused_at(db, ErrorCode.UNAUTHENTICATED, None, catalog.moderation_queue, ANONYMOUS)


async def test_every_change_leaves_one_audit_event_and_one_outbox_row(db: Database, world: f.World) -> None:
    """The whole life of a listing, counted: n changes, n events, n outbox rows, in order."""
    w = world
    listing = await create(db, w)
    provider = w.viewer("provider_a")
    await run(db, catalog.update_listing, provider, listing.id, stock=3)
    await run(db, catalog.submit_listing, provider, listing.id)
    await run(db, catalog.review_listing, w.viewer("officer_a"), listing.id, "REJECT", "Blurry photo.")
    await run(db, catalog.submit_listing, provider, listing.id)
    await run(db, catalog.review_listing, w.viewer("officer_a"), listing.id, "APPROVE")
    await run(db, catalog.update_listing, provider, listing.id, unit_price=Decimal("170000"))
    await run(db, catalog.review_listing, w.viewer("admin"), listing.id, "APPROVE")
    await run(db, catalog.archive_listing, provider, listing.id)
    expected = [
        "listing.created", "listing.updated", "listing.submitted", "listing.rejected", "listing.submitted",
        "listing.approved", "listing.updated", "listing.approved", "listing.archived",
    ]
    assert await actions(db, "Listing", listing.id) == expected
    assert await outbox(db, "listing", listing.id) == len(expected)
    saved = await fetch(db, Listing, listing.id)
    assert saved.version == len(expected)
    async with db.session() as s:
        versions = (await s.execute(
            select(AuditEvent.after).where(AuditEvent.subject_type == "Listing", AuditEvent.subject_id == listing.id)
            .order_by(AuditEvent.id)
        )).scalars().all()
    assert [v["version"] for v in versions] == list(range(1, len(expected) + 1))
