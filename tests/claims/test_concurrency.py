"""Racing decisions: a claim is approved once and paid once, however many calls race."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.audit.idempotency import ConcurrentDuplicate
from marketplace.claims import services as cs
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.errors import DomainError, ErrorCode
from marketplace.records.models import Entitlement
from marketplace.db import run_in_transaction
from tests.claims.conftest import PDF, audit_count, make_order, make_receipt
from tests.factories import attempt

N = 20


async def submissions(db, world, order, keys):  # type: ignore[no-untyped-def]
    """Provider A claims for ``order`` once for each idempotency key, all at once: each claim, or what was raised."""
    viewer = world.viewer("provider_a")
    return await asyncio.gather(
        *[run_in_transaction(db, cs.submit_provider_claim, viewer, order_id=order.id, idempotency_key=key)
          for key in keys],
        return_exceptions=True,
    )


async def _pay_when_approved(db, officer, claim_id, key):  # type: ignore[no-untyped-def]
    """A payer that races the approvers: until the claim is approved, paying is an invalid transition."""
    for _ in range(400):
        result = await attempt(db, cs.mark_claim_paid, officer, claim_id, idempotency_key=key)
        if not (isinstance(result, DomainError) and result.code == ErrorCode.INVALID_TRANSITION):
            return result
        await asyncio.sleep(0.01)
    return result


async def test_twenty_approvals_and_twenty_payments_race_paid_exactly_once(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        r = await make_receipt(s, world, claim_settings)
        claim = await cs.submit_self_purchase_claim(
            s, world.viewer("recipient_a"), person_id=world.recipient_a.id, entitlement_id=world.entitlement_a.id,
            quantity=Decimal(1), amount_paid=Decimal("180000.00"), receipt_id=r.id, idempotency_key="self",
        )
    assert claim.kind == ClaimKind.SELF_PURCHASE
    officer = world.viewer("officer_a")
    tasks = [attempt(db, cs.approve_claim, officer, claim.id) for _ in range(N)]
    tasks += [_pay_when_approved(db, officer, claim.id, f"pay-{i}") for i in range(N)]
    results = await asyncio.gather(*tasks)
    approvals, payments = results[:N], results[N:]

    assert sum(isinstance(x, CompensationClaim) for x in approvals) == 1
    assert {x.code for x in approvals if isinstance(x, DomainError)} == {ErrorCode.ALREADY_DECIDED}
    assert sum(isinstance(x, CompensationClaim) for x in payments) == 1
    assert {x.code for x in payments if isinstance(x, DomainError)} <= {ErrorCode.ALREADY_DECIDED}

    async with db.session() as s:
        final = await s.get(CompensationClaim, claim.id)
        ent = await s.get(Entitlement, world.entitlement_a.id)
    assert final.status == ClaimStatus.PAID and final.amount_approved == Decimal("180000.00")
    assert final.version == 3  # submitted, approved, paid: two UPDATEs took the row
    assert await audit_count(db, "claim.approved", claim.id) == 1
    assert await audit_count(db, "claim.paid", claim.id) == 1
    # the reservation was consumed once, not twice
    assert (ent.reserved, ent.consumed) == (Decimal("0.00"), Decimal("1.00"))
    assert await audit_count(db, "entitlement.consumed", world.entitlement_a.id) == 1


async def test_twenty_payments_with_one_key_give_one_result(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)
        claim = await cs.submit_provider_claim(s, world.viewer("provider_a"), order_id=order.id, idempotency_key="k")
        await cs.approve_claim(s, world.viewer("officer_a"), claim.id)
    officer = world.viewer("officer_a")
    results = await asyncio.gather(
        *[run_in_transaction(db, cs.mark_claim_paid, officer, claim.id, "PP-1", idempotency_key="same")
          for _ in range(N)],
        return_exceptions=True,
    )
    assert all(isinstance(x, CompensationClaim) and x.status == ClaimStatus.PAID for x in results), results
    assert {x.paid_at for x in results} == {results[0].paid_at}
    assert await audit_count(db, "claim.paid", claim.id) == 1


async def test_twenty_identical_submissions_make_one_claim(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)
    results = await submissions(db, world, order, ["once"] * N)
    assert all(isinstance(x, CompensationClaim) for x in results), results
    assert {x.id for x in results} == {results[0].id}
    async with db.session() as s:
        count = (await s.execute(select(func.count()).select_from(CompensationClaim))).scalar_one()
    assert count == 1
    assert await audit_count(db, "claim.submitted") == 1


async def test_concurrent_claims_with_different_keys_for_one_order_make_one_claim(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)
    results = await submissions(db, world, order, [f"k{i}" for i in range(N)])
    made = [x for x in results if isinstance(x, CompensationClaim)]
    assert len(made) == 1
    assert {x.code for x in results if isinstance(x, DomainError)} == {ErrorCode.DUPLICATE}


async def test_concurrent_self_purchases_never_overspend(db, world, claim_settings):  # type: ignore[no-untyped-def]
    # entitlement A has 2 units; 10 receipts race for 1 unit each
    async with db.transaction() as s:
        # Ten different files: the same bytes could back one claim only.
        receipts = [await make_receipt(s, world, claim_settings, data=PDF + b"%%%d" % n) for n in range(10)]
    viewer = world.viewer("recipient_a")
    results = await asyncio.gather(
        *[run_in_transaction(db, cs.submit_self_purchase_claim, viewer, person_id=world.recipient_a.id,
                                entitlement_id=world.entitlement_a.id, quantity=Decimal(1),
                                amount_paid=Decimal("1000.00"), receipt_id=r.id, idempotency_key=f"r{r.id}")
          for r in receipts],
        return_exceptions=True,
    )
    assert sum(isinstance(x, CompensationClaim) for x in results) == 2
    assert {x.code for x in results if isinstance(x, DomainError)} == {ErrorCode.INSUFFICIENT_BALANCE}
    async with db.session() as s:
        ent = await s.get(Entitlement, world.entitlement_a.id)
    assert (ent.reserved, ent.consumed) == (Decimal("2.00"), Decimal("0.00"))


async def test_run_in_transaction_retries_a_lost_race_and_nothing_else(db, world):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    async def flaky(session, viewer, fail_times, error):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) <= fail_times:
            raise error
        return "done"

    assert await run_in_transaction(db, flaky, world.viewer("admin"), 2, ConcurrentDuplicate()) == "done"
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(DomainError) as err:
        await run_in_transaction(db, flaky, world.viewer("admin"), 5, ConcurrentDuplicate())
    assert err.value.code == ErrorCode.RETRYABLE
    assert len(calls) == 3  # gives up after three attempts
    calls.clear()
    with pytest.raises(DomainError) as err:
        await run_in_transaction(db, flaky, world.viewer("admin"), 1, DomainError(ErrorCode.DUPLICATE, "dup"))
    assert err.value.code == ErrorCode.DUPLICATE
    assert len(calls) == 1  # a business refusal is not retried
