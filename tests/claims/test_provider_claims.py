"""A provider's claim for a confirmed order, and for confirmed service hours."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.claims import services as cs
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.errors import DomainError, ErrorCode
from marketplace.orders.models import OrderStatus, ServiceLog, ServiceLogStatus
from tests import factories as f
from tests.claims.conftest import add_log, audit_count, hourly_setup, make_order
from tests.factories import refused, refused_at, run


def claiming(service, default_key):  # type: ignore[no-untyped-def]
    """A provider's claim ``service`` (for an order, or for its hours) as two calls: ``submit(db, viewer,
    order_id, key)``, the claim; and ``refused_with(db, code, viewer, order_id, key)``, the refusal."""
    async def submit(db, viewer, order_id, key=default_key):  # type: ignore[no-untyped-def]
        return await run(db, service, viewer, order_id=order_id, idempotency_key=key)

    async def refused_with(db, code, viewer, order_id, key=default_key):  # type: ignore[no-untyped-def]
        return await refused(db, code, service, viewer, order_id=order_id, idempotency_key=key)

    return submit, refused_with


submit, submit_refused = claiming(cs.submit_provider_claim, "k1")


async def test_provider_claims_the_state_share_of_a_confirmed_order(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        # price 200,000 over a cap of 150,000 × 2: the state pays 300,000, the recipient 100,000
        order = await make_order(s, world, quantity=Decimal("2"), cap=Decimal("150000.00"))
    claim = await submit(db, world.viewer("provider_a"), order.id)
    assert claim.kind == ClaimKind.PROVIDER_ORDER
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.amount_claimed == claim.amount_approvable == Decimal("300000.00") == order.state_share
    assert claim.order_id == order.id and claim.provider_id == world.provider_a.id
    assert claim.person_id == world.recipient_a.id and claim.region_id == world.region_a.id
    assert claim.due_date > claim.submitted_at.date()
    assert await audit_count(db, "claim.submitted", claim.id) == 1


async def test_same_key_returns_the_same_claim_and_a_new_key_is_a_duplicate(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)
    viewer = world.viewer("provider_a")
    first = await submit(db, viewer, order.id, "same")
    again = await submit(db, viewer, order.id, "same")
    assert again.id == first.id
    await refused_at(db, ErrorCode.DUPLICATE, "orderId", cs.submit_provider_claim, viewer, order_id=order.id,
                     idempotency_key="other")
    async with db.session() as s:
        count = len((await s.execute(select(CompensationClaim).where(CompensationClaim.order_id == order.id))).all())
    assert count == 1
    assert await audit_count(db, "claim.submitted") == 1


async def test_same_key_for_another_order_is_an_idempotency_conflict(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        o1 = await make_order(s, world)
        o2 = await make_order(s, world)
    viewer = world.viewer("provider_a")
    await submit(db, viewer, o1.id, "k")
    await submit_refused(db, ErrorCode.IDEMPOTENCY_CONFLICT, viewer, o2.id, "k")


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.DELIVERED,
                                    OrderStatus.DECLINED, OrderStatus.CANCELLED])
async def test_an_unconfirmed_order_cannot_be_claimed(db, world, status):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world, status=status)
    await submit_refused(db, ErrorCode.INVALID_TRANSITION, world.viewer("provider_a"), order.id)
    assert await audit_count(db, "claim.submitted") == 0


async def test_other_provider_gets_not_found_and_other_roles_forbidden(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)
    err = await submit_refused(db, ErrorCode.NOT_FOUND, world.viewer("provider_b"), order.id)
    missing = await submit_refused(db, ErrorCode.NOT_FOUND, world.viewer("provider_b"), 999999)
    assert missing.message == err.message
    for name in ("recipient_a", "officer_a", "admin"):
        await submit_refused(db, ErrorCode.FORBIDDEN, world.viewer(name), order.id)
    await submit_refused(db, ErrorCode.UNAUTHENTICATED, Viewer.anonymous(), order.id)


async def test_idempotency_key_is_required(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)
    for key in ("", "   ", None, "x" * 101):
        with pytest.raises(DomainError) as err:
            await submit(db, world.viewer("provider_a"), order.id, key)
        assert err.value.code in (ErrorCode.REQUIRED, ErrorCode.TOO_LONG)


async def test_an_hourly_order_is_claimed_by_hours_not_as_a_whole(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await hourly_setup(s, world)
    await submit_refused(db, ErrorCode.INVALID, world.viewer("provider_a"), order.id)


# -- service hours ------------------------------------------------------------------
submit_hours, submit_hours_refused = claiming(cs.submit_service_hours_claim, "h1")


async def test_only_confirmed_unclaimed_hours_are_claimed_at_the_capped_rate(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await hourly_setup(s, world, unit_price="2000.00", cap="1500.00")
        ok1 = await add_log(s, order, day=1, start=(9, 0), end=(12, 0))  # 3 h
        ok2 = await add_log(s, order, day=2, start=(14, 0), end=(15, 30))  # 1.5 h
        logged = await add_log(s, order, day=3, status=ServiceLogStatus.LOGGED)
        disputed = await add_log(s, order, day=4, status=ServiceLogStatus.DISPUTED)
    claim = await submit_hours(db, world.viewer("provider_a"), order.id)
    assert claim.kind == ClaimKind.PROVIDER_SERVICE_HOURS
    assert claim.quantity == Decimal("4.50")
    assert claim.amount_claimed == claim.amount_approvable == Decimal("6750.00")  # 4.5 h × min(2000, 1500)
    async with db.session() as s:
        bound = {i: c for i, c in (await s.execute(select(ServiceLog.id, ServiceLog.claim_id))).all()}
    assert bound[ok1.id] == bound[ok2.id] == claim.id
    assert bound[logged.id] is None and bound[disputed.id] is None
    assert await audit_count(db, "service_log.claimed") == 2


async def test_hours_below_the_cap_are_paid_at_the_price(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await hourly_setup(s, world, unit_price="1200.00", cap="1500.00")
        await add_log(s, order, start=(10, 0), end=(10, 20))  # 20 minutes
    claim = await submit_hours(db, world.viewer("provider_a"), order.id)
    assert claim.amount_claimed == Decimal("400.00")


async def test_hours_are_never_claimed_twice_and_unconfirmed_hours_are_refused(db, world):  # type: ignore[no-untyped-def]
    viewer = world.viewer("provider_a")
    async with db.transaction() as s:
        order = await hourly_setup(s, world)
        await add_log(s, order, day=1)
        pending = await add_log(s, order, day=2, status=ServiceLogStatus.LOGGED)
    first = await submit_hours(db, viewer, order.id, "a")
    assert first.quantity == Decimal("3.00")
    # the same key gives the same claim
    assert (await submit_hours(db, viewer, order.id, "a")).id == first.id
    # nothing confirmed is left: refused with a clear code
    await submit_hours_refused(db, ErrorCode.NOT_ELIGIBLE, viewer, order.id, "b")
    # once the recipient confirms more hours, a new claim covers only those
    async with db.transaction() as s:
        log = await s.get(ServiceLog, pending.id)
        log.status = ServiceLogStatus.CONFIRMED
    second = await submit_hours(db, viewer, order.id, "c")
    assert second.id != first.id and second.quantity == Decimal("3.00")


async def test_hours_claim_refusals(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await hourly_setup(s, world)
        await add_log(s, order)
        product_order = await make_order(s, world)
    await submit_hours_refused(db, ErrorCode.NOT_FOUND, world.viewer("provider_b"), order.id)
    await submit_hours_refused(db, ErrorCode.FORBIDDEN, world.viewer("recipient_a"), order.id)
    await submit_hours_refused(db, ErrorCode.INVALID, world.viewer("provider_a"), product_order.id)


async def test_a_claim_goes_to_the_officer_of_the_recipients_region(db, world):  # type: ignore[no-untyped-def]
    # provider A also serves region B and delivers to recipient B: region B's officer decides
    async with db.transaction() as s:
        listing = await f.listing(s, world.provider_a, world.item, [world.region_b])
        order = await make_order(s, world, side="b", listing=listing)
        officer_a2 = await f.account(s, Role.LOCAL_BODY, region_id=world.region_a.id)
    claim = await submit(db, world.viewer("provider_a"), order.id)
    assert claim.region_id == world.region_b.id
    async with db.transaction() as s:
        with pytest.raises(DomainError) as err:
            await cs.approve_claim(s, f.viewer_of(officer_a2), claim.id)
        assert err.value.code == ErrorCode.NOT_FOUND
    async with db.transaction() as s:
        approved = await cs.approve_claim(s, world.viewer("officer_b"), claim.id)
    assert approved.status == ClaimStatus.APPROVED
