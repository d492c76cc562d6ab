"""The whole money path over HTTP: order → accept → deliver → confirm → claim → approve → paid,
and a recipient's self-purchase claim with a receipt file."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from schema.core.ids import to_global_id

ERR = "errors { field code message }"
PLACE = f"""mutation($l: ID!, $e: ID!, $q: Decimal!, $k: String!) {{
  placeOrder(listingId: $l, entitlementId: $e, quantity: $q, idempotencyKey: $k) {{
    order {{ id status stateShare coPayment total }} {ERR} }} }}"""
STEP = "mutation($id: ID!) {{ {name}(orderId: $id) {{ order {{ id status }} errors {{ field code message }} }} }}"
SUBMIT = f"""mutation($input: SubmitClaimInput!) {{ submitClaim(input: $input) {{
  claim {{ id status amountClaimed amountApprovable dueDate isOverdue }} {ERR} }} }}"""
APPROVE = f"mutation($id: ID!) {{ approveClaim(claimId: $id) {{ claim {{ status amountApproved }} {ERR} }} }}"
PAY = f"""mutation($id: ID!, $k: String!) {{ markClaimPaid(claimId: $id, idempotencyKey: $k, paymentReference: "PAY-1") {{
  claim {{ status paidAt paymentReference }} {ERR} }} }}"""
BALANCE = "{ myEntitlements { id quantity reserved consumed balance } }"
AUDIT = "query($id: ID!) { auditTrail(subjectId: $id) { action actorUsername } }"


async def test_order_to_payment_over_http(api, world):  # type: ignore[no-untyped-def]
    recipient, provider, officer, other_officer = await api.logins(
        world, "recipient_a", "provider_a", "officer_a", "officer_b")

    variables = {"l": to_global_id("Listing", world.listing_a.id), "e": to_global_id("Entitlement", world.entitlement_a.id),
                 "q": "1", "k": "order-1"}
    placed = (await api.data(PLACE, variables, token=recipient))["placeOrder"]
    assert placed["errors"] == []
    order = placed["order"]
    assert order["status"] == "PLACED" and order["stateShare"] == "200000.00" and order["coPayment"] == "0.00"
    again = (await api.data(PLACE, variables, token=recipient))["placeOrder"]
    assert again["order"]["id"] == order["id"]  # same key, same order
    balance = (await api.data(BALANCE, token=recipient))["myEntitlements"][0]
    assert balance["reserved"] == "1.00" and balance["balance"] == "1.00"

    # Only the right role moves each step.
    wrong = (await api.data(STEP.format(name="acceptOrder"), {"id": order["id"]}, token=recipient))["acceptOrder"]
    assert wrong["errors"][0]["code"] in {"FORBIDDEN", "NOT_FOUND"}
    for name, token in [("acceptOrder", provider), ("markDelivered", provider), ("confirmReceipt", recipient)]:
        step = (await api.data(STEP.format(name=name), {"id": order["id"]}, token=token))[name]
        assert step["errors"] == [], (name, step)
    balance = (await api.data(BALANCE, token=recipient))["myEntitlements"][0]
    assert balance["reserved"] == "0.00" and balance["consumed"] == "1.00"

    claim_input = {"input": {"claimFor": "ORDER", "orderId": order["id"], "idempotencyKey": "claim-1"}}
    submitted = (await api.data(SUBMIT, claim_input, token=provider))["submitClaim"]
    assert submitted["errors"] == []
    claim = submitted["claim"]
    assert claim["status"] == "SUBMITTED" and claim["amountClaimed"] == "200000.00" and not claim["isOverdue"]

    refused = (await api.data(APPROVE, {"id": claim["id"]}, token=other_officer))["approveClaim"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    refused = (await api.data(APPROVE, {"id": claim["id"]}, token=provider))["approveClaim"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    approved = (await api.data(APPROVE, {"id": claim["id"]}, token=officer))["approveClaim"]
    assert approved["claim"] == {"status": "APPROVED", "amountApproved": "200000.00"}
    twice = (await api.data(APPROVE, {"id": claim["id"]}, token=officer))["approveClaim"]
    assert twice["errors"][0]["code"] == "ALREADY_DECIDED"
    paid = (await api.data(PAY, {"id": claim["id"], "k": "pay-1"}, token=officer))["markClaimPaid"]
    assert paid["claim"]["status"] == "PAID" and paid["claim"]["paymentReference"] == "PAY-1"
    paid_again = (await api.data(PAY, {"id": claim["id"], "k": "pay-1"}, token=officer))["markClaimPaid"]
    assert paid_again["claim"]["status"] == "PAID"  # the same key answers the same, pays nothing more

    trail = (await api.data(AUDIT, {"id": order["id"]}, token=recipient))["auditTrail"]
    actions = [e["action"] for e in trail]
    assert actions[0] == "order.placed" and "order.confirmed" in actions
    assert {e["actorUsername"] for e in trail} >= {world.recipient_a_account.username, world.provider_a_account.username}
    hidden = await api.execute(AUDIT, {"id": order["id"]}, token=other_officer)
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    claim_trail = (await api.data(AUDIT, {"id": claim["id"]}, token=officer))["auditTrail"]
    assert [e["action"] for e in claim_trail] == ["claim.submitted", "claim.approved", "claim.paid"]

    queue = (await api.data("{ claims(first: 10) { totalCount edges { node { id status } } } }", token=officer))
    assert [e["node"]["id"] for e in queue["claims"]["edges"]] == [claim["id"]]
    assert (await api.data("{ claims { edges { node { id } } } }", token=other_officer))["claims"]["edges"] == []


async def test_self_purchase_receipt_is_private(api, world, db):  # type: ignore[no-untyped-def]
    recipient, other, officer, other_officer = await api.logins(
        world, "recipient_a", "recipient_b", "officer_a", "officer_b")
    pdf = b"%PDF-1.4\n% a receipt\n" + b"x" * 200
    person = to_global_id("Person", world.recipient_a.id)

    denied = await api.http.post("/receipts", data={"personId": person}, files={"file": ("r.pdf", pdf, "application/pdf")})
    assert denied.status_code == 401
    spoofed = await api.http.post(
        "/receipts", data={"personId": person}, files={"file": ("r.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        headers={"authorization": f"Bearer {recipient}"},
    )
    assert spoofed.status_code == 400 and spoofed.json()["errors"][0]["code"] == "FILE_REJECTED"
    upload = await api.http.post(
        "/receipts", data={"personId": person}, files={"file": ("r.pdf", pdf, "application/pdf")},
        headers={"authorization": f"Bearer {recipient}"},
    )
    assert upload.status_code == 201, upload.text
    receipt_id = upload.json()["id"]

    for token, status in [(recipient, 200), (officer, 200), (other, 404), (other_officer, 404)]:
        got = await api.http.get(f"/receipts/{receipt_id}", headers={"authorization": f"Bearer {token}"})
        assert got.status_code == status
        if status == 200:
            assert got.content == pdf and got.headers["content-type"] == "application/pdf"
            assert got.headers["x-content-type-options"] == "nosniff"

    claim = (await api.data(SUBMIT, {"input": {
        "claimFor": "SELF_PURCHASE", "personId": person,
        "entitlementId": to_global_id("Entitlement", world.entitlement_a.id), "quantity": "1",
        "amountPaid": "300000", "receiptId": receipt_id, "idempotencyKey": "self-1"}}, token=recipient))["submitClaim"]
    assert claim["errors"] == []
    # approvable = min(paid, cap): the cap is 250,000.
    assert claim["claim"]["amountClaimed"] == "300000.00" and claim["claim"]["amountApprovable"] == "250000.00"
    async with db.session() as s:
        actions = set((await s.execute(select(AuditEvent.action))).scalars())
    assert {"claim.submitted", "receipt.uploaded"} <= actions
