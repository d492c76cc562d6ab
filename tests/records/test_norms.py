"""The classifier's norms hold on every path that creates or spends an IRP line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Role
from marketplace.calendar import add_months
from marketplace.catalog.models import ItemCategory, ItemKind, Unit

from marketplace.errors import ErrorCode
from marketplace.orders import services as orders
from marketplace.records import norms
from marketplace.records import services as records
from marketplace.records.irp_import import COLUMNS, import_irp
from marketplace.records.models import DisabilityGroup, Entitlement, EntitlementStatus
from marketplace.identifiers import make_iin
from tests import factories as f
from tests.factories import new_key
from tests.factories import refused, run
from tests.orders.conftest import refused_placing

TODAY = f.today()
YEAR_START = TODAY.replace(month=1, day=1)
YEAR_END = TODAY.replace(month=12, day=31)


@pytest.fixture
async def items(db):
    async with db.transaction() as s:
        diapers = await f.classifier_item(s, category=ItemCategory.HYGIENE, price_cap=Decimal("210.00"),
                                          quarterly_release=Decimal(365), yearly_max=Decimal(1460),
                                          daily_max=Decimal(4))
        sign = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.HOUR, category=ItemCategory.SIGN_LANGUAGE,
                                       price_cap=Decimal("3800.00"), yearly_max=Decimal(60))
        hearing = await f.classifier_item(s, category=ItemCategory.HEARING)
    return {"diapers": diapers, "sign": sign, "hearing": hearing}


def line(person, item, **kw):
    a = dict(person_id=person.id, classifier_item_id=item.id, quantity=Decimal(1), valid_from=TODAY,
             valid_until=YEAR_END)
    a.update(kw)
    return a


async def lines_of(db, person_id: int) -> int:
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(Entitlement)
                                .where(Entitlement.person_id == person_id))).scalar_one()


async def test_a_quota_line_always_gets_its_release(db, world, items):
    ent = await run(db, records.issue_entitlement, world.viewer("officer_a"),
                    **line(world.recipient_a, items["diapers"], quantity=Decimal(1460)))
    assert ent.quarterly_release == Decimal("365.00") and ent.daily_limit == Decimal("4.00")


async def test_the_officer_may_only_be_stricter(db, world, items):
    officer = world.viewer("officer_a")
    before = await lines_of(db, world.recipient_a.id)
    for kw, field in (({"quarterly_release": Decimal(366)}, "quarterlyRelease"),
                      ({"daily_limit": Decimal(5)}, "dailyLimit"),
                      ({"quantity": Decimal(1461)}, "quantity")):
        args = line(world.recipient_a, items["diapers"], quantity=Decimal(1460))
        args.update(kw)
        error = await refused(db, ErrorCode.OUT_OF_RANGE, records.issue_entitlement, officer, **args)
        assert error.field == field
    assert await lines_of(db, world.recipient_a.id) == before  # nothing stored, nothing clamped
    ent = await run(db, records.issue_entitlement, officer,
                    **line(world.recipient_a, items["diapers"], quantity=Decimal(1000),
                           quarterly_release=Decimal(250), daily_limit=Decimal(3)))
    assert (ent.quarterly_release, ent.daily_limit) == (Decimal("250.00"), Decimal("3.00"))


async def test_yearly_most_counts_every_line_of_the_year(db, world, items):
    officer = world.viewer("officer_a")
    sign = items["sign"]
    error = await refused(db, ErrorCode.OUT_OF_RANGE, records.issue_entitlement, officer,
                          **line(world.recipient_a, sign, quantity=Decimal(100)))
    assert error.field == "quantity" and "60" in error.message
    first_half_end = TODAY - dt.timedelta(days=1)
    async with db.transaction() as s:
        # An earlier line of the year, closed after 25 hours were spent of it.
        await f.entitlement(s, world.recipient_a, sign, quantity=40, consumed=25, valid_from=YEAR_START,
                            valid_until=max(YEAR_START, first_half_end), status=EntitlementStatus.CLOSED)
    error = await refused(db, ErrorCode.OUT_OF_RANGE, records.issue_entitlement, officer,
                          **line(world.recipient_a, sign, quantity=Decimal(36)))
    assert "35" in error.message  # 60 - 25 spent
    ent = await run(db, records.issue_entitlement, officer, **line(world.recipient_a, sign, quantity=Decimal(35)))
    assert ent.quantity == Decimal("35.00")
    # A line of next year is counted in next year only.
    nxt = dt.date(TODAY.year + 1, 1, 1)
    if nxt <= add_months(TODAY, 12):
        ent2 = await run(db, records.issue_entitlement, officer,
                         **line(world.recipient_a, sign, quantity=Decimal(60), valid_from=nxt,
                                valid_until=dt.date(nxt.year, 12, 31)))
        assert ent2.quantity == Decimal("60.00")


async def test_ordering_past_the_yearly_most_is_refused(db, world, items):
    sign = items["sign"]
    async with db.transaction() as s:
        # Two lines that together hold more than the norm (made before the norm was kept).
        one = await f.entitlement(s, world.recipient_a, sign, quantity=40, valid_from=YEAR_START,
                                  valid_until=YEAR_END)
        two = await f.entitlement(s, world.recipient_a, sign, quantity=40, valid_from=YEAR_START,
                                  valid_until=YEAR_END)
        lst = await f.listing(s, world.provider_a, sign, [world.region_a], unit_price=Decimal("3800.00"))
    viewer = world.viewer("recipient_a")
    await run(db, orders.place_order, viewer, listing_id=lst.id, entitlement_id=one.id, quantity=Decimal(40),
              idempotency_key=new_key())
    error = await refused(db, ErrorCode.INSUFFICIENT_BALANCE, orders.place_order, viewer, listing_id=lst.id,
                          entitlement_id=two.id, quantity=Decimal(30), idempotency_key=new_key())
    assert error.field == "quantity" and "20 left this year" in error.message
    async with db.session() as s:
        assert (await s.get(Entitlement, two.id)).reserved == 0
    order = await run(db, orders.place_order, viewer, listing_id=lst.id, entitlement_id=two.id,
                      quantity=Decimal(20), idempotency_key=new_key())
    assert order.quantity == Decimal("20.00")


async def test_a_used_up_quarter_says_what_is_left_and_when_the_next_release_comes(db, world, items):
    diapers = items["diapers"]
    async with db.transaction() as s:
        ent = await f.entitlement(s, world.recipient_a, diapers, quantity=1460, quarterly_release=Decimal(365),
                                  reserved=300, valid_from=TODAY - dt.timedelta(days=10),
                                  valid_until=TODAY + dt.timedelta(days=354))
        lst = await f.listing(s, world.provider_a, diapers, [world.region_a], unit_price=Decimal("200.00"))
    error = await refused_placing(db, world, ErrorCode.INSUFFICIENT_BALANCE, listing_id=lst.id, entitlement_id=ent.id,
                                  quantity=Decimal(100))
    nxt = norms.next_release_date(ent, TODAY)
    assert error.message == (f"65 can be ordered now of what has been released so far; 1160 left on the line in all; "
                             f"the next release of 365 comes on {nxt.isoformat()}.")


async def test_a_companion_only_where_the_item_allows_one(db, world, items):
    async with db.transaction() as s:
        p = await f.person(s, world.region_a)
        await f.disability_record(s, p, group=DisabilityGroup.I)
    error = await refused(db, ErrorCode.NOT_ELIGIBLE, records.issue_entitlement, world.viewer("officer_a"),
                          **line(p, items["hearing"], with_companion=True))
    assert error.field == "withCompanion"
    assert await lines_of(db, p.id) == 0


def _csv(rows: list[dict[str, str]]) -> str:
    return "\n".join([",".join((*COLUMNS, "quarterly_release", "daily_limit", "with_companion"))] + [
        ",".join(row.get(c, "") for c in (*COLUMNS, "quarterly_release", "daily_limit", "with_companion"))
        for row in rows]) + "\n"


async def test_the_csv_import_takes_the_norms(db, world, items):
    async with db.transaction() as s:
        region = await f.region(s, code="NORMS")
        officer = await f.account(s, Role.LOCAL_BODY, region_id=region.id)
    base = {
        "last_name": "Иванова", "first_name": "Анна", "region_code": "NORMS", "group": "II",
        "cause": "GENERAL_DISEASE", "nosology_code": "G80", "exam_format": "IN_ABSENTIA",
        "record_valid_from": str(TODAY - dt.timedelta(days=10)), "record_valid_until": str(YEAR_END),
        "classifier_code": items["diapers"].code, "quantity": "1460", "valid_from": str(TODAY),
        "valid_until": str(YEAR_END),
    }
    rows = [
        {**base, "iin": make_iin(dt.date(1990, 3, 1), "F", 801), "decision_number": "N-1", "line_number": "L-1"},
        {**base, "iin": make_iin(dt.date(1990, 3, 2), "F", 802), "decision_number": "N-2", "line_number": "L-2",
         "quarterly_release": "400"},
        {**base, "iin": make_iin(dt.date(1990, 3, 3), "F", 803), "decision_number": "N-3", "line_number": "L-3",
         "classifier_code": items["sign"].code, "quantity": "100"},
    ]
    report = await import_irp(db, f.viewer_of(officer), _csv(rows))
    assert report.entitlements_created == 1
    assert sorted((e.line, e.code, e.field) for e in report.errors) == [
        (3, "OUT_OF_RANGE", "quarterlyRelease"), (4, "OUT_OF_RANGE", "quantity")]
    async with db.session() as s:
        ent = (await s.execute(select(Entitlement).where(Entitlement.line_number == "L-1"))).scalar_one()
    assert ent.quarterly_release == Decimal("365.00")
