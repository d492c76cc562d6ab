"""Provider profiles: the public view, the provider's own edits, verification by an ADMIN."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Listing, ListingRegion, ListingStatus, Provider, ProviderRegion, SearchOutbox
from marketplace.catalog.models import VerificationStatus
from marketplace.db import Database
from marketplace.errors import ErrorCode, ValidationErrors
from tests import factories as f
from tests.catalog import counts, fetch, last_event, outbox
from tests.factories import ANONYMOUS, actions, refused_at, run

V = VerificationStatus


async def state(db: Database) -> tuple[int, ...]:
    """What a refused call must leave untouched: the regions of providers and listings, audit events, outbox rows."""
    return await counts(db, ProviderRegion, ListingRegion, AuditEvent, SearchOutbox)


async def regions_of(db: Database, provider_id: int) -> list[int]:
    async with db.session() as s:
        return await catalog.provider_region_ids(s, provider_id)


# -- the public profile -----------------------------------------------------------
@pytest.mark.parametrize("who", ["provider_a", "provider_b", "officer_b", "recipient_b", "admin", None])
async def test_anyone_reads_a_profile(db: Database, world: f.World, who: str | None) -> None:
    w = world
    async with db.transaction() as s:
        p = await s.get(Provider, w.provider_a.id)
        assert p is not None
        p.phone, p.accessibility, p.rating_sum, p.rating_count = "+7 701 555 12 34", ["Пандус"], 9, 2
    viewer = w.viewer(who)
    profile = await run(db, catalog.get_provider, viewer, w.provider_a.id)
    assert profile.provider.id == w.provider_a.id
    assert profile.region_ids == [w.region_a.id]
    assert profile.provider.verification_status == V.VERIFIED
    assert profile.provider.phone == "+7 701 555 12 34" and profile.provider.accessibility == ["Пандус"]
    assert str(profile.provider.rating) == "4.50"


async def test_an_unknown_provider_is_not_found(db: Database, world: f.World) -> None:
    for bad in (999_999, 2**40, "1"):
        await refused_at(db, ErrorCode.NOT_FOUND, "providerId", catalog.get_provider, ANONYMOUS, bad)


# -- the provider's own edits -----------------------------------------------------
async def test_the_provider_updates_its_contacts(db: Database, world: f.World) -> None:
    w = world
    async with db.transaction() as s:
        draft = await f.listing(s, w.provider_a, w.item, [w.region_a], status=ListingStatus.DRAFT)
    profile = await run(
        db, catalog.update_provider_profile, w.viewer("provider_a"), w.provider_a.id,
        phone="  +7 (701) 555-12-34 ", email="Info@Medtech.KZ", address="Астана, ул. Кенесары, 40",
        website="medtech.kz/catalog", accessibility=["Пандус", " Лифт ", "Пандус", ""],
    )
    p = await fetch(db, Provider, w.provider_a.id)
    assert p.phone == "+77015551234"  # kept in E.164 (phonenumbers)
    assert p.email == "Info@medtech.kz"
    assert p.address == "Астана, ул. Кенесары, 40"
    assert p.website == "https://medtech.kz/catalog"
    assert p.accessibility == ["Пандус", "Лифт"]
    assert profile.provider.website == p.website and profile.region_ids == [w.region_a.id]
    event = await last_event(db, "Provider", w.provider_a.id)
    assert event.action == "provider.updated" and event.actor_account_id == w.provider_a_account.id
    assert event.before["email"] is None and event.after["email"] == "Info@medtech.kz"
    assert "bin" not in event.after
    # the provider's row, and its published listing (whose search document shows the provider)
    assert await outbox(db, "provider", w.provider_a.id) == 1
    assert await outbox(db, "listing", w.listing_a.id) == 1
    assert await outbox(db, "listing", draft.id) == 0
    assert await outbox(db, "listing", w.listing_b.id) == 0


async def test_absent_fields_stay_and_none_clears(db: Database, world: f.World) -> None:
    w = world
    viewer = w.viewer("provider_a")
    await run(db, catalog.update_provider_profile, viewer, w.provider_a.id, phone="+77015551234",
              email="a@b.kz", website="https://b.kz")
    await run(db, catalog.update_provider_profile, viewer, w.provider_a.id, email=None, website="")
    p = await fetch(db, Provider, w.provider_a.id)
    assert (p.phone, p.email, p.website) == ("+77015551234", None, None)
    events = await actions(db, "Provider", w.provider_a.id)
    assert events == ["provider.updated", "provider.updated"]
    # nothing new: no event, no outbox row
    before = await state(db)
    await run(db, catalog.update_provider_profile, viewer, w.provider_a.id, phone="+77015551234", email=None,
              region_ids=[w.region_a.id])
    assert await state(db) == before


BAD_PROFILE: list[tuple[str, dict[str, Any], ErrorCode, str]] = [
    ("phone letters", {"phone": "call me"}, ErrorCode.INVALID, "phone"),
    ("phone too short", {"phone": "12345"}, ErrorCode.INVALID, "phone"),
    ("phone too many digits", {"phone": "+1234567890123456"}, ErrorCode.INVALID, "phone"),
    ("phone too long", {"phone": "+7 701 555 12 34" + " " * 10 + "5" * 10}, ErrorCode.TOO_LONG, "phone"),
    ("phone plus inside", {"phone": "7701+5551234"}, ErrorCode.INVALID, "phone"),
    ("phone that cannot exist", {"phone": "+7 000 000 00 00"}, ErrorCode.INVALID, "phone"),
    ("email without at", {"email": "info.medtech.kz"}, ErrorCode.INVALID, "email"),
    ("email without domain dot", {"email": "info@localhost"}, ErrorCode.INVALID, "email"),
    ("email with space", {"email": "in fo@medtech.kz"}, ErrorCode.INVALID, "email"),
    ("email two ats", {"email": "a@b@c.kz"}, ErrorCode.INVALID, "email"),
    ("email too long", {"email": "a" * 60 + "@" + "b" * 140 + ".kz"}, ErrorCode.TOO_LONG, "email"),
    ("email not text", {"email": 42}, ErrorCode.INVALID, "email"),
    ("website javascript", {"website": "javascript:alert(1)"}, ErrorCode.INVALID, "website"),
    ("website ftp", {"website": "ftp://files.kz"}, ErrorCode.INVALID, "website"),
    ("website no host", {"website": "https://"}, ErrorCode.INVALID, "website"),
    ("website credentials", {"website": "https://user:pw@evil.kz"}, ErrorCode.INVALID, "website"),
    ("website spaces", {"website": "https://medtech.kz/a b"}, ErrorCode.INVALID, "website"),
    ("website too long", {"website": "https://medtech.kz/" + "a" * 190}, ErrorCode.TOO_LONG, "website"),
    ("address too long", {"address": "x" * 301}, ErrorCode.TOO_LONG, "address"),
    ("address with NUL", {"address": "Астана\x00"}, ErrorCode.INVALID, "address"),
    ("accessibility text", {"accessibility": "Пандус"}, ErrorCode.INVALID, "accessibility"),
    ("accessibility too many", {"accessibility": [f"note {i}" for i in range(21)]}, ErrorCode.OUT_OF_RANGE,
     "accessibility"),
    ("accessibility item too long", {"accessibility": ["x" * 101]}, ErrorCode.TOO_LONG, "accessibility"),
    ("accessibility item not text", {"accessibility": [1]}, ErrorCode.INVALID, "accessibility"),
    ("no region", {"region_ids": []}, ErrorCode.REQUIRED, "regionIds"),
    ("regions cleared", {"region_ids": None}, ErrorCode.REQUIRED, "regionIds"),
    ("unknown region", {"region_ids": [999_999]}, ErrorCode.NOT_FOUND, "regionIds"),
]


@pytest.mark.parametrize(("what", "changes", "code", "field"), BAD_PROFILE, ids=[c[0] for c in BAD_PROFILE])
async def test_bad_profile_input_is_refused_and_changes_nothing(
    db: Database, world: f.World, what: str, changes: dict[str, Any], code: ErrorCode, field: str
) -> None:
    w = world
    before = await state(db)
    # a good change alongside must not be applied either
    await refused_at(db, code, field, catalog.update_provider_profile, w.viewer("provider_a"), w.provider_a.id,
                  **{"address": "Алматы", **changes})
    assert await state(db) == before
    p = await fetch(db, Provider, w.provider_a.id)
    assert (p.phone, p.email, p.address, p.website, p.accessibility) == (None, None, None, None, [])
    assert await regions_of(db, w.provider_a.id) == [w.region_a.id]


async def test_all_profile_errors_are_reported_together(db: Database, world: f.World) -> None:
    w = world
    with pytest.raises(ValidationErrors) as info:
        await run(db, catalog.update_provider_profile, w.viewer("provider_a"), w.provider_a.id,
                  phone="x", email="y", website="javascript:z")
    assert {e.field for e in info.value.errors} == {"phone", "email", "website"}


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("provider_b", ErrorCode.NOT_FOUND),
        ("officer_a", ErrorCode.FORBIDDEN),
        ("recipient_a", ErrorCode.FORBIDDEN),
        (None, ErrorCode.UNAUTHENTICATED),
    ],
)
async def test_only_the_provider_edits_its_profile(db: Database, world: f.World, who: str | None,
                                                   code: ErrorCode) -> None:
    viewer = world.viewer(who)
    before = await state(db)
    await refused_at(db, code, ..., catalog.update_provider_profile, viewer, world.provider_a.id, phone="+77015551234",
                  region_ids=[world.region_a.id, world.region_b.id])
    assert await state(db) == before
    assert (await fetch(db, Provider, world.provider_a.id)).phone is None


async def test_an_admin_may_fix_a_profile(db: Database, world: f.World) -> None:
    w = world
    await run(db, catalog.update_provider_profile, w.viewer("admin"), w.provider_b.id, email="office@prov.kz")
    assert (await fetch(db, Provider, w.provider_b.id)).email == "office@prov.kz"
    assert (await last_event(db, "Provider", w.provider_b.id)).actor_account_id == w.admin_account.id
    await refused_at(db, ErrorCode.NOT_FOUND, "providerId", catalog.update_provider_profile, w.viewer("admin"), 999_999,
                  email="office@prov.kz")


async def test_a_new_region_can_then_be_offered(db: Database, world: f.World) -> None:
    w = world
    viewer = w.viewer("provider_a")
    await refused_at(db, ErrorCode.REGION_NOT_SERVED, "regionIds", catalog.update_listing, viewer, w.listing_a.id,
                  region_ids=[w.region_b.id])
    profile = await run(db, catalog.update_provider_profile, viewer, w.provider_a.id,
                        region_ids=[w.region_b.id, w.region_a.id])
    assert profile.region_ids == sorted([w.region_a.id, w.region_b.id])
    event = await last_event(db, "Provider", w.provider_a.id)
    assert event.before["region_ids"] == [w.region_a.id]
    assert event.after["region_ids"] == sorted([w.region_a.id, w.region_b.id])
    listing = await run(db, catalog.update_listing, viewer, w.listing_a.id, region_ids=[w.region_a.id, w.region_b.id])
    assert listing.status == ListingStatus.PUBLISHED  # regions are not reviewed content


async def test_dropping_a_region_takes_it_off_the_listings(db: Database, world: f.World) -> None:
    w = world
    async with db.transaction() as s:
        s.add(ProviderRegion(provider_id=w.provider_a.id, region_id=w.region_b.id))
        await s.flush()
        both = await f.listing(s, w.provider_a, w.item, [w.region_a, w.region_b])
        only_b_archived = await f.listing(s, w.provider_a, w.item, [w.region_b], status=ListingStatus.ARCHIVED)
    before_outbox = await outbox(db, "listing", both.id)
    await run(db, catalog.update_provider_profile, w.viewer("provider_a"), w.provider_a.id,
              region_ids=[w.region_a.id])
    assert await regions_of(db, w.provider_a.id) == [w.region_a.id]
    async with db.session() as s:
        by_listing = await catalog.listing_region_ids(s, [both.id, only_b_archived.id, w.listing_a.id])
    assert by_listing == {both.id: [w.region_a.id], only_b_archived.id: [], w.listing_a.id: [w.region_a.id]}
    event = await last_event(db, "Listing", both.id)
    assert event.action == "listing.regions_dropped"
    assert event.before["region_ids"] == sorted([w.region_a.id, w.region_b.id])
    assert event.after["region_ids"] == [w.region_a.id]
    saved = await fetch(db, Listing, both.id)
    assert saved.version == 2 and saved.status == ListingStatus.PUBLISHED
    assert await outbox(db, "listing", both.id) > before_outbox
    # region B's officer no longer reviews or sees it
    await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.review_listing, w.viewer("officer_b"), both.id,
                  "REJECT", "x")


async def test_a_region_a_listing_still_needs_cannot_be_dropped(db: Database, world: f.World) -> None:
    w = world
    async with db.transaction() as s:
        s.add(ProviderRegion(provider_id=w.provider_a.id, region_id=w.region_b.id))
        await s.flush()
        only_b = await f.listing(s, w.provider_a, w.item, [w.region_b], status=ListingStatus.DRAFT)
    before = await state(db)
    err = await refused_at(db, ErrorCode.INVALID, "regionIds", catalog.update_provider_profile, w.viewer("provider_a"),
                        w.provider_a.id, region_ids=[w.region_a.id], phone="+77015551234")
    assert str(only_b.id) in err.message
    assert await state(db) == before
    assert await regions_of(db, w.provider_a.id) == sorted([w.region_a.id, w.region_b.id])
    assert (await fetch(db, Provider, w.provider_a.id)).phone is None


# -- verification -----------------------------------------------------------------
async def test_an_admin_verifies_suspends_and_reinstates(db: Database, world: f.World) -> None:
    w = world
    async with db.transaction() as s:
        newcomer = await f.provider(s, [w.region_a], verification_status=V.PENDING)
        shop = await f.listing(s, newcomer, w.item, [w.region_a])
    admin = w.viewer("admin")
    profile = await run(db, catalog.verify_provider, admin, newcomer.id, "VERIFIED")
    assert profile.provider.verification_status == V.VERIFIED
    await run(db, catalog.verify_provider, admin, newcomer.id, V.SUSPENDED, "Fake service acts.")
    assert (await fetch(db, Provider, newcomer.id)).verification_status == V.SUSPENDED
    event = await last_event(db, "Provider", newcomer.id)
    assert event.action == "provider.verification_changed" and event.actor_account_id == w.admin_account.id
    assert event.before["verification_status"] == "VERIFIED"
    assert event.after["verification_status"] == "SUSPENDED" and event.after["reason"] == "Fake service acts."
    assert set(event.after) <= {"verification_status", "reason", "updated_at"}  # only what changed
    # its published listing leaves the public view (and search, through the outbox)
    await refused_at(db, ErrorCode.NOT_FOUND, "listingId", catalog.get_listing, w.viewer("recipient_a"), shop.id)
    await run(db, catalog.verify_provider, admin, newcomer.id, "VERIFIED")
    assert (await run(db, catalog.get_listing, w.viewer("recipient_a"), shop.id)).id == shop.id
    assert await actions(db, "Provider", newcomer.id) == ["provider.verification_changed"] * 3
    assert await outbox(db, "provider", newcomer.id) == 3
    assert await outbox(db, "listing", shop.id) == 3


@pytest.mark.parametrize(
    ("start", "target"),
    [(V.VERIFIED, V.VERIFIED), (V.SUSPENDED, V.SUSPENDED), (V.PENDING, V.PENDING), (V.VERIFIED, V.PENDING),
     (V.SUSPENDED, V.PENDING)],
)
async def test_wrong_verification_moves(db: Database, world: f.World, start: V, target: V) -> None:
    async with db.transaction() as s:
        p = await f.provider(s, [world.region_a], verification_status=start)
    before = await state(db)
    err = await refused_at(db, ErrorCode.INVALID_TRANSITION, "status", catalog.verify_provider, world.viewer("admin"),
                        p.id, target)
    assert start.value in err.message
    assert await state(db) == before
    assert (await fetch(db, Provider, p.id)).verification_status == start


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("provider_a", ErrorCode.FORBIDDEN),  # not even itself
        ("officer_a", ErrorCode.FORBIDDEN),
        ("recipient_a", ErrorCode.FORBIDDEN),
        (None, ErrorCode.UNAUTHENTICATED),
    ],
)
async def test_only_an_admin_verifies(db: Database, world: f.World, who: str | None, code: ErrorCode) -> None:
    viewer = world.viewer(who)
    before = await state(db)
    await refused_at(db, code, None, catalog.verify_provider, viewer, world.provider_a.id, "SUSPENDED")
    assert await state(db) == before
    assert (await fetch(db, Provider, world.provider_a.id)).verification_status == V.VERIFIED


async def test_bad_verification_input(db: Database, world: f.World) -> None:
    admin = world.viewer("admin")
    before = await state(db)
    await refused_at(db, ErrorCode.INVALID, "status", catalog.verify_provider, admin, world.provider_a.id, "TRUSTED")
    await refused_at(db, ErrorCode.NOT_FOUND, "providerId", catalog.verify_provider, admin, 999_999, "SUSPENDED")
    await refused_at(db, ErrorCode.TOO_LONG, "reason", catalog.verify_provider, admin, world.provider_a.id, "SUSPENDED",
                  "x" * 1001)
    assert await state(db) == before
    async with db.session() as s:
        assert (await s.execute(select(Provider.verification_status).where(Provider.id == world.provider_a.id))
                ).scalar_one() == V.VERIFIED
