"""The README walkthrough as a test: with the demo data and demo logins, over HTTP,
search → order → accept → deliver → confirm → claim → approve → paid."""

from __future__ import annotations

from marketplace.demo.seed import DEMO_PASSWORD, seed_demo


async def test_demo_accounts_walk_the_whole_money_path(db, api) -> None:  # type: ignore[no-untyped-def]
    await seed_demo(db, recipients=20, listings=60, providers=8)
    recipient = await api.login("recipient", DEMO_PASSWORD)
    provider = await api.login("provider", DEMO_PASSWORD)
    officer = await api.login("officer", DEMO_PASSWORD)

    supplier = (await api.data("{ me { provider { id } } }", token=provider))["me"]["provider"]["id"]
    hits = (await api.data(
        """query($p: ID!) { searchListings(query: "wheelchair", filter: {providerId: $p, classifierCodes: ["TSR-01-001"]}, sort: PRICE_ASC) {
             edges { node { listing { id } coverage { covered entitlementId statePays youPay } } } } }""",
        {"p": supplier}, token=recipient))["searchListings"]["edges"]
    assert hits, "the demo supplier offers the recipient's wheelchair"
    hit = hits[0]["node"]
    assert hit["coverage"]["covered"] and hit["coverage"]["youPay"] == "0.00"

    placed = (await api.data(
        """mutation($l: ID!, $e: ID!) { placeOrder(listingId: $l, entitlementId: $e, quantity: "1", idempotencyKey: "w-1") {
             order { id status stateShare } errors { code message } } }""",
        {"l": hit["listing"]["id"], "e": hit["coverage"]["entitlementId"]}, token=recipient))["placeOrder"]
    assert placed["errors"] == [] and placed["order"]["stateShare"] == hit["coverage"]["statePays"]
    order = placed["order"]["id"]
    step = "mutation($o: ID!) {{ {0}(orderId: $o) {{ order {{ status }} errors {{ code }} }} }}"
    for name, token, status in [("acceptOrder", provider, "ACCEPTED"), ("markDelivered", provider, "DELIVERED"),
                                ("confirmReceipt", recipient, "CONFIRMED")]:
        result = (await api.data(step.format(name), {"o": order}, token=token))[name]
        assert result == {"order": {"status": status}, "errors": []}, name

    claim = (await api.data(
        """mutation($o: ID!) { submitClaim(input: {claimFor: ORDER, orderId: $o, idempotencyKey: "w-claim"}) {
             claim { id status amountClaimed } errors { code } } }""", {"o": order}, token=provider))["submitClaim"]
    assert claim["claim"]["amountClaimed"] == hit["coverage"]["statePays"]
    approved = (await api.data(
        'mutation($c: ID!) { approveClaim(claimId: $c) { claim { status } errors { code } } }',
        {"c": claim["claim"]["id"]}, token=officer))["approveClaim"]
    assert approved == {"claim": {"status": "APPROVED"}, "errors": []}
    paid = (await api.data(
        'mutation($c: ID!) { markClaimPaid(claimId: $c, idempotencyKey: "w-pay") { claim { status } errors { code } } }',
        {"c": claim["claim"]["id"]}, token=officer))["markClaimPaid"]
    assert paid == {"claim": {"status": "PAID"}, "errors": []}

    left = (await api.data("{ myEntitlements { id balance consumed } }", token=recipient))["myEntitlements"]
    used = next(e for e in left if e["id"] == hit["coverage"]["entitlementId"])
    assert used["consumed"] == "1.00" and used["balance"] == "0.00"


