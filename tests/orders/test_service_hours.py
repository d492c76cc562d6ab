"""Service hours: logged by the provider, confirmed by the recipient, within the daily and order limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


from marketplace.catalog.models import ItemCategory
from marketplace.errors import ErrorCode
from marketplace.identifiers import make_iin
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderStatus, ServiceLogStatus
from tests import factories as f
from tests.orders.conftest import accepted_order, entitlement, t
from tests.factories import actions, change, hours_world, new_key, refused, run

TODAY = f.today()
# Hours logged "today" must have ended on Kazakhstan's clock: it is 23:59 there in these tests.
pytestmark = pytest.mark.usefixtures("day_is_over")
WORKER_1 = make_iin(dt.date(1990, 3, 4), "F", 11)
WORKER_2 = make_iin(dt.date(1985, 7, 8), "M", 12)
WORKER_3 = make_iin(dt.date(1979, 1, 2), "F", 13)


def log(db, provider_viewer, order, worker=WORKER_1, start="09:00", end="12:00", day=None, name="Асель Т."):
    return run(db, orders.log_service_hours, provider_viewer, order_id=order.id, worker_iin=worker, worker_name=name,
               service_date=day or TODAY, start_time=t(start), end_time=t(end))


async def backdate(db, order, days):
    await change(db, Order, Order.id == order.id, placed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days))


@pytest.fixture
async def h(db):
    return await hours_world(db)


async def two_orders(db, h, quantity=Decimal(16)):
    one = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, quantity)
    two = await accepted_order(db, h.viewer, h.provider_2_viewer, h.listing_2.id, h.entitlement.id, quantity)
    return one, two


async def test_logs_hours_and_audits(db, h):
    order, _ = await two_orders(db, h)
    entry = await log(db, h.provider_1_viewer, order, start="09:00", end="12:30")
    assert entry.hours == Decimal("3.50")
    assert entry.status == ServiceLogStatus.LOGGED
    assert (entry.person_id, entry.provider_id, entry.worker_iin) == (h.person.id, h.provider_1.id, WORKER_1)
    assert await actions(db, "ServiceLog", entry.id) == ["service_log.logged"]


async def test_ninth_hour_of_a_day_across_two_providers_is_refused(db, h):
    one, two = await two_orders(db, h)
    await log(db, h.provider_1_viewer, one, WORKER_1, "08:00", "13:00")  # 5 h
    await log(db, h.provider_2_viewer, two, WORKER_2, "14:00", "17:00")  # 3 h: 8 in all
    await refused(db, ErrorCode.DAILY_LIMIT_EXCEEDED, orders.log_service_hours, h.provider_2_viewer, order_id=two.id,
                  worker_iin=WORKER_2, worker_name="X", service_date=TODAY, start_time=t("17:00"),
                  end_time=t("18:00"))
    # Even half an hour more is refused.
    await refused(db, ErrorCode.DAILY_LIMIT_EXCEEDED, orders.log_service_hours, h.provider_1_viewer, order_id=one.id,
                  worker_iin=WORKER_3, worker_name="X", service_date=TODAY, start_time=t("20:00"),
                  end_time=t("20:30"))


async def test_the_eight_hours_are_per_day(db, h):
    one, two = await two_orders(db, h)
    await backdate(db, one, 3)
    await log(db, h.provider_1_viewer, one, WORKER_1, "08:00", "16:00")  # 8 h today
    yesterday = TODAY - dt.timedelta(days=1)
    entry = await log(db, h.provider_1_viewer, one, WORKER_1, "08:00", "16:00", day=yesterday)
    assert entry.hours == Decimal("8.00")


async def test_disputed_hours_do_not_count(db, h):
    one, two = await two_orders(db, h)
    await log(db, h.provider_1_viewer, one, WORKER_1, "08:00", "13:00")
    bad = await log(db, h.provider_2_viewer, two, WORKER_2, "14:00", "17:00")
    await run(db, orders.dispute_service_hours, h.viewer, bad.id, "Nobody came after 15:00")
    entry = await log(db, h.provider_2_viewer, two, WORKER_2, "14:00", "15:00")
    assert entry.hours == Decimal("1.00")


async def test_entitlement_daily_limit_is_honoured(db):
    h = await hours_world(db, category=ItemCategory.SIGN_LANGUAGE, quantity=60, daily_limit=Decimal(2))
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(10))
    await log(db, h.provider_1_viewer, order, WORKER_1, "09:00", "10:30")
    await refused(db, ErrorCode.DAILY_LIMIT_EXCEEDED, orders.log_service_hours, h.provider_1_viewer,
                  order_id=order.id, worker_iin=WORKER_1, worker_name="X", service_date=TODAY,
                  start_time=t("11:00"), end_time=t("12:00"))


async def test_one_worker_cannot_be_in_two_places(db, h):
    mine = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(8))
    theirs = await accepted_order(db, h.other_viewer, h.provider_2_viewer, h.listing_2.id, h.other_entitlement.id,
                                  Decimal(8))
    await log(db, h.provider_1_viewer, mine, WORKER_1, "09:00", "11:00")
    for start, end in [("10:30", "12:00"), ("08:00", "09:30"), ("09:00", "11:00"), ("09:15", "10:45"),
                       ("08:00", "12:00")]:
        await refused(db, ErrorCode.OVERLAPPING_HOURS, orders.log_service_hours, h.provider_2_viewer,
                      order_id=theirs.id, worker_iin=WORKER_1, worker_name="Асель Т.", service_date=TODAY,
                      start_time=t(start), end_time=t(end))
    # Touching intervals are fine, and another worker may come at the same time.
    touching = await log(db, h.provider_2_viewer, theirs, WORKER_1, "11:00", "12:00")
    alongside = await log(db, h.provider_2_viewer, theirs, WORKER_2, "09:00", "11:00")
    assert [(e.worker_iin, e.start_time, e.end_time, e.hours, e.status) for e in (touching, alongside)] == [
        (WORKER_1, t("11:00"), t("12:00"), Decimal("1.00"), ServiceLogStatus.LOGGED),
        (WORKER_2, t("09:00"), t("11:00"), Decimal("2.00"), ServiceLogStatus.LOGGED)]


async def test_a_disputed_interval_frees_the_worker(db, h):
    mine = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(8))
    theirs = await accepted_order(db, h.other_viewer, h.provider_2_viewer, h.listing_2.id, h.other_entitlement.id,
                                  Decimal(8))
    fake = await log(db, h.provider_1_viewer, mine, WORKER_1, "09:00", "11:00")
    await refused(db, ErrorCode.OVERLAPPING_HOURS, orders.log_service_hours, h.provider_2_viewer,
                  order_id=theirs.id, worker_iin=WORKER_1, worker_name="Асель Т.", service_date=TODAY,
                  start_time=t("09:00"), end_time=t("11:00"))
    disputed = await run(db, orders.dispute_service_hours, h.viewer, fake.id, "Did not come")
    assert disputed.status == ServiceLogStatus.DISPUTED
    # The same hours, refused while the fake one stood, are taken once it is disputed.
    real = await log(db, h.provider_2_viewer, theirs, WORKER_1, "09:00", "11:00")
    assert (real.order_id, real.worker_iin, real.hours, real.status) == (
        theirs.id, WORKER_1, Decimal("2.00"), ServiceLogStatus.LOGGED)


async def test_no_more_hours_than_the_order_booked(db, h):
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(2))
    await log(db, h.provider_1_viewer, order, WORKER_1, "09:00", "10:30")
    await refused(db, ErrorCode.INSUFFICIENT_BALANCE, orders.log_service_hours, h.provider_1_viewer,
                  order_id=order.id, worker_iin=WORKER_1, worker_name="X", service_date=TODAY,
                  start_time=t("11:00"), end_time=t("12:00"))
    rest = await log(db, h.provider_1_viewer, order, WORKER_1, "11:00", "11:30")  # exactly the rest
    assert rest.hours == Decimal("0.50")
    await refused(db, ErrorCode.INSUFFICIENT_BALANCE, orders.log_service_hours, h.provider_1_viewer,
                  order_id=order.id, worker_iin=WORKER_1, worker_name="X", service_date=TODAY,
                  start_time=t("12:00"), end_time=t("12:15"))  # and then nothing more


async def test_sign_language_is_sixty_hours_a_year(db):
    h = await hours_world(db, category=ItemCategory.SIGN_LANGUAGE, quantity=60, daily_limit=None)
    await refused(db, ErrorCode.INSUFFICIENT_BALANCE, orders.place_order, h.viewer, listing_id=h.listing_1.id,
                  entitlement_id=h.entitlement.id, quantity=Decimal(61), idempotency_key=new_key())
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(60))
    assert order.quantity == Decimal("60.00")
    assert (await entitlement(db, h.entitlement.id)).balance == Decimal("0.00")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"service_date": TODAY + dt.timedelta(days=1)}, ErrorCode.OUT_OF_RANGE),
        ({"service_date": TODAY - dt.timedelta(days=1)}, ErrorCode.OUT_OF_RANGE),  # before the order
        ({"start_time": t("12:00"), "end_time": t("12:00")}, ErrorCode.OUT_OF_RANGE),
        ({"start_time": t("13:00"), "end_time": t("12:00")}, ErrorCode.OUT_OF_RANGE),
        ({"start_time": dt.time(9, 0, 30)}, ErrorCode.INVALID),
        ({"worker_iin": "123456789012"}, ErrorCode.INVALID_IIN),
        ({"worker_iin": "abc"}, ErrorCode.INVALID_IIN),
        ({"worker_name": " "}, ErrorCode.REQUIRED),
        ({"worker_name": "x" * 201}, ErrorCode.TOO_LONG),
    ],
)
async def test_bad_log_input_is_refused(db, h, kwargs, code):
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(8))
    args = dict(order_id=order.id, worker_iin=WORKER_1, worker_name="Асель Т.", service_date=TODAY,
                start_time=t("09:00"), end_time=t("10:00"))
    args.update(kwargs)
    await refused(db, code, orders.log_service_hours, h.provider_1_viewer, **args)
    assert await orders_logs(db, h, order) == []


async def orders_logs(db, h, order):
    return await run(db, orders.list_service_logs, h.provider_1_viewer, order.id)


async def test_hours_only_on_an_accepted_hourly_order_of_ones_own(db, h):
    placed = await run(db, orders.place_order, h.viewer, listing_id=h.listing_1.id, entitlement_id=h.entitlement.id,
                       quantity=Decimal(4), idempotency_key=new_key())
    args = dict(order_id=placed.id, worker_iin=WORKER_1, worker_name="X", service_date=TODAY,
                start_time=t("09:00"), end_time=t("10:00"))
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.log_service_hours, h.provider_1_viewer, **args)
    await refused(db, ErrorCode.NOT_FOUND, orders.log_service_hours, h.provider_2_viewer, **args)
    await refused(db, ErrorCode.FORBIDDEN, orders.log_service_hours, h.viewer, **args)
    await run(db, orders.accept_order, h.provider_1_viewer, placed.id)
    await run(db, orders.mark_delivered, h.provider_1_viewer, placed.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.log_service_hours, h.provider_1_viewer, **args)
    # A wheelchair order takes no hours.
    w = h.world
    product = await accepted_order(db, w.viewer("recipient_a"), w.viewer("provider_a"), w.listing_a.id,
                                   w.entitlement_a.id, Decimal(1))
    await refused(db, ErrorCode.INVALID, orders.log_service_hours, w.viewer("provider_a"),
                  **{**args, "order_id": product.id})


async def test_recipient_confirms_hours(db, h):
    order, _ = await two_orders(db, h)
    a = await log(db, h.provider_1_viewer, order, WORKER_1, "09:00", "10:00")
    b = await log(db, h.provider_1_viewer, order, WORKER_1, "10:00", "11:00")
    done = await run(db, orders.confirm_service_hours, h.viewer, [a.id, b.id])
    assert [x.status for x in done] == [ServiceLogStatus.CONFIRMED] * 2
    assert all(x.confirmed_at is not None for x in done)
    assert await actions(db, "ServiceLog", a.id) == ["service_log.logged", "service_log.confirmed"]
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.confirm_service_hours, h.viewer, [a.id])
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.dispute_service_hours, h.viewer, a.id, "too late")


async def test_only_the_recipient_confirms_or_disputes(db, h):
    order, _ = await two_orders(db, h)
    a = await log(db, h.provider_1_viewer, order)
    await refused(db, ErrorCode.NOT_FOUND, orders.confirm_service_hours, h.other_viewer, [a.id])
    await refused(db, ErrorCode.NOT_FOUND, orders.dispute_service_hours, h.other_viewer, a.id, "not mine")
    await refused(db, ErrorCode.NOT_FOUND, orders.confirm_service_hours, h.viewer, [a.id, 999999])
    await refused(db, ErrorCode.FORBIDDEN, orders.confirm_service_hours, h.provider_1_viewer, [a.id])
    await refused(db, ErrorCode.REQUIRED, orders.confirm_service_hours, h.viewer, [])
    await refused(db, ErrorCode.REQUIRED, orders.dispute_service_hours, h.viewer, a.id, "")
    logs = await run(db, orders.list_service_logs, h.viewer, order.id)
    assert [x.status for x in logs] == [ServiceLogStatus.LOGGED]


async def test_confirming_a_service_consumes_the_confirmed_hours_and_releases_the_rest(db, h):
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(10))
    good = await log(db, h.provider_1_viewer, order, WORKER_1, "09:00", "12:00")
    bad = await log(db, h.provider_1_viewer, order, WORKER_1, "13:00", "15:00")
    await run(db, orders.mark_delivered, h.provider_1_viewer, order.id)
    # Hours awaiting an answer block the confirmation.
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.confirm_receipt, h.viewer, order.id)
    await run(db, orders.confirm_service_hours, h.viewer, [good.id])
    await run(db, orders.dispute_service_hours, h.viewer, bad.id, "Left at 13:30")
    done = await run(db, orders.confirm_receipt, h.viewer, order.id)
    assert done.status == OrderStatus.CONFIRMED
    ent = await entitlement(db, h.entitlement.id)
    assert (ent.reserved, ent.consumed, ent.balance) == (Decimal("0.00"), Decimal("3.00"), Decimal("197.00"))


async def test_an_order_with_logged_hours_cannot_be_cancelled(db, h):
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(4))
    await log(db, h.provider_1_viewer, order)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.cancel_order, h.viewer, order.id)
    assert (await entitlement(db, h.entitlement.id)).reserved == Decimal("4.00")


async def test_long_entries_pass_the_database_checks(db, h):
    # hours are stored as hundredths on SQLite: the CHECK must hold for a full 8-hour day on both databases.
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(8))
    async with db.transaction() as s:
        entry = await orders.log_service_hours(s, h.provider_1_viewer, order_id=order.id, worker_iin=WORKER_1,
                                               worker_name="X", service_date=TODAY, start_time=t("09:00"),
                                               end_time=t("17:00"))
    assert entry.hours == Decimal("8.00")
