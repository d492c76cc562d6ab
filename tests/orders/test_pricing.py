"""Coverage: what the state pays and what the recipient pays, per listing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import event

from marketplace.calendar import add_months
from marketplace.catalog.models import ItemCategory
from marketplace.orders import pricing
from marketplace.orders.pricing import Coverage, coverage_for, coverage_for_listings
from marketplace.records import norms
from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus
from tests import factories as f
from tests.factories import change, run

TODAY = f.today()
D = Decimal


def ent(quantity="2", reserved="0", consumed="0", release=None, start=TODAY - dt.timedelta(days=10),
        status=EntitlementStatus.ACTIVE, until=None):
    return Entitlement(id=7, quantity=D(quantity), reserved=D(reserved), consumed=D(consumed),
                       quarterly_release=D(release) if release else None, valid_from=start,
                       valid_until=until or start + dt.timedelta(days=365), status=status)


def test_fully_covered_under_the_cap():
    c = coverage_for(D("200000.00"), D("250000.00"), ent())
    assert c == Coverage(7, D("200000.00"), D("0.00"), True, None)
    assert not c.partly_covered


def test_partly_covered_over_the_cap():
    c = coverage_for(D("300000.00"), D("250000.00"), ent(), D(2))
    assert (c.state_pays, c.you_pay, c.covered, c.partly_covered) == (D("500000.00"), D("100000.00"), True, True)


@pytest.mark.parametrize(("kwargs", "entitlement", "reason"), [
    ({"record_active": False}, ent(), pricing.NO_ACTIVE_RECORD),
    ({"region_served": False}, ent(), pricing.REGION_NOT_SERVED),
    ({}, None, pricing.NO_ENTITLEMENT),
    ({}, ent(status=EntitlementStatus.CLOSED), pricing.NO_ENTITLEMENT),
    ({}, ent(start=TODAY - dt.timedelta(days=400)), pricing.NO_ENTITLEMENT),  # expired
    ({}, ent(reserved="1", consumed="1"), pricing.BALANCE_USED_UP),
    ({}, ent(quantity="1460", release="365", reserved="365"), pricing.BALANCE_USED_UP),  # quarter used up
])
def test_not_covered_reasons(kwargs, entitlement, reason):
    c = coverage_for(D("1000.00"), D("900.00"), entitlement, **kwargs)
    assert (c.covered, c.reason, c.state_pays, c.you_pay) == (False, reason, D("0.00"), D("1000.00"))


def test_custom_item_needs_a_quote():
    c = coverage_for(D("2500000.00"), None, ent())
    assert (c.covered, c.reason) == (False, pricing.NEEDS_QUOTE)


def test_shares_round_half_up_once():
    s = pricing.shares(D("1000.01"), D("900.00"), D("1.5"))
    assert (s.total, s.state_share, s.co_payment) == (D("1500.02"), D("1350.00"), D("150.02"))
    s = pricing.shares(D("0.01"), D("0.01"), D("0.5"))
    assert s.total == s.state_share + s.co_payment


@pytest.mark.parametrize(("start", "on", "n"), [
    (dt.date(2026, 1, 15), dt.date(2026, 1, 14), 0),
    (dt.date(2026, 1, 15), dt.date(2026, 1, 15), 1),
    (dt.date(2026, 1, 15), dt.date(2026, 4, 14), 1),
    (dt.date(2026, 1, 15), dt.date(2026, 4, 15), 2),
    (dt.date(2026, 1, 31), dt.date(2026, 4, 30), 1),
    (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 4),
    (dt.date(2026, 1, 1), dt.date(2027, 1, 1), 5),
])
def test_quarters_started(start, on, n):
    assert norms.quarters_started(start, on) == n


def test_released_so_far_is_capped_by_the_quantity():
    e = ent(quantity="1000", release="365", start=dt.date(2026, 1, 1))
    assert norms.released_so_far(e, dt.date(2026, 7, 1)) == D(1000)
    assert norms.next_release_date(e, dt.date(2026, 7, 1)) is None
    assert norms.next_release_date(e, dt.date(2026, 2, 1)) == dt.date(2026, 4, 1)


def test_add_months_clamps_to_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


# -- for a page of listings ---------------------------------------------------------
class QueryCounter:
    def __init__(self, db):
        self.engine = db.engine.sync_engine
        self.count = 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.count += 1


async def page(db, world, n_extra=0):
    """Listings of every kind of coverage for recipient A."""
    async with db.transaction() as s:
        dear = await f.listing(s, world.provider_a, world.item, [world.region_a], unit_price=D("300000.00"))
        other_item = await f.classifier_item(s)
        not_in_irp = await f.listing(s, world.provider_a, other_item, [world.region_a])
        custom_item = await f.classifier_item(s, price_cap=None, category=ItemCategory.PROSTHETICS)
        await f.entitlement(s, world.recipient_a, custom_item)
        custom = await f.listing(s, world.provider_a, custom_item, [world.region_a])
        extra = [await f.listing(s, world.provider_a, world.item, [world.region_a]) for _ in range(n_extra)]
    return [world.listing_a, dear, world.listing_b, not_in_irp, custom, *extra]


async def test_coverage_of_a_page(db, world):
    listing_a, dear, listing_b, not_in_irp, custom = await page(db, world)
    got = await run(db, coverage_for_listings, world.viewer("recipient_a"),
                    [listing_a, dear, listing_b, not_in_irp, custom])
    assert got[listing_a.id] == Coverage(world.entitlement_a.id, D("200000.00"), D("0.00"), True, None)
    assert got[dear.id] == Coverage(world.entitlement_a.id, D("250000.00"), D("50000.00"), True, None)
    assert got[listing_b.id].reason == pricing.REGION_NOT_SERVED
    assert got[not_in_irp.id].reason == pricing.NO_ENTITLEMENT
    assert got[custom.id].reason == pricing.NEEDS_QUOTE


async def test_coverage_takes_search_hits_as_mappings(db, world):
    hit = {"id": world.listing_a.id, "classifier_item_id": world.item.id, "unit_price": "200000.00",
           "provider_id": world.provider_a.id}
    got = await run(db, coverage_for_listings, world.viewer("recipient_a"), [hit])
    assert got[world.listing_a.id].covered


async def test_coverage_shows_used_up_balance_and_missing_record(db, world):
    await change(db, Entitlement, Entitlement.id == world.entitlement_a.id, reserved=D(2))
    got = await run(db, coverage_for_listings, world.viewer("recipient_a"), [world.listing_a])
    assert got[world.listing_a.id].reason == pricing.BALANCE_USED_UP
    await change(db, DisabilityRecord, DisabilityRecord.person_id == world.recipient_a.id, status=RecordStatus.CLOSED)
    got = await run(db, coverage_for_listings, world.viewer("recipient_a"), [world.listing_a])
    assert got[world.listing_a.id].reason == pricing.NO_ACTIVE_RECORD


async def test_coverage_needs_the_provider_to_serve_the_region_too(db, world):
    async with db.transaction() as s:
        lst = await f.listing(s, world.provider_b, world.item, [world.region_a])
    got = await run(db, coverage_for_listings, world.viewer("recipient_a"), [lst])
    assert got[lst.id].reason == pricing.REGION_NOT_SERVED


async def test_coverage_is_a_recipients_view(db, world):
    for who in ("provider_a", "officer_a", "admin"):
        assert await run(db, coverage_for_listings, world.viewer(who), [world.listing_a]) == {}
    # Another person's coverage is not available to a recipient.
    assert await run(db, coverage_for_listings, world.viewer("recipient_a"), [world.listing_a],
                     person_id=world.recipient_b.id) == {}


async def test_coverage_uses_a_fixed_number_of_queries(db, world):
    small = await page(db, world)
    large = await page(db, world, n_extra=25)
    counts = []
    for listings in (small, large):
        async with db.session() as s:
            with QueryCounter(db) as counter:
                await coverage_for_listings(s, world.viewer("recipient_a"), listings)
            counts.append(counter.count)
    assert counts[0] == counts[1] <= 4