async def test_demo_accounts_book_an_invataxi_trip_to_a_paid_claim(db, api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The README's trip: search, book (a second ride at the same hour refused: one person, one trip
    at a time), the ride back on the accessible vehicle at another time proposed and accepted, the
    ride, the recipient's confirmation, the provider's claim, approved."""
    import datetime as dt

    from marketplace import clock

    await seed_demo(db, recipients=20, listings=60, providers=8)
    recipient = await api.login("recipient", DEMO_PASSWORD)
    taxi = await api.login("invataxi", DEMO_PASSWORD)
    officer = await api.login("officer", DEMO_PASSWORD)

    hits = (await api.data(
        """{ searchListings(query: "invataxi", filter: {classifierCodes: ["TSR-11-001"]}) {
             edges { node { listing { id provider { name } } coverage { covered entitlementId statePays youPay } } } } }""",
        token=recipient))["searchListings"]["edges"]
    hit = next(h["node"] for h in hits if h["node"]["listing"]["provider"]["name"] == 'ТОО "Инватакси Астана"')
    assert hit["coverage"]["covered"] and hit["coverage"]["youPay"] == "0.00"

    pickup = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    book = """mutation($i: BookTripInput!) { bookTrip(input: $i) { trip { id status startsAt } errors { code message } } }"""

    async def booking(key: str, starts_at: dt.datetime) -> dict:  # type: ignore[type-arg]
        return (await api.data(book, {"i": {
            "listingId": hit["listing"]["id"], "entitlementId": hit["coverage"]["entitlementId"],
            "startsAt": starts_at.isoformat(), "pickupAddress": "Астана, пр. Мәңгілік Ел, 25",
            "dropoffAddress": "Астана, ул. Сыганак, 2 (поликлиника)", "needsWheelchair": True,
            "withCompanion": True, "idempotencyKey": key}}, token=recipient))["bookTrip"]

    first = (await booking("w-trip-1", pickup))["trip"]
    assert first["status"] == "REQUESTED"
    # One person, one trip at a time: a second ride at the same time is refused.
    same_time = await booking("w-trip-2", pickup)
    assert same_time["trip"] is None and [e["code"] for e in same_time["errors"]] == ["OVERLAPPING_HOURS"]
    back = await booking("w-trip-3", pickup + dt.timedelta(hours=2))
    assert back["errors"] == [] and back["trip"]["status"] == "REQUESTED", back
    second = back["trip"]
    fleet = (await api.data("{ vehicles(first: 5) { edges { node { id wheelchairAccessible } } } }",
                            token=taxi))["vehicles"]["edges"]
    ramp = next(e["node"]["id"] for e in fleet if e["node"]["wheelchairAccessible"])
    other = next(e["node"]["id"] for e in fleet if not e["node"]["wheelchairAccessible"])
    confirm = """mutation($t: ID!, $v: ID!) { confirmTrip(tripId: $t, vehicleId: $v) { trip { status } errors { code } } }"""
    assert (await api.data(confirm, {"t": first["id"], "v": ramp}, token=taxi))["confirmTrip"] == {
        "trip": {"status": "CONFIRMED"}, "errors": []}
    no_ramp = (await api.data(confirm, {"t": second["id"], "v": other}, token=taxi))["confirmTrip"]
    assert no_ramp["trip"] is None and [e["code"] for e in no_ramp["errors"]] == ["NOT_ELIGIBLE"]

    later = (pickup + dt.timedelta(hours=3)).isoformat()
    proposed = (await api.data(
        "mutation($t: ID!, $s: DateTime!) { proposeTripTime(tripId: $t, startsAt: $s) { trip { status } errors { code } } }",
        {"t": second["id"], "s": later}, token=taxi))["proposeTripTime"]
    assert proposed == {"trip": {"status": "RESCHEDULE_PROPOSED"}, "errors": []}
    accepted = (await api.data("mutation($t: ID!) { acceptTripProposal(tripId: $t) { trip { status startsAt } errors { code } } }",
                               {"t": second["id"]}, token=recipient))["acceptTripProposal"]
    assert accepted["errors"] == [] and accepted["trip"]["status"] == "REQUESTED"
    assert (await api.data(confirm, {"t": second["id"], "v": ramp}, token=taxi))["confirmTrip"]["errors"] == []

    # The ride takes place: the pickup time has come (the clock moved on instead of waiting).
    monkeypatch.setattr(clock, "now", lambda: pickup + dt.timedelta(minutes=70))
    done = (await api.data("mutation($t: ID!) { markTripDone(tripId: $t) { trip { awaitingConfirmation } errors { code } } }",
                           {"t": first["id"]}, token=taxi))["markTripDone"]
    assert done == {"trip": {"awaitingConfirmation": True}, "errors": []}
    completed = (await api.data("mutation($t: ID!) { completeTrip(tripId: $t) { trip { status order { id status } } errors { code } } }",
                                {"t": first["id"]}, token=recipient))["completeTrip"]
    assert completed["errors"] == [] and completed["trip"]["status"] == "COMPLETED"
    assert completed["trip"]["order"]["status"] == "CONFIRMED"

    claim = (await api.data(
        """mutation($o: ID!) { submitClaim(input: {claimFor: ORDER, orderId: $o, idempotencyKey: "w-trip-claim"}) {
             claim { id amountClaimed } errors { code } } }""", {"o": completed["trip"]["order"]["id"]},
        token=taxi))["submitClaim"]
    assert claim["errors"] == [] and claim["claim"]["amountClaimed"] == hit["coverage"]["statePays"]
    approved = (await api.data('mutation($c: ID!) { approveClaim(claimId: $c) { claim { status } errors { code } } }',
                               {"c": claim["claim"]["id"]}, token=officer))["approveClaim"]
    assert approved == {"claim": {"status": "APPROVED"}, "errors": []}
    kinds = (await api.data("{ notifications(first: 20) { edges { node { kind } } } }", token=recipient))["notifications"]
    assert {"trip.confirmed", "trip.time_proposed", "trip.done"} <= {e["node"]["kind"] for e in kinds["edges"]}
