"""Sanatorium with a companion: a TSR-10-002 course is paid from a TSR-10-001 line with a companion,
and an order of a course records its start, its 14 days inside the line's validity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.catalog.models import ItemCategory, ItemKind, Unit

from marketplace.errors import ErrorCode
from marketplace.orders import services as orders
from marketplace.orders.pricing import NO_ENTITLEMENT, coverage_for_listings
from marketplace.records.models import DisabilityGroup
from tests import factories as f
from tests.orders.conftest import entitlement, order_count, refused_placing
from tests.factories import new_key, refused, run

TODAY = f.today()


@pytest.fixture
async def course(db, world):
    """A child whose TSR-10-001 line covers a companion, an adult whose line does not, and a listing
    of the "with a companion" course (TSR-10-002) in their region."""
    async with db.transaction() as s:
        base = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.COURSE, category=ItemCategory.SANATORIUM,
                                       price_cap=Decimal("320000.00"))
        variant = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.COURSE,
                                          category=ItemCategory.SANATORIUM, price_cap=Decimal("540000.00"),
                                          companion_variant_of_id=base.id)
        child = await f.person(s, world.region_a, birth_date=dt.date(2016, 2, 20))
        await f.disability_record(s, child, group=DisabilityGroup.CHILD)
        child_line = await f.entitlement(s, child, base, quantity=1, with_companion=True,
                                         valid_from=TODAY - dt.timedelta(days=10),
                                         valid_until=TODAY + dt.timedelta(days=100))
        adult_line = await f.entitlement(s, world.recipient_a, base, quantity=1,
                                         valid_from=TODAY - dt.timedelta(days=10),
                                         valid_until=TODAY + dt.timedelta(days=100))
        with_companion = await f.listing(s, world.provider_a, variant, [world.region_a],
                                         unit_price=Decimal("600000.00"), delivery_options=["AT_PROVIDER"])
        alone = await f.listing(s, world.provider_a, base, [world.region_a], unit_price=Decimal("300000.00"),
                                delivery_options=["AT_PROVIDER"])
        parent = await f.account(s, f.Role.RECIPIENT, person_id=world.recipient_a.id)
    viewer = f.viewer_of(parent, represented=frozenset({child.id}))
    return {"base": base, "variant": variant, "child": child, "child_line": child_line, "adult_line": adult_line,
            "listing": with_companion, "alone": alone, "parent": viewer}


async def test_a_line_with_a_companion_covers_the_companion_course(db, world, course):
    async with db.session() as s:
        got = await coverage_for_listings(s, course["parent"], [course["listing"], course["alone"]],
                                          person_id=course["child"].id)
        adult = await coverage_for_listings(s, course["parent"], [course["listing"], course["alone"]])
    companion = got[course["listing"].id]
    assert companion.covered and companion.entitlement_id == course["child_line"].id
    # The state pays up to the companion course's cap (the person and the companion): 540,000 of 600,000.
    assert (companion.state_pays, companion.you_pay) == (Decimal("540000.00"), Decimal("60000.00"))
    assert got[course["alone"].id].entitlement_id == course["child_line"].id
    # A line without a companion does not pay for the companion course, but for the course alone.
    assert adult[course["listing"].id].reason == NO_ENTITLEMENT
    assert adult[course["alone"].id].entitlement_id == course["adult_line"].id


async def test_the_companion_course_is_ordered_with_its_start(db, world, course):
    start = TODAY + dt.timedelta(days=30)
    order = await run(db, orders.place_order, course["parent"], listing_id=course["listing"].id,
                      entitlement_id=course["child_line"].id, quantity=Decimal(1), idempotency_key=new_key(),
                      course_starts_on=start)
    assert order.course_starts_on == start and order.classifier_item_id == course["variant"].id
    assert (order.state_share, order.co_payment) == (Decimal("540000.00"), Decimal("60000.00"))
    assert (await entitlement(db, course["child_line"].id)).reserved == Decimal("1.00")


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({}, ErrorCode.REQUIRED, "courseStartsOn"),
    ({"course_starts_on": TODAY - dt.timedelta(days=1)}, ErrorCode.OUT_OF_RANGE, "courseStartsOn"),
    ({"course_starts_on": TODAY + dt.timedelta(days=90)}, ErrorCode.OUT_OF_RANGE, "courseStartsOn"),  # ends after
    ({"course_starts_on": TODAY + dt.timedelta(days=5), "quantity": Decimal(2)}, ErrorCode.OUT_OF_RANGE, "quantity"),
    ({"course_starts_on": "2026-12-01"}, ErrorCode.INVALID, "courseStartsOn"),
    ({"course_starts_on": TODAY, "adult": True}, ErrorCode.NO_ENTITLEMENT, "entitlementId"),
])
async def test_bad_course_orders_change_nothing(db, world, course, kw, code, field):
    kw = dict(kw)
    line = course["adult_line"] if kw.pop("adult", False) else course["child_line"]
    kw.setdefault("quantity", Decimal(1))
    error = await refused(db, code, orders.place_order, course["parent"], listing_id=course["listing"].id,
                          entitlement_id=line.id, idempotency_key=new_key(), **kw)
    assert error.field == field
    assert await order_count(db) == 0
    assert (await entitlement(db, line.id)).reserved == 0


async def test_a_start_date_is_for_courses_only(db, world):
    error = await refused_placing(db, world, ErrorCode.INVALID, course_starts_on=TODAY)
    assert error.field == "courseStartsOn" and await order_count(db) == 0
