"""Under concurrency no balance goes below zero, no reservation is lost, nothing happens twice.

Each call runs in its own transaction (its own connection), all at once with
asyncio.gather: on PostgreSQL they truly interleave (row locks, unique
constraints, advisory locks); on SQLite BEGIN IMMEDIATE serialises writers
and the busy timeout makes the others wait instead of failing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal


from marketplace.errors import DomainError, ErrorCode
from marketplace.identifiers import make_iin
from marketplace.orders import services as orders
from marketplace.catalog.models import ItemCategory
from marketplace.orders.models import Order, OrderStatus
from marketplace.records.models import Entitlement
from tests import factories as f
from tests.orders.conftest import accepted_order, entitlement, order_count, place, t
from tests.factories import attempt, change, hours_world, outcome, run

TODAY = f.today()


async def rush(db, world, keys, quantity=lambda i: Decimal(1)):
    """Recipient A orders from listing A once for each idempotency key, all at once: each request's
    order, or the code it was refused with."""
    viewer = world.viewer("recipient_a")
    results = await asyncio.gather(*[
        outcome(orders.place_order_once(db, viewer, listing_id=world.listing_a.id,
                                        entitlement_id=world.entitlement_a.id, quantity=quantity(i),
                                        idempotency_key=key))
        for i, key in enumerate(keys)
    ])
    return [r.code if isinstance(r, DomainError) else r for r in results]


async def in_tx(db, fn, *args, **kwargs):
    """``attempt``: the result, or the code the call was refused with."""
    result = await attempt(db, fn, *args, **kwargs)
    return result.code if isinstance(result, DomainError) else result


async def test_fifty_orders_against_a_balance_of_ten(db, world):
    await change(db, Entitlement, Entitlement.id == world.entitlement_a.id, quantity=Decimal(10))
    results = await rush(db, world, [f"rush-{i}" for i in range(50)])
    placed = [r for r in results if not isinstance(r, ErrorCode)]
    refusals = [r for r in results if isinstance(r, ErrorCode)]
    assert len(placed) == 10
    assert len({o.id for o in placed}) == 10
    assert refusals == [ErrorCode.INSUFFICIENT_BALANCE] * 40
    ent = await entitlement(db, world.entitlement_a.id)
    assert (ent.reserved, ent.balance) == (Decimal("10.00"), Decimal("0.00"))
    assert await order_count(db) == 10


async def test_twenty_identical_requests_make_one_order(db, world):
    results = await rush(db, world, ["same-click"] * 20)
    assert all(not isinstance(r, ErrorCode) for r in results), results
    assert len({o.id for o in results}) == 1
    assert await order_count(db) == 1
    assert (await entitlement(db, world.entitlement_a.id)).reserved == Decimal("1.00")


async def test_same_key_racing_with_a_different_payload(db, world):
    results = await rush(db, world, ["mixed"] * 10, quantity=lambda i: Decimal(1 + i % 2))
    orders_made = {r.id for r in results if not isinstance(r, ErrorCode)}
    conflicts = [r for r in results if isinstance(r, ErrorCode)]
    assert len(orders_made) == 1
    assert set(conflicts) <= {ErrorCode.IDEMPOTENCY_CONFLICT}
    assert await order_count(db) == 1


async def test_decline_and_cancel_racing_release_once(db, world):
    for _ in range(5):
        order = await place(db, world)
        results = await asyncio.gather(
            in_tx(db, orders.decline_order, world.viewer("provider_a"), order.id, "no"),
            in_tx(db, orders.cancel_order, world.viewer("recipient_a"), order.id),
        )
        codes = [r for r in results if isinstance(r, ErrorCode)]
        assert codes == [ErrorCode.INVALID_TRANSITION]
        ent = await entitlement(db, world.entitlement_a.id)
        assert (ent.reserved, ent.balance) == (Decimal("0.00"), Decimal("2.00"))


async def test_double_confirm_consumes_once(db, world):
    order = await place(db, world)
    await run(db, orders.accept_order, world.viewer("provider_a"), order.id)
    await run(db, orders.mark_delivered, world.viewer("provider_a"), order.id)
    results = await asyncio.gather(*[in_tx(db, orders.confirm_receipt, world.viewer("recipient_a"), order.id)
                                     for _ in range(5)])
    assert sum(1 for r in results if not isinstance(r, ErrorCode)) == 1
    ent = await entitlement(db, world.entitlement_a.id)
    assert (ent.reserved, ent.consumed) == (Decimal("0.00"), Decimal("1.00"))


async def backdate(db, *order_ids, days=10):
    await change(db, Order, Order.id.in_(order_ids), placed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days))


ROUNDS = 6


async def refused_hours(db, *lines):
    """Each ``(provider viewer, order, worker IIN, worker name, day, start, end)`` logged at once: the
    codes of the refused ones."""
    results = await asyncio.gather(*[
        in_tx(db, orders.log_service_hours, viewer, order_id=order.id, worker_iin=worker, worker_name=name,
              service_date=day, start_time=t(start), end_time=t(end))
        for viewer, order, worker, name, day, start, end in lines
    ])
    return [r for r in results if isinstance(r, ErrorCode)]


async def test_parallel_hours_from_two_providers_stay_within_eight(db, day_is_over):
    h = await hours_world(db)
    one = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(40))
    two = await accepted_order(db, h.viewer, h.provider_2_viewer, h.listing_2.id, h.entitlement.id, Decimal(40))
    await backdate(db, one.id, two.id)
    w1, w2 = make_iin(dt.date(1990, 1, 1), "F", 21), make_iin(dt.date(1991, 1, 1), "M", 22)
    for i in range(ROUNDS):  # a fresh day each round: 5 h + 5 h must not both pass
        day = TODAY - dt.timedelta(days=i)
        assert await refused_hours(db, (h.provider_1_viewer, one, w1, "A", day, "08:00", "13:00"),
                                   (h.provider_2_viewer, two, w2, "B", day, "14:00", "19:00")) == [
            ErrorCode.DAILY_LIMIT_EXCEEDED]


async def test_parallel_overlapping_hours_of_one_worker(db, day_is_over):
    h = await hours_world(db, category=ItemCategory.SIGN_LANGUAGE, daily_limit=None)
    mine = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, Decimal(40))
    theirs = await accepted_order(db, h.other_viewer, h.provider_2_viewer, h.listing_2.id, h.other_entitlement.id,
                                  Decimal(40))
    for i in range(ROUNDS):  # a different worker each round, in two places at once
        worker = make_iin(dt.date(1990, 1, 1), "F", 30 + i)
        assert await refused_hours(db, (h.provider_1_viewer, mine, worker, "A", TODAY, "09:00", "11:00"),
                                   (h.provider_2_viewer, theirs, worker, "A", TODAY, "10:00", "12:00")) == [
            ErrorCode.OVERLAPPING_HOURS]


async def test_parallel_reviews_of_one_order(db, world):
    order = await place(db, world)
    await run(db, orders.accept_order, world.viewer("provider_a"), order.id)
    await run(db, orders.mark_delivered, world.viewer("provider_a"), order.id)
    await run(db, orders.confirm_receipt, world.viewer("recipient_a"), order.id)
    results = await asyncio.gather(*[in_tx(db, orders.review_order, world.viewer("recipient_a"), order.id, 5)
                                     for _ in range(4)])
    assert [r for r in results if isinstance(r, ErrorCode)] == [ErrorCode.DUPLICATE] * 3
    got = await run(db, orders.get_order, world.viewer("recipient_a"), order.id)
    assert got.status == OrderStatus.CONFIRMED


async def test_identical_requests_for_the_whole_balance_all_get_the_order(db, world):
    # Each request asks for the whole balance: a loser must not see "insufficient
    # balance" (the winner took it) but the winner's order.
    results = await rush(db, world, ["whole"] * 10, quantity=lambda i: Decimal(2))
    assert all(not isinstance(r, ErrorCode) for r in results), results
    assert len({o.id for o in results}) == 1
    assert (await entitlement(db, world.entitlement_a.id)).reserved == Decimal("2.00")
