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
        """query($p: ID!) { searchListings(query: "wheelchair", filter: {providerId: $p, classifierCodes: ["TSR-01-001"]}) {
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
