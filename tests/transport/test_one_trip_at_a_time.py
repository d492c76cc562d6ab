"""One person is never on two trips at overlapping times, whichever vehicles, even when bookings race."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.errors import ErrorCode
from marketplace.orders.models import Order
from marketplace.records.models import Entitlement
from marketplace.transport import services as transport
from marketplace.transport.models import Trip, TripStatus
from schema.core.ids import to_global_id
from tests import factories as f
from tests.factories import GrantWorld, new_key, race, refused, run
from tests.transport.test_trips import at, book, book_refused, load


@pytest.fixture
async def taxi_ents(db, gw: GrantWorld) -> dict[str, Entitlement]:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        return {"eligible": await f.entitlement(s, gw.eligible, gw.taxi, quantity=10),
                "group_two": await f.entitlement(s, gw.group_two, gw.taxi, quantity=10)}


async def _trips_and_orders(db, person_id: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        trips = (await s.execute(select(func.count()).select_from(Trip).where(Trip.person_id == person_id))).scalar_one()
        orders = (await s.execute(select(func.count()).select_from(Order).where(Order.person_id == person_id))).scalar_one()
    return trips, orders


async def test_an_overlapping_booking_is_refused_and_reserves_nothing(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    first = await book(db, gw, taxi_ents, "eligible", at(10, 4))
    error = await book_refused(ErrorCode.OVERLAPPING_HOURS, db, gw, taxi_ents, "eligible", at(10.5, 4))
    assert error.field == "startsAt" and f"№{first.id}" in error.message
    assert await _trips_and_orders(db, gw.eligible.id) == (1, 1)
    assert (await load(db, Entitlement, taxi_ents["eligible"].id)).reserved == Decimal("1.00")
    # Back to back is fine; another person at the same time too; a cancelled trip frees its time.
    await book(db, gw, taxi_ents, "eligible", at(11, 4))
    await book(db, gw, taxi_ents, "group_two", at(10, 4))
    await run(db, transport.cancel_trip, gw.viewer("eligible"), first.id)
    await book(db, gw, taxi_ents, "eligible", at(10, 4))


async def test_a_proposed_time_that_overlaps_another_trip_cannot_be_accepted(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    one = await book(db, gw, taxi_ents, "eligible", at(9, 5))
    two = await book(db, gw, taxi_ents, "eligible", at(13, 5))
    await run(db, transport.propose_trip_time, gw.viewer("taxi"), two.id, at(9.5, 5))
    await refused(db, ErrorCode.OVERLAPPING_HOURS, transport.accept_trip_proposal, gw.viewer("eligible"), two.id)
    assert (await load(db, Trip, two.id)).status == TripStatus.RESCHEDULE_PROPOSED
    assert (await load(db, Trip, one.id)).starts_at == at(9, 5)


async def test_racing_bookings_of_one_person_never_both_hold(db, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    for round_ in range(3):
        day = 6 + round_

        won, lost = await race(*[book(db, gw, taxi_ents, "eligible", at(hours, day), idempotency_key=new_key("race"))
                                 for hours in (10, 10.5)])
        assert len(won) == 1 and len(lost) == 1 and isinstance(won[0], Trip), (won, lost)
        assert lost[0].code == ErrorCode.OVERLAPPING_HOURS
    assert await _trips_and_orders(db, gw.eligible.id) == (3, 3)
    assert (await load(db, Entitlement, taxi_ents["eligible"].id)).reserved == Decimal("3.00")


BOOK = """mutation($i: BookTripInput!) { bookTrip(input: $i) { trip { id } errors { field code message } } }"""


async def test_over_http_the_second_overlapping_trip_is_refused(api, gw: GrantWorld, taxi_ents) -> None:  # type: ignore[no-untyped-def]
    token = await api.login(gw.accounts["eligible"].username)

    def trip(hours: float, key: str) -> dict:  # type: ignore[type-arg]
        return {"i": {"listingId": to_global_id("Listing", gw.taxi_listing.id),
                      "entitlementId": to_global_id("Entitlement", taxi_ents["eligible"].id),
                      "startsAt": at(hours, 9).isoformat(), "pickupAddress": "Абай 10", "dropoffAddress": "Емхана",
                      "idempotencyKey": key}}

    first = (await api.data(BOOK, trip(10, "t-1"), token=token))["bookTrip"]
    assert first["errors"] == []
    second = (await api.data(BOOK, trip(10.25, "t-2"), token=token))["bookTrip"]
    assert second["trip"] is None
    assert [(e["field"], e["code"]) for e in second["errors"]] == [("input.startsAt", "OVERLAPPING_HOURS")]
