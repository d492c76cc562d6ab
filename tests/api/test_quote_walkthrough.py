"""The README's quote and sign-up walkthrough as a test: with the demo data and logins, over HTTP.
A bionic hand (no price cap) is asked for, quoted and revised, approved by the Astana officer at
the revision read, and ordered at the approved price; a workshop signs up, waits in the admin's
queue beside the demo's pending one, and is verified."""

from __future__ import annotations

from marketplace.demo.seed import DEMO_PASSWORD, PENDING_PROVIDER_NAME, seed_demo

ERR = "errors { field code message }"


async def test_the_readme_quote_and_sign_up(db, api) -> None:  # type: ignore[no-untyped-def]
    await seed_demo(db, recipients=20, listings=60, providers=8)
    recipient, provider, officer, admin = [await api.login(u, DEMO_PASSWORD)
                                           for u in ("recipient", "provider", "officer", "admin")]
    supplier = (await api.data("{ me { provider { id } } }", token=provider))["me"]["provider"]["id"]

    # 1. Aigerim asks the demo supplier for a price for the bionic hand in her IRP.
    hits = (await api.data("""query($p:ID!){ searchListings(query:"bionic", filter:{providerId:$p,
        classifierCodes:["TSR-02-007"]}) { edges { node { listing { id } coverage { reason } } } } }""",
                           {"p": supplier}, token=recipient))["searchListings"]["edges"]
    assert hits and hits[0]["node"]["coverage"]["reason"] == "NEEDS_QUOTE"
    hand = hits[0]["node"]["listing"]["id"]
    lines = (await api.data("{ myEntitlements { id classifierItem { code } } }", token=recipient))["myEntitlements"]
    line = next(e["id"] for e in lines if e["classifierItem"]["code"] == "TSR-02-007")
    asked = (await api.data(f"""mutation($l:ID!,$e:ID!){{ requestQuote(listingId:$l, entitlementId:$e,
        note:"Left hand; measurements at home, please") {{ quote {{ id status dueDate }} {ERR} }} }}""",
                            {"l": hand, "e": line}, token=recipient))["requestQuote"]
    assert asked["errors"] == [] and asked["quote"]["status"] == "REQUESTED"
    quote = asked["quote"]["id"]

    # 2. The supplier quotes, then revises once.
    requests = (await api.data("{ quotes(status: REQUESTED, first: 5) { edges { node { id note recipient { fullName } } } } }",
                               token=provider))["quotes"]["edges"]
    assert [e["node"]["id"] for e in requests] == [quote]
    submit = f"""mutation($q:ID!,$p:Decimal!){{ submitQuote(quoteId:$q, unitPrice:$p, leadTimeDays:45,
        specification:"Modular myoelectric hand, 6 grips, fitting included") {{
        quote {{ status revision unitPrice dueDate }} {ERR} }} }}"""
    for price, revision in (("4500000", 1), ("4350000", 2)):
        got = (await api.data(submit, {"q": quote, "p": price}, token=provider))["submitQuote"]
        assert got["errors"] == [] and got["quote"]["revision"] == revision

    # 3. The Astana officer's queue, then the approval of the revision read.
    queue = (await api.data("{ quotes(status: QUOTED, first: 5) { edges { node { id revision stateShare dueDate isOverdue } } } }",
                            token=officer))["quotes"]["edges"]
    assert [(e["node"]["id"], e["node"]["revision"], e["node"]["isOverdue"]) for e in queue] == [(quote, 2, False)]
    approved = (await api.data(f"""mutation($q:ID!){{ approveQuote(quoteId:$q, revision:2) {{
        quote {{ status approvedUnitPrice stateShare coPayment }} {ERR} }} }}""", {"q": quote}, token=officer))["approveQuote"]
    assert approved == {"quote": {"status": "APPROVED", "approvedUnitPrice": "4350000.00", "stateShare": "4350000.00",
                                  "coPayment": "0.00"}, "errors": []}

    # 4. Ordered at the approved price; the balance is reserved; the notices arrived.
    placed = (await api.data(f"""mutation($q:ID!){{ placeOrder(quoteId:$q, idempotencyKey:"walkthrough-hand-1") {{
        order {{ id status unitPrice stateShare coPayment }} {ERR} }} }}""", {"q": quote}, token=recipient))["placeOrder"]
    assert placed["errors"] == []
    assert {k: placed["order"][k] for k in ("status", "unitPrice", "stateShare", "coPayment")} == {
        "status": "PLACED", "unitPrice": "4350000.00", "stateShare": "4350000.00", "coPayment": "0.00"}
    left = (await api.data("{ myEntitlements { id reserved } }", token=recipient))["myEntitlements"]
    assert next(e["reserved"] for e in left if e["id"] == line) == "1.00"
    kinds = (await api.data("{ notifications(first: 10) { edges { node { kind } } } }", token=recipient))
    assert {"quote.submitted.person", "quote.approved.person"} <= {e["node"]["kind"]
                                                                  for e in kinds["notifications"]["edges"]}

    # 5. A workshop signs up without a token; 6. the admin's queue, and verification.
    regions = (await api.data("{ regions { id code } }"))["regions"]
    astana = next(r["id"] for r in regions if r["code"] == "ASTANA")
    signed = (await api.data(f"""mutation($i:RegisterProviderInput!){{ registerProvider(input:$i) {{
        provider {{ id bin verificationStatus phone serviceKinds }} {ERR} }} }}""", {"i": {
        "bin": "190340007778", "nameRu": "ТОО Протез-Мастер", "nameKk": "Протез-Мастер ЖШС", "phone": "8 701 555 00 11",
        "email": "info@protez-master.kz", "regionIds": [astana], "serviceKinds": ["PROSTHETICS"],
        "username": "protez-master", "password": "protez-master-2026"}}))["registerProvider"]
    assert signed["errors"] == []
    new = signed["provider"]
    assert (new["verificationStatus"], new["phone"]) == ("PENDING", "+77015550011")
    pending = (await api.data("{ providers(verificationStatus: PENDING, first: 10) { edges { node { id name } } } }",
                              token=admin))["providers"]["edges"]
    assert {e["node"]["name"] for e in pending} >= {PENDING_PROVIDER_NAME, "ТОО Протез-Мастер"}
    verified = (await api.data("""mutation($p:ID!){ verifyProvider(providerId:$p, status: VERIFIED) {
        provider { verificationStatus } errors { code } } }""", {"p": new["id"]}, token=admin))["verifyProvider"]
    assert verified == {"provider": {"verificationStatus": "VERIFIED"}, "errors": []}
    workshop = await api.login("protez-master", "protez-master-2026")
    told = (await api.data("{ notifications(first: 5) { edges { node { kind } } } }", token=workshop))
    assert [e["node"]["kind"] for e in told["notifications"]["edges"]] == ["provider.verified"]
