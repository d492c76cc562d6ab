"""Placing an order: preconditions, the price split, the reservation, idempotency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from marketplace.audit.models import IdempotencyKey
from marketplace.catalog.models import ItemCategory, Listing, ListingStatus, Provider, SearchOutbox, Unit
from marketplace.catalog.models import VerificationStatus
from marketplace.errors import DomainError, ErrorCode
from marketplace.orders import services as orders
from marketplace.orders.models import OrderStatus
from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus
from tests import factories as f
from tests.orders.conftest import entitlement, order_count, place, refused_placing
from tests.factories import actions, new_key, refused, run

TODAY = f.today()


async def test_places_order_reserves_balance_and_snapshots_price(db, world):
    order = await place(db, world)
    assert order.status == OrderStatus.PLACED
    assert order.person_id == world.recipient_a.id
    assert order.region_id == world.region_a.id
    assert order.provider_id == world.provider_a.id
    assert order.placed_by_account_id == world.recipient_a_account.id
    assert (order.unit_price, order.price_cap) == (Decimal("200000.00"), Decimal("250000.00"))
    assert (order.total, order.state_share, order.co_payment) == (
        Decimal("200000.00"), Decimal("200000.00"), Decimal("0.00"))
    ent = await entitlement(db, world.entitlement_a.id)
    assert (ent.reserved, ent.consumed, ent.balance) == (Decimal("1.00"), Decimal("0.00"), Decimal("1.00"))
    assert await actions(db, "Order", order.id) == ["order.placed"]
    assert await actions(db, "Entitlement", ent.id) == ["entitlement.reserved"]


async def test_price_snapshot_does_not_move_with_later_price(db, world):
    order = await place(db, world)
    async with db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == world.listing_a.id).values(unit_price=Decimal("1.00")))
    got = await run(db, orders.get_order, world.viewer("recipient_a"), order.id)
    assert got.unit_price == Decimal("200000.00")


async def test_price_over_cap_splits_into_state_share_and_co_payment(db, world):
    async with db.transaction() as s:
        dear = await f.listing(s, world.provider_a, world.item, [world.region_a], unit_price=Decimal("300000.00"))
    order = await place(db, world, listing_id=dear.id, quantity=Decimal("2"))
    assert order.total == Decimal("600000.00")
    assert order.state_share == Decimal("500000.00")  # min(300000, 250000) × 2
    assert order.co_payment == Decimal("100000.00")
    assert order.state_share + order.co_payment == order.total


async def test_fractional_hours_are_rounded_once_to_the_tiyn(db, world):
    async with db.transaction() as s:
        item = await f.classifier_item(s, kind="SERVICE", unit=Unit.HOUR, category=ItemCategory.SIGN_LANGUAGE,
                                       price_cap=Decimal("900.00"))
        ent = await f.entitlement(s, world.recipient_a, item, quantity=60)
        lst = await f.listing(s, world.provider_a, item, [world.region_a], unit_price=Decimal("1000.01"))
    order = await place(db, world, listing_id=lst.id, entitlement_id=ent.id, quantity=Decimal("1.5"))
    assert order.total == Decimal("1500.02")  # 1500.015 half-up
    assert order.state_share == Decimal("1350.00")
    assert order.co_payment == Decimal("150.02")


async def test_recipient_orders_for_a_represented_person(db, world):
    async with db.transaction() as s:
        child = await f.person(s, world.region_a, birth_date=dt.date(2015, 5, 5),
                               legal_representative_id=world.recipient_a.id)
        await f.disability_record(s, child, group="CHILD")
        ent = await f.entitlement(s, child, world.item, quantity=1)
    parent = f.viewer_of(world.recipient_a_account, represented=frozenset({child.id}))
    order = await place(db, world, viewer=parent, entitlement_id=ent.id)
    assert order.person_id == child.id
    assert (await entitlement(db, ent.id)).reserved == Decimal("1.00")
    # Without the representation the same entitlement is someone else's.
    await refused_placing(db, world, ErrorCode.NOT_FOUND, entitlement_id=ent.id)


@pytest.mark.parametrize("who", ["provider_a", "officer_a", "admin"])
async def test_only_recipients_place_orders(db, world, who):
    await refused_placing(db, world, ErrorCode.FORBIDDEN, who)
    assert await order_count(db) == 0


async def test_anonymous_is_unauthenticated(db, world):
    from marketplace.accounts.access import Viewer

    await refused(db, ErrorCode.UNAUTHENTICATED, orders.place_order, Viewer.anonymous(),
                  listing_id=world.listing_a.id, entitlement_id=world.entitlement_a.id, quantity=Decimal(1),
                  idempotency_key=new_key())


async def test_another_recipients_entitlement_is_not_found(db, world):
    err = await refused_placing(db, world, ErrorCode.NOT_FOUND, "recipient_b")
    assert err.field == "entitlementId"
    missing = await refused_placing(db, world, ErrorCode.NOT_FOUND, "recipient_b", entitlement_id=999999)
    assert missing.message == err.message  # the same answer: nothing leaks
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0


async def test_unknown_listing_is_not_found(db, world):
    await refused_placing(db, world, ErrorCode.NOT_FOUND, listing_id=999999)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (ListingStatus.DRAFT, ErrorCode.NOT_FOUND),
        (ListingStatus.PENDING_REVIEW, ErrorCode.NOT_FOUND),
        (ListingStatus.REJECTED, ErrorCode.NOT_FOUND),
        (ListingStatus.ARCHIVED, ErrorCode.LISTING_NOT_AVAILABLE),
    ],
)
async def test_unpublished_listing_cannot_be_ordered(db, world, status, code):
    async with db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == world.listing_a.id).values(status=status))
    await refused_placing(db, world, code)
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0
    assert await order_count(db) == 0


async def test_suspended_provider_takes_no_orders(db, world):
    async with db.transaction() as s:
        await s.execute(update(Provider).where(Provider.id == world.provider_a.id)
                        .values(verification_status=VerificationStatus.SUSPENDED))
    await refused_placing(db, world, ErrorCode.LISTING_NOT_AVAILABLE)
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0


async def test_expired_record_refuses(db, world):
    async with db.transaction() as s:
        await s.execute(update(DisabilityRecord).where(DisabilityRecord.person_id == world.recipient_a.id)
                        .values(valid_until=TODAY - dt.timedelta(days=1)))
    await refused_placing(db, world, ErrorCode.NO_ACTIVE_RECORD)
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0


async def test_closed_record_refuses(db, world):
    async with db.transaction() as s:
        await s.execute(update(DisabilityRecord).where(DisabilityRecord.person_id == world.recipient_a.id)
                        .values(status=RecordStatus.CLOSED))
    await refused_placing(db, world, ErrorCode.NO_ACTIVE_RECORD)


@pytest.mark.parametrize(
    "change",
    [
        {"status": EntitlementStatus.CLOSED},
        {"valid_until": TODAY - dt.timedelta(days=1)},
        {"valid_from": TODAY + dt.timedelta(days=1), "valid_until": TODAY + dt.timedelta(days=30)},
    ],
    ids=["closed", "expired", "not-yet-valid"],
)
async def test_entitlement_not_active_today_refuses(db, world, change):
    async with db.transaction() as s:
        await s.execute(update(Entitlement).where(Entitlement.id == world.entitlement_a.id).values(**change))
    await refused_placing(db, world, ErrorCode.NO_ENTITLEMENT)
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0


async def test_entitlement_for_another_item_refuses(db, world):
    async with db.transaction() as s:
        other = await f.classifier_item(s)
        lst = await f.listing(s, world.provider_a, other, [world.region_a])
    await refused_placing(db, world, ErrorCode.NO_ENTITLEMENT, listing_id=lst.id)


async def test_listing_outside_the_recipients_region_refuses(db, world):
    await refused_placing(db, world, ErrorCode.REGION_NOT_SERVED, listing_id=world.listing_b.id)
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0


async def test_listing_region_without_the_provider_serving_it_refuses(db, world):
    # The listing names region A, but its provider serves only region B.
    async with db.transaction() as s:
        lst = await f.listing(s, world.provider_b, world.item, [world.region_a, world.region_b])
    await refused_placing(db, world, ErrorCode.REGION_NOT_SERVED, listing_id=lst.id)


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        (Decimal("0"), ErrorCode.OUT_OF_RANGE),
        (Decimal("-1"), ErrorCode.OUT_OF_RANGE),
        (Decimal("10001"), ErrorCode.OUT_OF_RANGE),
        (Decimal("1.5"), ErrorCode.INVALID),  # a wheelchair is counted in pieces
        (Decimal("1.001"), ErrorCode.INVALID),
        (Decimal("NaN"), ErrorCode.INVALID),
        (1.0, ErrorCode.INVALID),  # floats never
        ("abc", ErrorCode.INVALID),
    ],
)
async def test_bad_quantities_refuse(db, world, quantity, code):
    await refused_placing(db, world, code, quantity=quantity)
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0


async def test_more_than_the_balance_refuses(db, world):
    err = await refused_placing(db, world, ErrorCode.INSUFFICIENT_BALANCE, quantity=Decimal(3))
    assert "2" in err.message
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0


async def test_exhausted_balance_refuses(db, world):
    await place(db, world)
    await place(db, world)
    await refused_placing(db, world, ErrorCode.INSUFFICIENT_BALANCE)
    ent = await entitlement(db, world.entitlement_a.id)
    assert (ent.reserved, ent.balance) == (Decimal("2.00"), Decimal("0.00"))
    assert await order_count(db) == 2


async def test_consumed_counts_against_the_balance(db, world):
    async with db.transaction() as s:
        await s.execute(update(Entitlement).where(Entitlement.id == world.entitlement_a.id)
                        .values(consumed=Decimal(2)))
    await refused_placing(db, world, ErrorCode.INSUFFICIENT_BALANCE)


async def test_stock_is_taken_and_out_of_stock_refuses_without_reserving(db, world):
    async with db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == world.listing_a.id).values(stock=1))
    await place(db, world)
    await refused_placing(db, world, ErrorCode.OUT_OF_STOCK)
    async with db.session() as s:
        assert (await s.get(Listing, world.listing_a.id)).stock == 0
        outbox = (await s.execute(select(SearchOutbox.entity_id).where(SearchOutbox.entity == "listing"))).scalars()
        assert world.listing_a.id in set(outbox)
    assert (await entitlement(db, world.entitlement_a.id)).reserved == Decimal("1.00")


async def test_custom_item_without_cap_needs_a_quote(db, world):
    async with db.transaction() as s:
        item = await f.classifier_item(s, price_cap=None, category=ItemCategory.PROSTHETICS)
        ent = await f.entitlement(s, world.recipient_a, item, quantity=1)
        lst = await f.listing(s, world.provider_a, item, [world.region_a], unit_price=Decimal("2500000.00"))
    err = await refused_placing(db, world, ErrorCode.NOT_ELIGIBLE, listing_id=lst.id, entitlement_id=ent.id)
    assert "quote" in err.message
    assert (await entitlement(db, ent.id)).reserved == 0


async def quota_item(db, world, days_in):
    """A hygiene item released by quarter (365 of a yearly 1,460) to recipient A, whose year began
    ``days_in`` days ago; listed by provider A. The entitlement and the listing."""
    async with db.transaction() as s:
        item = await f.classifier_item(s, category=ItemCategory.HYGIENE, price_cap=Decimal("250.00"))
        ent = await f.entitlement(s, world.recipient_a, item, quantity=1460, quarterly_release=Decimal(365),
                                  valid_from=TODAY - dt.timedelta(days=days_in),
                                  valid_until=TODAY + dt.timedelta(days=364 - days_in))
        lst = await f.listing(s, world.provider_a, item, [world.region_a], unit_price=Decimal("240.00"))
    return ent, lst


async def test_quota_item_orders_no_more_than_released(db, world):
    ent, lst = await quota_item(db, world, 10)
    await place(db, world, listing_id=lst.id, entitlement_id=ent.id, quantity=Decimal(300))
    await place(db, world, listing_id=lst.id, entitlement_id=ent.id, quantity=Decimal(65))
    err = await refused_placing(db, world, ErrorCode.INSUFFICIENT_BALANCE, listing_id=lst.id, entitlement_id=ent.id)
    assert "next release" in err.message
    got = await entitlement(db, ent.id)
    assert got.reserved == Decimal("365.00") and got.balance == Decimal("1095.00")


async def test_quota_releases_accumulate_by_quarter(db, world):
    ent, lst = await quota_item(db, world, 100)
    await place(db, world, listing_id=lst.id, entitlement_id=ent.id, quantity=Decimal(730))
    await refused_placing(db, world, ErrorCode.INSUFFICIENT_BALANCE, listing_id=lst.id, entitlement_id=ent.id)


async def test_delivery_option_must_be_offered(db, world):
    await refused_placing(db, world, ErrorCode.INVALID, delivery_option="TELEPORT")
    await refused_placing(db, world, ErrorCode.INVALID, delivery_option="PICKUP")
    order = await place(db, world, delivery_option="HOME_DELIVERY")
    assert order.delivery_option == "HOME_DELIVERY"


# -- idempotency ----------------------------------------------------------------
async def test_same_key_same_request_returns_the_same_order_once(db, world):
    first = await place(db, world, idempotency_key="k-1")
    again = await place(db, world, idempotency_key="k-1")
    assert again.id == first.id
    assert await order_count(db) == 1
    assert (await entitlement(db, world.entitlement_a.id)).reserved == Decimal("1.00")
    assert await actions(db, "Order", first.id) == ["order.placed"]
    assert await actions(db, "Entitlement", world.entitlement_a.id) == ["entitlement.reserved"]


async def test_replay_still_returns_the_order_after_the_balance_is_gone(db, world):
    first = await place(db, world, idempotency_key="k-2", quantity=Decimal(2))
    again = await place(db, world, idempotency_key="k-2", quantity=Decimal(2))
    assert again.id == first.id


async def test_same_key_different_request_conflicts(db, world):
    await place(db, world, idempotency_key="k-3")
    await refused_placing(db, world, ErrorCode.IDEMPOTENCY_CONFLICT, quantity=Decimal(2), idempotency_key="k-3")
    assert (await entitlement(db, world.entitlement_a.id)).reserved == Decimal("1.00")


async def test_keys_are_per_account(db, world):
    a = await place(db, world, idempotency_key="shared")
    b = await place(db, world, who="recipient_b", listing_id=world.listing_b.id,
                    entitlement_id=world.entitlement_b.id, idempotency_key="shared")
    assert a.id != b.id


@pytest.mark.parametrize(("key", "code"), [("", ErrorCode.REQUIRED), ("   ", ErrorCode.REQUIRED),
                                           ("x" * 101, ErrorCode.TOO_LONG)])
async def test_key_is_required_and_bounded(db, world, key, code):
    await refused_placing(db, world, code, idempotency_key=key)


async def test_wrapper_places_and_replays(db, world):
    kw = dict(listing_id=world.listing_a.id, entitlement_id=world.entitlement_a.id, quantity=Decimal(1),
              idempotency_key="wrapped")
    first = await orders.place_order_once(db, world.viewer("recipient_a"), **kw)
    second = await orders.place_order_once(db, world.viewer("recipient_a"), **kw)
    assert first.id == second.id
    async with db.session() as s:
        keys = (await s.execute(select(func.count()).select_from(IdempotencyKey))).scalar_one()
    assert keys == 1


async def test_refusal_leaves_no_key_behind(db, world):
    # A refused request is not remembered: once the cause is fixed, the same key works.
    async with db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == world.listing_a.id).values(stock=0))
    with pytest.raises(DomainError) as info:
        await orders.place_order_once(db, world.viewer("recipient_a"), listing_id=world.listing_a.id,
                                      entitlement_id=world.entitlement_a.id, quantity=Decimal(1),
                                      idempotency_key="retry-me")
    assert info.value.code == ErrorCode.OUT_OF_STOCK
    async with db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == world.listing_a.id).values(stock=5))
    order = await orders.place_order_once(db, world.viewer("recipient_a"), listing_id=world.listing_a.id,
                                          entitlement_id=world.entitlement_a.id, quantity=Decimal(1),
                                          idempotency_key="retry-me")
    assert order.status == OrderStatus.PLACED


async def test_a_lost_unique_race_is_retryable_and_reserves_nothing(db, world):
    # An order already holds the key but no result was remembered (what a concurrent
    # winner looks like mid-flight): the insert loses on uq_orders_idempotency.
    from marketplace.orders.models import Order

    async with db.transaction() as s:
        s.add(Order(person_id=world.recipient_a.id, region_id=world.region_a.id,
                    placed_by_account_id=world.recipient_a_account.id, listing_id=world.listing_a.id,
                    provider_id=world.provider_a.id, entitlement_id=world.entitlement_a.id,
                    classifier_item_id=world.item.id, quantity=Decimal(1), unit_price=Decimal(1),
                    price_cap=Decimal(1), total=Decimal(1), state_share=Decimal(1), co_payment=Decimal(0),
                    idempotency_key="in-flight"))
    with pytest.raises(DomainError) as info:
        await orders.place_order_once(db, world.viewer("recipient_a"), listing_id=world.listing_a.id,
                                      entitlement_id=world.entitlement_a.id, quantity=Decimal(1),
                                      idempotency_key="in-flight")
    assert info.value.code == ErrorCode.RETRYABLE
    assert (await entitlement(db, world.entitlement_a.id)).reserved == 0
