"""Invataxi: vehicles, booking like an appointment, the provider's answer, completion into a claim,
and no vehicle double-booked, even when confirmations race."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace import clock
from marketplace.claims import services as claims
from marketplace.claims.models import ClaimStatus
from marketplace.errors import DomainError, ErrorCode
from marketplace.orders.models import Order, OrderStatus
from marketplace.records.models import Entitlement
from marketplace.transport import services as transport
from marketplace.transport.models import Trip, TripStatus
from tests import factories as f
from tests.factories import GrantWorld, new_key, race, refused, run

UTC = dt.UTC


def at(hours: float, day: int = 2) -> dt.datetime:
    """A whole-minute moment ``day`` days from now at ``hours`` o'clock UTC."""
    base = dt.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=day)
    return base + dt.timedelta(hours=hours)


@pytest.fixture
async def taxi_ents(db, gw: GrantWorld) -> dict[str, Entitlement]:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        return {
            "eligible": await f.entitlement(s, gw.eligible, gw.taxi, quantity=10),
            "group_two": await f.entitlement(s, gw.group_two, gw.taxi, quantity=10),
            "walks": await f.entitlement(s, gw.walks, gw.taxi, quantity=10),
            "person_b": await f.entitlement(s, gw.person_b, gw.taxi, quantity=10),
        }


