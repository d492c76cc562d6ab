"""One receipt file (the same bytes) backs one claim, whoever uploads it; a partial approval says why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.claims import services as cs
from marketplace.claims.models import ClaimStatus, CompensationClaim, Receipt
from marketplace.errors import DomainError, ErrorCode
from marketplace.records.models import Entitlement
from marketplace.db import run_in_transaction
from schema.core.ids import to_global_id
from tests.claims.conftest import PDF, make_order, make_receipt
from tests.factories import race, run
from tests.notifications.inbox import notes


def self_claim(world, side: str, receipt_id: int, key: str) -> dict:  # type: ignore[type-arg]
    return dict(person_id=getattr(world, f"recipient_{side}").id, entitlement_id=getattr(world, f"entitlement_{side}").id,
                quantity=Decimal(1), amount_paid=Decimal("200000.00"), receipt_id=receipt_id, idempotency_key=key)


async def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def test_the_same_file_uploaded_again_is_the_first_receipt(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        first = await make_receipt(s, world, claim_settings)
    async with db.transaction() as s:
        again = await make_receipt(s, world, claim_settings)
    assert again.id == first.id and await _count(db, Receipt) == 1
    assert len(list(claim_settings.receipts_dir.iterdir())) == 1  # no second file on disk


async def test_the_same_bytes_cannot_back_a_second_claim_of_anyone(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        mine = await make_receipt(s, world, claim_settings, side="a")
        theirs = await make_receipt(s, world, claim_settings, side="b")  # the same bytes, another person
    assert mine.id != theirs.id
    claim = await run(db, cs.submit_self_purchase_claim, world.viewer("recipient_a"), **self_claim(world, "a", mine.id, "k-a"))
    assert claim.receipt_sha256 == mine.sha256
    with pytest.raises(DomainError) as info:
        await run(db, cs.submit_self_purchase_claim, world.viewer("recipient_b"), **self_claim(world, "b", theirs.id, "k-b"))
    assert info.value.code == ErrorCode.DUPLICATE and info.value.field == "receiptId"
    async with db.session() as s:
        assert (await s.get(Entitlement, world.entitlement_b.id)).reserved == 0
    assert await _count(db, CompensationClaim) == 1


async def test_racing_claims_on_the_same_bytes_one_wins(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        mine = await make_receipt(s, world, claim_settings, side="a", data=PDF + b"%race")
        theirs = await make_receipt(s, world, claim_settings, side="b", data=PDF + b"%race")

    won, lost = await race(*[run_in_transaction(db, cs.submit_self_purchase_claim, world.viewer(f"recipient_{side}"),
                                                **self_claim(world, side, receipt.id, f"race-{side}"))
                             for side, receipt in (("a", mine), ("b", theirs))])
    assert len(won) == 1 and len(lost) == 1 and lost[0].code == ErrorCode.DUPLICATE, (won, lost)
    assert isinstance(won[0], CompensationClaim)
    async with db.session() as s:
        reserved = [(await s.get(Entitlement, e.id)).reserved for e in (world.entitlement_a, world.entitlement_b)]
    assert sorted(reserved) == [Decimal("0.00"), Decimal("1.00")]


async def test_the_database_refuses_two_claims_with_the_same_bytes(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        mine = await make_receipt(s, world, claim_settings, side="a")
        theirs = await make_receipt(s, world, claim_settings, side="b")
    await run(db, cs.submit_self_purchase_claim, world.viewer("recipient_a"), **self_claim(world, "a", mine.id, "k-1"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            first = (await s.execute(select(CompensationClaim))).scalar_one()
            s.add(CompensationClaim(
                kind=first.kind, person_id=world.recipient_b.id, region_id=world.region_b.id,
                classifier_item_id=first.classifier_item_id, receipt_id=theirs.id, receipt_sha256=theirs.sha256,
                submitted_by_account_id=world.recipient_b_account.id, quantity=Decimal(1),
                amount_claimed=Decimal(1), amount_approvable=Decimal(1), due_date=first.due_date))
            await s.flush()


@pytest.fixture
async def provider_claim(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)  # state share 200,000.00
        return await cs.submit_provider_claim(s, world.viewer("provider_a"), order_id=order.id, idempotency_key="p")


async def test_a_partial_approval_needs_a_reason_the_provider_reads(db, world, provider_claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    for reason, code in ((None, ErrorCode.REQUIRED), ("  ", ErrorCode.REQUIRED), ("x" * 1001, ErrorCode.TOO_LONG)):
        with pytest.raises(DomainError) as info:
            await run(db, cs.approve_claim, officer, provider_claim.id, Decimal("150000.00"), reason)
        assert info.value.code == code and info.value.field == "reason"
    async with db.session() as s:
        assert (await s.get(CompensationClaim, provider_claim.id)).status == ClaimStatus.SUBMITTED
    why = "Двое суток из заявленных не подтверждены актом."
    approved = await run(db, cs.approve_claim, officer, provider_claim.id, Decimal("150000.00"), why)
    assert approved.status == ClaimStatus.APPROVED and approved.reduction_reason == why
    [note] = [n for n in await notes(db, world.provider_a_account.id) if n.kind.startswith("claim.approved")]
    assert note.kind == "claim.approved.partly" and why in note.body and "150" in note.body


async def test_a_full_approval_takes_no_reason(db, world, provider_claim):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        await run(db, cs.approve_claim, world.viewer("officer_a"), provider_claim.id, None, "Всё верно.")
    assert info.value.code == ErrorCode.INVALID and info.value.field == "reason"
    approved = await run(db, cs.approve_claim, world.viewer("officer_a"), provider_claim.id)
    assert approved.reduction_reason is None
    assert "claim.approved" in [n.kind for n in await notes(db, world.provider_a_account.id)]


async def test_when_the_cap_holds_the_amount_back_the_cap_is_the_reason(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        receipt = await make_receipt(s, world, claim_settings)
    claim = await run(db, cs.submit_self_purchase_claim, world.viewer("recipient_a"),
                       **{**self_claim(world, "a", receipt.id, "cap"), "amount_paid": Decimal("300000.00")})
    approved = await run(db, cs.approve_claim, world.viewer("officer_a"), claim.id)
    assert approved.amount_approved == Decimal("250000.00") and "guaranteed price" in approved.reduction_reason
    [note] = [n for n in await notes(db, world.recipient_a_account.id) if n.kind.startswith("claim.approved")]
    assert note.kind == "claim.approved.partly"


APPROVE = """mutation($id: ID!, $amount: Decimal, $reason: String) {
  approveClaim(claimId: $id, amount: $amount, reason: $reason) {
    claim { status amountApproved reductionReason } errors { field code message } } }"""
SUBMIT = """mutation($input: SubmitClaimInput!) { submitClaim(input: $input) { claim { id } errors { field code } } }"""


async def test_over_http(api, db, world, provider_claim):  # type: ignore[no-untyped-def]
    officer = await api.login(world.officer_a_account.username)
    claim_id = to_global_id("CompensationClaim", provider_claim.id)
    missing = (await api.data(APPROVE, {"id": claim_id, "amount": "100000"}, token=officer))["approveClaim"]
    assert missing["claim"] is None and [(e["field"], e["code"]) for e in missing["errors"]] == [("reason", "REQUIRED")]
    ok = (await api.data(APPROVE, {"id": claim_id, "amount": "100000", "reason": "Half was not delivered."},
                         token=officer))["approveClaim"]
    assert ok["errors"] == [] and ok["claim"] == {"status": "APPROVED", "amountApproved": "100000.00",
                                                  "reductionReason": "Half was not delivered."}

    # The same file: the first receipt again; claimed by another person: DUPLICATE.
    pdf = b"%PDF-1.4\n% one receipt\n" + b"y" * 100
    tokens = {side: await api.login(getattr(world, f"recipient_{side}_account").username) for side in "ab"}
    ids = {}
    for side in ("a", "a", "b"):
        person = to_global_id("Person", getattr(world, f"recipient_{side}").id)
        upload = await api.http.post("/receipts", data={"personId": person},
                                     files={"file": ("r.pdf", pdf, "application/pdf")},
                                     headers={"authorization": f"Bearer {tokens[side]}"})
        assert upload.status_code in (200, 201), upload.text
        ids.setdefault(side, set()).add(upload.json()["id"])
    assert len(ids["a"]) == 1

    def submit(side: str) -> dict:  # type: ignore[type-arg]
        return {"input": {"claimFor": "SELF_PURCHASE", "personId": to_global_id("Person", getattr(world, f"recipient_{side}").id),
                          "entitlementId": to_global_id("Entitlement", getattr(world, f"entitlement_{side}").id),
                          "quantity": "1", "amountPaid": "1000", "receiptId": next(iter(ids[side])),
                          "idempotencyKey": f"http-{side}"}}

    assert (await api.data(SUBMIT, submit("a"), token=tokens["a"]))["submitClaim"]["errors"] == []
    dup = (await api.data(SUBMIT, submit("b"), token=tokens["b"]))["submitClaim"]
    assert dup["claim"] is None and dup["errors"] == [{"field": "input.receiptId", "code": "DUPLICATE"}]
