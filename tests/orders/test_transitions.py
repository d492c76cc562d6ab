"""The order lifecycle: who may move it, from which state, and what it does to the balance."""

from __future__ import annotations

from decimal import Decimal

import pytest


from marketplace.catalog.models import Listing
from marketplace.errors import ErrorCode
from marketplace.orders import services as orders
from marketplace.orders.models import OrderStatus
from marketplace.records.models import Entitlement, EntitlementStatus
from tests.orders.conftest import entitlement, place
from tests.factories import actions, change, refused, run


async def balance(db, world):
    ent = await entitlement(db, world.entitlement_a.id)
    return ent.reserved, ent.consumed, ent.balance


async def test_full_lifecycle_consumes_the_reservation(db, world):
    order = await place(db, world)
    order = await run(db, orders.accept_order, world.viewer("provider_a"), order.id)
    assert order.status == OrderStatus.ACCEPTED and order.accepted_at is not None
    assert await balance(db, world) == (Decimal("1.00"), Decimal("0.00"), Decimal("1.00"))
    order = await run(db, orders.mark_delivered, world.viewer("provider_a"), order.id)
    assert order.status == OrderStatus.DELIVERED and order.delivered_at is not None
    order = await run(db, orders.confirm_receipt, world.viewer("recipient_a"), order.id)
    assert order.status == OrderStatus.CONFIRMED and order.confirmed_at is not None
    assert order.version == 4
    assert await balance(db, world) == (Decimal("0.00"), Decimal("1.00"), Decimal("1.00"))
    assert await actions(db, "Order", order.id) == [
        "order.placed", "order.accepted", "order.delivered", "order.confirmed"]
    assert await actions(db, "Entitlement", world.entitlement_a.id) == [
        "entitlement.reserved", "entitlement.consumed"]


async def test_decline_returns_the_balance_and_keeps_the_reason(db, world):
    order = await place(db, world, quantity=Decimal(2))
    assert (await balance(db, world))[2] == Decimal("0.00")
    order = await run(db, orders.decline_order, world.viewer("provider_a"), order.id, "  Out of this model  ")
    assert order.status == OrderStatus.DECLINED
    assert order.decline_reason == "Out of this model"
    assert order.closed_at is not None
    assert await balance(db, world) == (Decimal("0.00"), Decimal("0.00"), Decimal("2.00"))
    assert await actions(db, "Order", order.id) == ["order.placed", "order.declined"]
    assert await actions(db, "Entitlement", world.entitlement_a.id) == [
        "entitlement.reserved", "entitlement.released"]


async def test_decline_needs_a_reason(db, world):
    order = await place(db, world)
    await refused(db, ErrorCode.REQUIRED, orders.decline_order, world.viewer("provider_a"), order.id, "  ")
    await refused(db, ErrorCode.TOO_LONG, orders.decline_order, world.viewer("provider_a"), order.id, "x" * 1001)
    assert (await balance(db, world))[0] == Decimal("1.00")


@pytest.mark.parametrize("accepted", [False, True], ids=["placed", "accepted"])
async def test_cancel_returns_the_balance(db, world, accepted):
    order = await place(db, world)
    if accepted:
        await run(db, orders.accept_order, world.viewer("provider_a"), order.id)
    order = await run(db, orders.cancel_order, world.viewer("recipient_a"), order.id)
    assert order.status == OrderStatus.CANCELLED
    assert await balance(db, world) == (Decimal("0.00"), Decimal("0.00"), Decimal("2.00"))
    assert (await actions(db, "Order", order.id))[-1] == "order.cancelled"
    assert (await actions(db, "Entitlement", world.entitlement_a.id))[-1] == "entitlement.released"


async def test_cancel_and_decline_return_tracked_stock(db, world):
    await change(db, Listing, Listing.id == world.listing_a.id, stock=3)
    one = await place(db, world)
    two = await place(db, world)
    await run(db, orders.cancel_order, world.viewer("recipient_a"), one.id)
    await run(db, orders.decline_order, world.viewer("provider_a"), two.id, "no")
    async with db.session() as s:
        assert (await s.get(Listing, world.listing_a.id)).stock == 3


async def test_cancelled_order_on_a_closed_entitlement_still_releases(db, world):
    order = await place(db, world)
    await change(db, Entitlement, Entitlement.id == world.entitlement_a.id, status=EntitlementStatus.CLOSED)
    await run(db, orders.cancel_order, world.viewer("recipient_a"), order.id)
    assert (await balance(db, world))[0] == Decimal("0.00")


@pytest.mark.parametrize(
    ("fn", "who", "args"),
    [
        (orders.accept_order, "provider_b", ()),
        (orders.decline_order, "provider_b", ("no",)),
        (orders.mark_delivered, "provider_b", ()),
        (orders.cancel_order, "recipient_b", ()),
        (orders.confirm_receipt, "recipient_b", ()),
    ],
)
async def test_someone_elses_order_is_not_found(db, world, fn, who, args):
    order = await place(db, world)
    await refused(db, ErrorCode.NOT_FOUND, fn, world.viewer(who), order.id, *args)
    await refused(db, ErrorCode.NOT_FOUND, fn, world.viewer(who), 999999, *args)


@pytest.mark.parametrize(
    ("fn", "who", "args"),
    [
        (orders.accept_order, "recipient_a", ()),
        (orders.accept_order, "officer_a", ()),
        (orders.decline_order, "admin", ("no",)),
        (orders.mark_delivered, "recipient_a", ()),
        (orders.cancel_order, "provider_a", ()),
        (orders.cancel_order, "officer_a", ()),
        (orders.confirm_receipt, "provider_a", ()),
        (orders.confirm_receipt, "admin", ()),
    ],
)
async def test_wrong_role_is_forbidden(db, world, fn, who, args):
    order = await place(db, world)
    await refused(db, ErrorCode.FORBIDDEN, fn, world.viewer(who), order.id, *args)
    got = await run(db, orders.get_order, world.viewer("recipient_a"), order.id)
    assert got.status == OrderStatus.PLACED


async def test_wrong_state_is_an_invalid_transition_and_changes_nothing(db, world):
    order = await place(db, world)
    p, r = world.viewer("provider_a"), world.viewer("recipient_a")
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.mark_delivered, p, order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.confirm_receipt, r, order.id)
    await run(db, orders.accept_order, p, order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.accept_order, p, order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.decline_order, p, order.id, "late")
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.confirm_receipt, r, order.id)
    await run(db, orders.mark_delivered, p, order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.cancel_order, r, order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.mark_delivered, p, order.id)
    await run(db, orders.confirm_receipt, r, order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.confirm_receipt, r, order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.cancel_order, r, order.id)
    # Consumed once, not twice.
    assert await balance(db, world) == (Decimal("0.00"), Decimal("1.00"), Decimal("1.00"))


async def test_terminal_states_stay_terminal(db, world):
    p, r = world.viewer("provider_a"), world.viewer("recipient_a")
    declined = await place(db, world)
    await run(db, orders.decline_order, p, declined.id, "no")
    cancelled = await place(db, world)
    await run(db, orders.cancel_order, r, cancelled.id)
    for order in (declined, cancelled):
        await refused(db, ErrorCode.INVALID_TRANSITION, orders.accept_order, p, order.id)
        await refused(db, ErrorCode.INVALID_TRANSITION, orders.decline_order, p, order.id, "again")
        await refused(db, ErrorCode.INVALID_TRANSITION, orders.cancel_order, r, order.id)
    # Each reservation was returned exactly once.
    assert await balance(db, world) == (Decimal("0.00"), Decimal("0.00"), Decimal("2.00"))