async def book(db, gw: GrantWorld, ents, who: str, starts_at: dt.datetime, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("idempotency_key", new_key("trip"))
    return await run(
        db, transport.book_trip, gw.viewer(who), listing_id=kw.pop("listing_id", gw.taxi_listing.id),
        entitlement_id=ents[who].id, starts_at=starts_at, pickup_address="Абай даңғылы 10",
        dropoff_address="Қалалық емхана №4", **kw,
    )


async def book_refused(code: ErrorCode, *args, **kw) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        await book(*args, **kw)
    assert info.value.code == code, f"expected {code}, got {info.value!r}"
    return info.value


async def load(db, model, pk):  # type: ignore[no-untyped-def]
    async with db.session() as s:
        obj = await s.get(model, pk)
        assert obj is not None
        return obj


async def test_booking_reserves_one_trip_and_the_provider_confirms(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    key = new_key("trip")
    trip = await book(db, gw, taxi_ents, "eligible", at(9), needs_wheelchair=True, with_companion=True,
                      idempotency_key=key)
    assert trip.status == TripStatus.REQUESTED and trip.ends_at == trip.starts_at + dt.timedelta(minutes=60)
    order = await load(db, Order, trip.order_id)
    assert order.status == OrderStatus.PLACED and order.quantity == Decimal("1.00")
    assert order.state_share == Decimal("2500.00") and order.provider_id == gw.taxi_provider.id
    assert (await load(db, Entitlement, taxi_ents["eligible"].id)).reserved == Decimal("1.00")
    # The same key and request: the same trip, nothing more reserved; another request: a conflict.
    again = await book(db, gw, taxi_ents, "eligible", at(9), needs_wheelchair=True, with_companion=True,
                       idempotency_key=key)
    assert again.id == trip.id
    assert (await load(db, Entitlement, taxi_ents["eligible"].id)).reserved == Decimal("1.00")
    with pytest.raises(DomainError) as conflict:
        await book(db, gw, taxi_ents, "eligible", at(10), idempotency_key=key)
    assert conflict.value.code == ErrorCode.IDEMPOTENCY_CONFLICT

    provider = gw.viewer("taxi")
    error = await refused(db, ErrorCode.NOT_ELIGIBLE, transport.confirm_trip, provider, trip.id, gw.sedan.id)
    assert "wheelchair-accessible" in error.message
    await refused(db, ErrorCode.NOT_FOUND, transport.confirm_trip, gw.viewer("provider"), trip.id, gw.van.id)
    confirmed = await run(db, transport.confirm_trip, provider, trip.id, gw.van.id)
    assert confirmed.status == TripStatus.CONFIRMED and confirmed.vehicle_id == gw.van.id
    assert (await load(db, Order, trip.order_id)).status == OrderStatus.ACCEPTED
    await refused(db, ErrorCode.INVALID_TRANSITION, transport.confirm_trip, provider, trip.id, gw.van.id)


async def test_a_vehicle_is_never_double_booked_under_concurrency(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    provider = gw.viewer("taxi")
    for round_ in range(3):
        day = 3 + round_
        first = await book(db, gw, taxi_ents, "eligible", at(10, day))
        second = await book(db, gw, taxi_ents, "group_two", at(10.5, day))  # overlaps [10:00, 11:00)

        won, lost = await race(*[run(db, transport.confirm_trip, provider, trip.id, gw.sedan.id)
                                 for trip in (first, second)])
        assert len(won) == 1 and len(lost) == 1 and isinstance(won[0], Trip), (won, lost)
        assert lost[0].code == ErrorCode.OVERLAPPING_HOURS and "already booked" in lost[0].message
        loser = second.id if won[0].id == first.id else first.id
        assert (await load(db, Trip, loser)).status == TripStatus.REQUESTED
        # The loser fits on another vehicle; a trip starting when the first ends fits on the same one.
        await run(db, transport.confirm_trip, provider, loser, gw.van.id)
        back_to_back = await book(db, gw, taxi_ents, "walks", at(11, day) if won[0].id == first.id else at(11.5, day))
        await run(db, transport.confirm_trip, provider, back_to_back.id, gw.sedan.id)


async def test_another_time_is_proposed_and_accepted(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    trip = await book(db, gw, taxi_ents, "eligible", at(9), duration_minutes=90)
    provider = gw.viewer("taxi")
    await refused(db, ErrorCode.OUT_OF_RANGE, transport.propose_trip_time, provider, trip.id,
                  dt.datetime.now(UTC) - dt.timedelta(hours=1))
    proposed = await run(db, transport.propose_trip_time, provider, trip.id, at(13))
    assert proposed.status == TripStatus.RESCHEDULE_PROPOSED and proposed.proposed_starts_at == at(13)
    await refused(db, ErrorCode.INVALID_TRANSITION, transport.confirm_trip, provider, trip.id, gw.van.id)
    await refused(db, ErrorCode.NOT_FOUND, transport.accept_trip_proposal, gw.viewer("group_two"), trip.id)
    accepted = await run(db, transport.accept_trip_proposal, gw.viewer("eligible"), trip.id)
    assert accepted.status == TripStatus.REQUESTED and accepted.starts_at == at(13)
    assert accepted.ends_at == at(14.5) and accepted.proposed_starts_at is None
    assert (await run(db, transport.confirm_trip, provider, trip.id, gw.van.id)).status == TripStatus.CONFIRMED


async def test_declining_or_cancelling_returns_the_trip_to_the_balance(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    ent_id = taxi_ents["eligible"].id
    declined = await book(db, gw, taxi_ents, "eligible", at(9))
    await refused(db, ErrorCode.REQUIRED, transport.decline_trip, gw.viewer("taxi"), declined.id, "")
    done = await run(db, transport.decline_trip, gw.viewer("taxi"), declined.id, "No driver that morning.")
    assert done.status == TripStatus.CANCELLED
    assert (await load(db, Order, declined.order_id)).status == OrderStatus.DECLINED

    cancelled = await book(db, gw, taxi_ents, "eligible", at(15))
    await run(db, transport.confirm_trip, gw.viewer("taxi"), cancelled.id, gw.van.id)
    await run(db, transport.cancel_trip, gw.viewer("eligible"), cancelled.id)
    assert (await load(db, Order, cancelled.order_id)).status == OrderStatus.CANCELLED
    ent = await load(db, Entitlement, ent_id)
    assert ent.reserved == Decimal("0.00") and ent.consumed == Decimal("0.00")
    # A cancelled trip frees its vehicle.
    again = await book(db, gw, taxi_ents, "group_two", at(15))
    await run(db, transport.confirm_trip, gw.viewer("taxi"), again.id, gw.van.id)


async def test_completion_consumes_the_trip_and_feeds_a_provider_claim(db, gw: GrantWorld, taxi_ents, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    trip = await book(db, gw, taxi_ents, "eligible", at(9))
    provider, recipient = gw.viewer("taxi"), gw.viewer("eligible")
    await run(db, transport.confirm_trip, provider, trip.id, gw.van.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, transport.mark_trip_done, provider, trip.id)  # not yet
    await refused(db, ErrorCode.INVALID_TRANSITION, transport.complete_trip, recipient, trip.id)  # not reported
    monkeypatch.setattr(clock, "now", lambda: at(10.5))
    await run(db, transport.mark_trip_done, provider, trip.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, transport.cancel_trip, recipient, trip.id)
    completed = await run(db, transport.complete_trip, recipient, trip.id)
    assert completed.status == TripStatus.COMPLETED
    order = await load(db, Order, trip.order_id)
    assert order.status == OrderStatus.CONFIRMED
    ent = await load(db, Entitlement, taxi_ents["eligible"].id)
    assert ent.reserved == Decimal("0.00") and ent.consumed == Decimal("1.00")
    # The claim path is the ordinary one.
    claim = await run(db, claims.submit_provider_claim, provider, order_id=order.id, idempotency_key=new_key())
    assert claim.amount_claimed == Decimal("2500.00")
    await run(db, claims.approve_claim, gw.viewer("officer_a"), claim.id)
    paid = await run(db, claims.mark_claim_paid, gw.viewer("officer_a"), claim.id, idempotency_key=new_key())
    assert paid.status == ClaimStatus.PAID


async def test_booking_rules(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    # Not an invataxi listing.
    await book_refused(ErrorCode.INVALID, db, gw, taxi_ents, "eligible", at(9),
                  listing_id=gw.assistant_listing.id)
    # In the past, or too far ahead.
    await book_refused(ErrorCode.OUT_OF_RANGE, db, gw, taxi_ents, "eligible", dt.datetime.now(UTC))
    await book_refused(ErrorCode.OUT_OF_RANGE, db, gw, taxi_ents, "eligible", at(9, day=90))
    await book_refused(ErrorCode.INVALID, db, gw, taxi_ents, "eligible", at(9).replace(tzinfo=None))
    await book_refused(ErrorCode.OUT_OF_RANGE, db, gw, taxi_ents, "eligible", at(9), duration_minutes=5)
    # A companion rides along for group I and children only.
    await book_refused(ErrorCode.NOT_ELIGIBLE, db, gw, taxi_ents, "group_two", at(9), with_companion=True)
    # No vehicle of the provider serves region B.
    await book_refused(ErrorCode.REGION_NOT_SERVED, db, gw, taxi_ents, "person_b", at(9))
    # Another person's entitlement is not found.
    with pytest.raises(DomainError) as info:
        await run(db, transport.book_trip, gw.viewer("group_two"), listing_id=gw.taxi_listing.id,
                  entitlement_id=taxi_ents["eligible"].id, starts_at=at(9), pickup_address="a",
                  dropoff_address="b", idempotency_key=new_key())
    assert info.value.code == ErrorCode.NOT_FOUND
    # Without an accessible vehicle in service, a wheelchair trip cannot be booked.
    await run(db, transport.update_vehicle, gw.viewer("taxi"), gw.van.id, is_active=False)
    error = await book_refused(ErrorCode.REGION_NOT_SERVED, db, gw, taxi_ents, "eligible", at(9),
                          needs_wheelchair=True)
    assert "wheelchair-accessible" in error.message
    for role in ("officer_a", "taxi"):
        with pytest.raises(DomainError) as denied:
            await run(db, transport.book_trip, gw.viewer(role), listing_id=gw.taxi_listing.id,
                      entitlement_id=taxi_ents["eligible"].id, starts_at=at(9), pickup_address="a",
                      dropoff_address="b", idempotency_key=new_key())
        assert denied.value.code == ErrorCode.FORBIDDEN


async def test_vehicles_and_their_service_area(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    taxi = gw.viewer("taxi")
    car = await run(db, transport.add_vehicle, taxi, plate_number="777 abc 02", model="Kia Carnival",
                    service_region_ids=[gw.region_a.id], wheelchair_accessible=True, seats=4)
    assert car.plate_number == "777ABC02" and car.service_region_ids == [gw.region_a.id]
    await refused(db, ErrorCode.DUPLICATE, transport.add_vehicle, taxi, plate_number="777ABC02", model="x",
                  service_region_ids=[gw.region_a.id])
    await refused(db, ErrorCode.INVALID, transport.add_vehicle, taxi, plate_number="№1", model="x",
                  service_region_ids=[gw.region_a.id])
    await refused(db, ErrorCode.REGION_NOT_SERVED, transport.add_vehicle, taxi, plate_number="778ABC02", model="x",
                  service_region_ids=[gw.region_b.id])
    await refused(db, ErrorCode.REQUIRED, transport.add_vehicle, taxi, plate_number="779ABC02", model="x",
                  service_region_ids=[])
    await refused(db, ErrorCode.FORBIDDEN, transport.add_vehicle, gw.viewer("eligible"), plate_number="779ABC02",
                  model="x", service_region_ids=[gw.region_a.id])
    await refused(db, ErrorCode.NOT_FOUND, transport.update_vehicle, gw.viewer("provider"), car.id, seats=2)
    # A vehicle a confirmed trip relies on keeps what the trip needs.
    trip = await book(db, gw, taxi_ents, "eligible", at(9), needs_wheelchair=True)
    await run(db, transport.confirm_trip, taxi, trip.id, car.id)
    error = await refused(db, ErrorCode.INVALID_TRANSITION, transport.update_vehicle, taxi, car.id,
                          wheelchair_accessible=False)
    assert f"№{trip.id}" in error.message
    await refused(db, ErrorCode.INVALID_TRANSITION, transport.update_vehicle, taxi, car.id, is_active=False)
    updated = await run(db, transport.update_vehicle, taxi, car.id, model="Kia Carnival 2025", seats=6)
    assert updated.seats == 6
    mine = await run(db, transport.list_vehicles, taxi)
    assert {v.id for v in mine} == {gw.van.id, gw.sedan.id, car.id}
    assert {v.id for v in await run(db, transport.list_vehicles, gw.viewer("officer_a"))} == {gw.van.id, gw.sedan.id,
                                                                                             car.id}
    assert await run(db, transport.list_vehicles, gw.viewer("officer_b")) == []
    assert await run(db, transport.list_vehicles, gw.viewer("provider")) == []


async def test_who_sees_which_trips(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    mine = await book(db, gw, taxi_ents, "eligible", at(9))
    theirs = await book(db, gw, taxi_ents, "group_two", at(8))
    assert [t.id for t in await run(db, transport.list_trips, gw.viewer("eligible"))] == [mine.id]
    assert [t.id for t in await run(db, transport.list_trips, gw.viewer("taxi"))] == [theirs.id, mine.id]
    assert [t.id for t in await run(db, transport.list_trips, gw.viewer("officer_a"))] == [theirs.id, mine.id]
    assert await run(db, transport.list_trips, gw.viewer("officer_b")) == []
    assert await run(db, transport.list_trips, gw.viewer("provider")) == []
    page = await run(db, transport.list_trips, gw.viewer("taxi"), first=1)
    rest = await run(db, transport.list_trips, gw.viewer("taxi"), after=transport.trip_cursor(page[0]))
    assert [t.id for t in rest] == [mine.id]
    await refused(db, ErrorCode.NOT_FOUND, transport.get_trip, gw.viewer("group_two"), mine.id)
    await refused(db, ErrorCode.NOT_FOUND, transport.get_trip, gw.viewer("officer_b"), mine.id)
    assert (await run(db, transport.get_trip, gw.viewer("officer_a"), mine.id)).id == mine.id
