"""IRP entitlements: issued by the region's officer within the law, read within scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Unit
from marketplace.errors import ErrorCode
from marketplace.calendar import add_months
from marketplace.records import services as records
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus
from tests import factories as f
from tests.factories import actions, change, refused, run

TODAY = f.today()
YEAR = dt.timedelta(days=364)


@pytest.fixture
async def items(db):
    async with db.transaction() as s:
        wheelchair = await f.classifier_item(s, service_life_months=72)
        diapers = await f.classifier_item(s, category=ItemCategory.HYGIENE, price_cap=Decimal("250.00"))
        assistant = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.HOUR,
                                            category=ItemCategory.PERSONAL_ASSISTANT, price_cap=Decimal("1500.00"))
        sanatorium = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.COURSE,
                                             category=ItemCategory.SANATORIUM, price_cap=Decimal("350000.00"))
        hearing = await f.classifier_item(s, category=ItemCategory.HEARING, unit=Unit.PIECE)
    return {"wheelchair": wheelchair, "diapers": diapers, "assistant": assistant, "sanatorium": sanatorium,
            "hearing": hearing}


def args(person, item, **kw):
    a = dict(person_id=person.id, classifier_item_id=item.id, quantity=Decimal(1), valid_from=TODAY,
             valid_until=TODAY + YEAR)
    a.update(kw)
    return a


async def test_officer_issues_an_entitlement(db, world, items):
    ent = await run(db, records.issue_entitlement, world.viewer("officer_a"),
                    **args(world.recipient_a, items["diapers"], quantity=Decimal(1460),
                           quarterly_release=Decimal(365), line_number="IRP-1/7"))
    assert (ent.quantity, ent.reserved, ent.consumed, ent.balance) == (
        Decimal("1460.00"), Decimal("0.00"), Decimal("0.00"), Decimal("1460.00"))
    assert (ent.region_id, ent.status, ent.quarterly_release) == (
        world.region_a.id, EntitlementStatus.ACTIVE, Decimal("365.00"))
    assert await actions(db, "Entitlement", ent.id) == ["entitlement.issued"]


async def test_no_active_record_no_entitlement(db, world, items):
    async with db.transaction() as s:
        bare = await f.person(s, world.region_a)
        expired = await f.person(s, world.region_a)
        await f.disability_record(s, expired, valid_from=TODAY - 2 * YEAR, valid_until=TODAY - dt.timedelta(days=1))
        closed = await f.person(s, world.region_a)
        await f.disability_record(s, closed, status=RecordStatus.CLOSED)
    for p in (bare, expired, closed):
        await refused(db, ErrorCode.NO_ACTIVE_RECORD, records.issue_entitlement, world.viewer("officer_a"),
                      **args(p, items["hearing"]))


@pytest.mark.parametrize(("kw", "code"), [
    ({"quantity": Decimal(0)}, ErrorCode.OUT_OF_RANGE),
    ({"quantity": Decimal(-3)}, ErrorCode.OUT_OF_RANGE),
    ({"quantity": Decimal(100001)}, ErrorCode.OUT_OF_RANGE),
    ({"quantity": Decimal("1.5")}, ErrorCode.INVALID),  # pieces are whole
    ({"quantity": 2.0}, ErrorCode.INVALID),
    ({"valid_until": TODAY - dt.timedelta(days=1)}, ErrorCode.OUT_OF_RANGE),
    ({"valid_until": TODAY + dt.timedelta(days=6 * 365)}, ErrorCode.OUT_OF_RANGE),
    ({"valid_from": TODAY - dt.timedelta(days=400), "valid_until": TODAY - dt.timedelta(days=10)},
     ErrorCode.OUT_OF_RANGE),
    ({"quantity": Decimal(10), "quarterly_release": Decimal(11)}, ErrorCode.OUT_OF_RANGE),
    ({"quantity": Decimal(10), "daily_limit": Decimal(11)}, ErrorCode.OUT_OF_RANGE),
    ({"line_number": "x" * 61}, ErrorCode.TOO_LONG),
    ({"classifier_item_id": 999999}, ErrorCode.NOT_FOUND),
])
async def test_bad_entitlement_input(db, world, items, kw, code):
    await refused(db, code, records.issue_entitlement, world.viewer("officer_a"),
                  **args(world.recipient_a, items["hearing"], **kw))
    async with db.session() as s:
        n = (await s.execute(select(func.count()).select_from(Entitlement)
                             .where(Entitlement.person_id == world.recipient_a.id))).scalar_one()
    assert n == 1  # the world's own


async def test_inactive_classifier_item(db, world, items):
    await change(db, ClassifierItem, ClassifierItem.id == items["hearing"].id, is_active=False)
    await refused(db, ErrorCode.INVALID, records.issue_entitlement, world.viewer("officer_a"),
                  **args(world.recipient_a, items["hearing"]))


async def test_service_life_not_expired(db, world, items):
    chair = items["wheelchair"]
    issued = TODAY - dt.timedelta(days=400)
    async with db.transaction() as s:
        await f.entitlement(s, world.recipient_a, chair, valid_from=issued, valid_until=issued + YEAR,
                            consumed=1)
    err = await refused(db, ErrorCode.SERVICE_LIFE_NOT_EXPIRED, records.issue_entitlement,
                        world.viewer("officer_a"), **args(world.recipient_a, chair))
    assert add_months(issued, 72).isoformat() in err.message


async def test_service_life_expired_allows_a_new_one(db, world, items):
    chair = items["wheelchair"]
    issued = add_months(TODAY, -72)
    async with db.transaction() as s:
        await f.entitlement(s, world.recipient_a, chair, valid_from=issued, valid_until=issued + YEAR,
                            consumed=1, status=EntitlementStatus.CLOSED)
    ent = await run(db, records.issue_entitlement, world.viewer("officer_a"), **args(world.recipient_a, chair))
    assert ent.classifier_item_id == chair.id


async def test_a_closed_unused_entitlement_does_not_block(db, world, items):
    chair = items["wheelchair"]
    async with db.transaction() as s:
        await f.entitlement(s, world.recipient_a, chair, status=EntitlementStatus.CLOSED)
    ent = await run(db, records.issue_entitlement, world.viewer("officer_a"), **args(world.recipient_a, chair))
    assert ent.status == EntitlementStatus.ACTIVE


async def test_a_backdated_entitlement_cannot_sneak_under_a_later_one(db, world, items):
    chair = items["wheelchair"]
    async with db.transaction() as s:
        await f.entitlement(s, world.recipient_a, chair, valid_from=TODAY, valid_until=TODAY + YEAR, consumed=1)
    await refused(db, ErrorCode.SERVICE_LIFE_NOT_EXPIRED, records.issue_entitlement, world.viewer("officer_a"),
                  **args(world.recipient_a, chair, valid_from=TODAY - dt.timedelta(days=30),
                         valid_until=TODAY + dt.timedelta(days=10)))


async def test_overlapping_active_entitlement_for_the_same_item(db, world):
    # The world already has an active entitlement for its item this year.
    await refused(db, ErrorCode.DUPLICATE, records.issue_entitlement, world.viewer("officer_a"),
                  **args(world.recipient_a, world.item))


async def test_line_numbers_are_unique(db, world, items):
    officer = world.viewer("officer_a")
    await run(db, records.issue_entitlement, officer, **args(world.recipient_a, items["hearing"], line_number="L-1"))
    await refused(db, ErrorCode.DUPLICATE, records.issue_entitlement, officer,
                  **args(world.recipient_a, items["diapers"], line_number="L-1"))


async def group_one(db, world, **person_kw):
    async with db.transaction() as s:
        p = await f.person(s, world.region_a, **person_kw)
        await f.disability_record(s, p, group=DisabilityGroup.I)
    return p


async def test_personal_assistant_is_for_group_one_with_difficulty_moving(db, world, items):
    officer = world.viewer("officer_a")
    pa = items["assistant"]
    # Group II: refused.
    await refused(db, ErrorCode.NOT_ELIGIBLE, records.issue_entitlement, officer,
                  **args(world.recipient_a, pa, quantity=Decimal(500)))
    # Group I but walks: refused.
    walks = await group_one(db, world)
    await refused(db, ErrorCode.NOT_ELIGIBLE, records.issue_entitlement, officer,
                  **args(walks, pa, quantity=Decimal(500)))
    # Carer's allowance paid: refused.
    cared = await group_one(db, world, has_mobility_difficulty=True, receives_carer_allowance=True)
    await refused(db, ErrorCode.NOT_ELIGIBLE, records.issue_entitlement, officer,
                  **args(cared, pa, quantity=Decimal(500)))
    ok = await group_one(db, world, has_mobility_difficulty=True)
    # Looser than the legal 8 hours a day: refused, never clamped; stricter: kept.
    error = await refused(db, ErrorCode.OUT_OF_RANGE, records.issue_entitlement, officer,
                          **args(ok, pa, quantity=Decimal(500), daily_limit=Decimal(9)))
    assert error.field == "dailyLimit" and "8" in error.message
    ent = await run(db, records.issue_entitlement, officer,
                    **args(ok, pa, quantity=Decimal(500), daily_limit=Decimal(6)))
    assert ent.daily_limit == Decimal("6.00")
    ok2 = await group_one(db, world, has_mobility_difficulty=True)
    ent2 = await run(db, records.issue_entitlement, officer, **args(ok2, pa, quantity=Decimal(500)))
    assert ent2.daily_limit == Decimal("8.00")


async def test_companion_for_group_one_and_children_only(db, world, items):
    officer = world.viewer("officer_a")
    await refused(db, ErrorCode.NOT_ELIGIBLE, records.issue_entitlement, officer,
                  **args(world.recipient_a, items["sanatorium"], with_companion=True))
    p = await group_one(db, world)
    ent = await run(db, records.issue_entitlement, officer, **args(p, items["sanatorium"], with_companion=True))
    assert ent.with_companion


async def test_entitlements_are_kept_by_the_officer_of_the_region(db, world, items):
    await refused(db, ErrorCode.NOT_FOUND, records.issue_entitlement, world.viewer("officer_b"),
                  **args(world.recipient_a, items["hearing"]))
    await refused(db, ErrorCode.NOT_FOUND, records.issue_entitlement, world.viewer("officer_a"),
                  **args(world.recipient_a, items["hearing"], person_id=999999))
    for who in ("recipient_a", "provider_a"):
        await refused(db, ErrorCode.FORBIDDEN, records.issue_entitlement, world.viewer(who),
                      **args(world.recipient_a, items["hearing"]))
    ent = await run(db, records.issue_entitlement, world.viewer("admin"), **args(world.recipient_a, items["hearing"]))
    assert ent.region_id == world.region_a.id


async def test_close_an_entitlement(db, world):
    eid = world.entitlement_a.id
    await refused(db, ErrorCode.NOT_FOUND, records.close_entitlement, world.viewer("officer_b"), eid)
    await refused(db, ErrorCode.FORBIDDEN, records.close_entitlement, world.viewer("recipient_a"), eid)
    ent = await run(db, records.close_entitlement, world.viewer("officer_a"), eid)
    assert ent.status == EntitlementStatus.CLOSED
    await refused(db, ErrorCode.INVALID_TRANSITION, records.close_entitlement, world.viewer("officer_a"), eid)
    assert await actions(db, "Entitlement", eid) == ["entitlement.closed"]


async def test_my_entitlements_own_and_represented(db, world, items):
    async with db.transaction() as s:
        child = await f.person(s, world.region_a, legal_representative_id=world.recipient_a.id)
        await f.disability_record(s, child, group=DisabilityGroup.CHILD)
        child_ent = await f.entitlement(s, child, items["hearing"])
        old = await f.entitlement(s, world.recipient_a, items["diapers"], status=EntitlementStatus.CLOSED)
    parent = f.viewer_of(world.recipient_a_account, represented=frozenset({child.id}))
    mine = await run(db, records.my_entitlements, parent)
    assert {e.id for e in mine} == {world.entitlement_a.id, child_ent.id}
    assert all(e.balance == e.quantity - e.reserved - e.consumed for e in mine)
    everything = await run(db, records.my_entitlements, parent, include_closed=True)
    assert old.id in {e.id for e in everything}
    alone = await run(db, records.my_entitlements, world.viewer("recipient_a"))
    assert {e.id for e in alone} == {world.entitlement_a.id}
    for who in ("officer_a", "provider_a", "admin"):
        await refused(db, ErrorCode.FORBIDDEN, records.my_entitlements, world.viewer(who))


async def test_list_entitlements_is_scoped(db, world):
    pid = world.recipient_a.id
    for who in ("recipient_a", "officer_a", "admin"):
        got = await run(db, records.list_entitlements, world.viewer(who), pid)
        assert [e.id for e in got] == [world.entitlement_a.id]
        assert (await run(db, records.get_entitlement, world.viewer(who), world.entitlement_a.id)).id == got[0].id
    for who in ("recipient_b", "officer_b", "provider_a"):
        await refused(db, ErrorCode.NOT_FOUND, records.list_entitlements, world.viewer(who), pid)
        await refused(db, ErrorCode.NOT_FOUND, records.get_entitlement, world.viewer(who), world.entitlement_a.id)


async def test_record_status_is_read_from_records_only(db, world, items):
    # A closed record blocks issuing even if the person has old entitlements.
    await change(db, DisabilityRecord, DisabilityRecord.person_id == world.recipient_a.id, status=RecordStatus.CLOSED)
    await refused(db, ErrorCode.NO_ACTIVE_RECORD, records.issue_entitlement, world.viewer("officer_a"),
                  **args(world.recipient_a, items["hearing"]))
