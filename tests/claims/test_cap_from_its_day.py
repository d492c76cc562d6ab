"""A cap the administrator set ahead is in force from the first minute of its day in Kazakhstan,
on every path that prices something, before the hourly ``apply_scheduled_caps`` has swapped it
in: an order's split and snapshot, the coverage a search shows, the classifier the API serves,
and a self-purchase claim's approvable amount. The day before, all of them still use the old cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from marketplace import clock
from marketplace.catalog import administration as classifier
from marketplace.catalog.models import ClassifierItem, Listing
from marketplace.claims import services as cs
from marketplace.orders import services as orders
from marketplace.orders.pricing import coverage_for_listings
from marketplace.records.models import Entitlement
from schema.catalog.types import ClassifierItem as ClassifierItemType
from tests import factories as f
from tests.claims.conftest import PDF, make_receipt
from tests.factories import run

OLD, NEW = Decimal("250000.00"), Decimal("150000.00")  # the world's wheelchair listing costs 200,000


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return clock.moment(day, dt.time(hour, minute))


async def priced(db, world: f.World, key: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What each path makes of the item's cap now."""
    recipient = world.viewer("recipient_a")
    order = await run(db, orders.place_order, recipient, listing_id=world.listing_a.id,
                      entitlement_id=world.entitlement_a.id, quantity=Decimal(1), idempotency_key=f"order-{key}")
    async with db.transaction() as s:
        listing = await s.get(Listing, world.listing_a.id)
        coverage = (await coverage_for_listings(s, recipient, [listing]))[world.listing_a.id]
        item = (await s.execute(select(ClassifierItem).where(ClassifierItem.id == world.item.id))).scalar_one()
        served = ClassifierItemType.from_model(item)
    return {"order": (order.price_cap, order.state_share, order.co_payment),
            "coverage": (coverage.state_pays, coverage.you_pay),
            "classifier": (served.price_cap, served.next_price_cap)}


@pytest.mark.parametrize("minute", [(0, 0), (0, 59)], ids=["at-midnight", "before-the-hourly-swap"])
async def test_a_cap_set_ahead_prices_everything_from_its_day(db, world: f.World, claim_settings, monkeypatch,
                                                             minute: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:  # room on the line for five orders and claims
        await s.execute(update(Entitlement).where(Entitlement.id == world.entitlement_a.id).values(quantity=10))
    today = clock.today()
    tomorrow = today + dt.timedelta(days=1)
    await run(db, classifier.update_classifier_item, world.viewer("admin"), world.item.id, price_cap=NEW,
              price_cap_from=tomorrow)

    # The evening before (23:59 in Kazakhstan): the old cap everywhere.
    monkeypatch.setattr(clock, "local_now", lambda: at(today, 23, 59))
    assert clock.today() == today
    evening = await priced(db, world, "evening")
    assert evening["order"] == (OLD, Decimal("200000.00"), Decimal("0.00"))
    assert evening["coverage"] == (Decimal("200000.00"), Decimal("0.00"))
    assert evening["classifier"] == (OLD, NEW)
    assert await self_purchase_approvable(db, world, claim_settings, "evening") == Decimal("200000.00")

    # Its day, before apply_scheduled_caps has run: the new cap everywhere.
    monkeypatch.setattr(clock, "local_now", lambda: at(tomorrow, *minute))
    assert clock.today() == tomorrow
    async with db.session() as s:
        stored = await s.get(ClassifierItem, world.item.id)
        assert (stored.price_cap, stored.next_price_cap) == (OLD, NEW), "the swap must not have run yet"
    morning = await priced(db, world, "morning")
    assert morning["order"] == (NEW, NEW, Decimal("50000.00"))
    assert morning["coverage"] == (NEW, Decimal("50000.00"))
    assert morning["classifier"] == (NEW, None)
    assert await self_purchase_approvable(db, world, claim_settings, "morning") == NEW

    # The swap, when it comes, changes nothing that was priced.
    assert await classifier.apply_scheduled_caps(db) == 1
    assert (await priced(db, world, "after"))["order"] == (NEW, NEW, Decimal("50000.00"))


async def self_purchase_approvable(db, world: f.World, claim_settings, key: str) -> Decimal:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        receipt = await make_receipt(s, world, claim_settings, data=PDF + key.encode())
    async with db.transaction() as s:
        claim = await cs.submit_self_purchase_claim(
            s, world.viewer("recipient_a"), person_id=world.recipient_a.id, entitlement_id=world.entitlement_a.id,
            quantity=Decimal(1), amount_paid=Decimal("200000.00"), receipt_id=receipt.id,
            idempotency_key=f"claim-{key}")
    return claim.amount_approvable
