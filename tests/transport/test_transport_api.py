"""Invataxi over HTTP: a provider lists a vehicle, a recipient books, the provider confirms,
the trip is done and confirmed, and the provider can claim it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from marketplace.transport.models import Trip
from schema.core.ids import to_global_id
from tests import factories as f
from tests.factories import GrantWorld

ERR = "errors { field code message }"
ADD = f"""mutation($i: AddVehicleInput!) {{ addVehicle(input: $i) {{
  vehicle {{ id plateNumber wheelchairAccessible seats serviceRegions {{ code }} provider {{ name }} }} {ERR} }} }}"""
BOOK = f"""mutation($i: BookTripInput!) {{ bookTrip(input: $i) {{
  trip {{ id status startsAt endsAt needsWheelchair withCompanion order {{ id status stateShare }} }} {ERR} }} }}"""
CONFIRM = f"""mutation($t: ID!, $v: ID!) {{ confirmTrip(tripId: $t, vehicleId: $v) {{
  trip {{ id status vehicle {{ plateNumber }} }} {ERR} }} }}"""
STEP = "mutation($t: ID!) {{ {name}(tripId: $t) {{ trip {{ id status awaitingConfirmation }} {err} }} }}"
TRIPS = "{ trips(first: 10) { edges { node { id status recipient { fullName } vehicle { plateNumber } } } } }"
CLAIM = f"""mutation($o: ID!) {{ submitClaim(input: {{claimFor: ORDER, orderId: $o, idempotencyKey: "taxi-1"}}) {{
  claim {{ amountClaimed }} {ERR} }} }}"""


async def test_invataxi_over_http(api, db, gw: GrantWorld) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        ent = await f.entitlement(s, gw.eligible, gw.taxi, quantity=24)
    taxi = await api.login(gw.accounts["taxi"].username)
    recipient = await api.login(gw.accounts["eligible"].username)
    officer = await api.login(gw.accounts["officer_a"].username)

    added = (await api.data(ADD, {"i": {"plateNumber": "505 kz 02", "model": "Ford Transit", "seats": 3,
                                        "serviceRegionIds": [to_global_id("Region", gw.region_a.id)]}},
                            token=taxi))["addVehicle"]
    assert added["errors"] == [], added
    vehicle = added["vehicle"]
    assert vehicle["plateNumber"] == "505KZ02" and vehicle["wheelchairAccessible"] is True
    assert vehicle["serviceRegions"] == [{"code": gw.region_a.code}]
    refused = (await api.data(ADD, {"i": {"plateNumber": "506KZ02", "model": "x",
                                          "serviceRegionIds": [to_global_id("Region", gw.region_a.id)]}},
                              token=recipient))["addVehicle"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"

    pickup = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    booked = (await api.data(BOOK, {"i": {
        "listingId": to_global_id("Listing", gw.taxi_listing.id), "entitlementId": to_global_id("Entitlement", ent.id),
        "startsAt": pickup.isoformat(), "pickupAddress": "Абай даңғылы 10", "dropoffAddress": "Емхана №4",
        "needsWheelchair": True, "withCompanion": True, "durationMinutes": 45, "idempotencyKey": "ride-1"}},
        token=recipient))["bookTrip"]
    assert booked["errors"] == [], booked
    trip = booked["trip"]
    assert trip["status"] == "REQUESTED" and trip["order"]["status"] == "PLACED"
    assert trip["order"]["stateShare"] == "2500.00"
    assert dt.datetime.fromisoformat(trip["endsAt"]) - dt.datetime.fromisoformat(trip["startsAt"]) == dt.timedelta(minutes=45)

    confirmed = (await api.data(CONFIRM, {"t": trip["id"], "v": vehicle["id"]}, token=taxi))["confirmTrip"]
    assert confirmed["trip"]["status"] == "CONFIRMED" and confirmed["trip"]["vehicle"]["plateNumber"] == "505KZ02"
    listed = (await api.data(TRIPS, token=officer))["trips"]["edges"]
    assert [e["node"]["id"] for e in listed] == [trip["id"]]
    assert listed[0]["node"]["recipient"]["fullName"] == gw.eligible.full_name

    async with db.transaction() as s:  # the pickup time has come
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
        await s.execute(update(Trip).values(starts_at=past, ends_at=past + dt.timedelta(minutes=45)))
    done = (await api.data(STEP.format(name="markTripDone", err=ERR), {"t": trip["id"]}, token=taxi))["markTripDone"]
    assert done["trip"]["awaitingConfirmation"] is True
    completed = (await api.data(STEP.format(name="completeTrip", err=ERR), {"t": trip["id"]}, token=recipient))
    assert completed["completeTrip"]["trip"]["status"] == "COMPLETED"
    claim = (await api.data(CLAIM, {"o": trip["order"]["id"]}, token=taxi))["submitClaim"]
    assert claim["errors"] == [] and claim["claim"]["amountClaimed"] == "2500.00"
