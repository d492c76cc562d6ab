"""Approving, rejecting and paying claims: only the region's officer, each exactly once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEvent
from marketplace.claims import services as cs
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.errors import DomainError, ErrorCode
from tests import factories as f
from tests.claims.conftest import audit_count, make_order
from tests.factories import refused, run


@pytest.fixture
async def claim(db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world)  # state share 200,000.00
        return await cs.submit_provider_claim(
            s, world.viewer("provider_a"), order_id=order.id, idempotency_key="submit"
        )


async def nothing_decided(db, claim, action: str) -> None:  # type: ignore[no-untyped-def]
    """The claim is still SUBMITTED, and the audit trail holds no ``action``."""
    async with db.session() as s:
        assert (await s.get(CompensationClaim, claim.id)).status == ClaimStatus.SUBMITTED
    assert await audit_count(db, action) == 0


async def test_approve_then_pay(db, world, claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    approved = await run(db, cs.approve_claim, officer, claim.id)
    assert approved.status == ClaimStatus.APPROVED
    assert approved.amount_approved == Decimal("200000.00")
    assert approved.decided_by_account_id == world.officer_a_account.id and approved.decided_at is not None
    paid = await run(db, cs.mark_claim_paid, officer, claim.id, "PP-2026-0001", idempotency_key="pay-1")
    assert paid.status == ClaimStatus.PAID and paid.paid_at is not None
    assert paid.payment_reference == "PP-2026-0001"
    async with db.session() as s:
        events = (
            await s.execute(
                select(AuditEvent).where(AuditEvent.subject_type == "CompensationClaim").order_by(AuditEvent.id)
            )
        ).scalars().all()
    assert [e.action for e in events] == ["claim.submitted", "claim.approved", "claim.paid"]
    assert events[1].before["status"] == "SUBMITTED" and events[1].after["status"] == "APPROVED"
    assert events[2].before["status"] == "APPROVED" and events[2].after["status"] == "PAID"
    assert all(e.actor_account_id == world.officer_a_account.id for e in events[1:])


async def test_officer_may_approve_a_lower_amount_never_a_higher_one(db, world, claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    await refused(db, ErrorCode.OUT_OF_RANGE, cs.approve_claim, officer, claim.id, Decimal("200000.01"))
    for bad in (Decimal("0"), Decimal("-5"), Decimal("1.001"), 1.5, "abc", Decimal("NaN")):
        with pytest.raises(DomainError) as err:
            await run(db, cs.approve_claim, officer, claim.id, bad)
        assert err.value.code in (ErrorCode.OUT_OF_RANGE, ErrorCode.INVALID), bad
    async with db.session() as s:
        assert (await s.get(CompensationClaim, claim.id)).status == ClaimStatus.SUBMITTED
    # Less than claimed: only with the reason the claimant reads.
    await refused(db, ErrorCode.REQUIRED, cs.approve_claim, officer, claim.id, Decimal("150000.50"))
    approved = await run(db, cs.approve_claim, officer, claim.id, Decimal("150000.50"), "One item was not delivered.")
    assert approved.amount_approved == Decimal("150000.50")


async def test_only_the_officer_of_the_claims_region_decides(db, world, claim):  # type: ignore[no-untyped-def]
    for name in ("provider_a", "recipient_a", "admin"):
        viewer = world.viewer(name)
        await refused(db, ErrorCode.FORBIDDEN, cs.approve_claim, viewer, claim.id)
        await refused(db, ErrorCode.FORBIDDEN, cs.reject_claim, viewer, claim.id, "No documents")
        await refused(db, ErrorCode.FORBIDDEN, cs.mark_claim_paid, viewer, claim.id, idempotency_key="x")
    other = world.viewer("officer_b")
    await refused(db, ErrorCode.NOT_FOUND, cs.approve_claim, other, claim.id)
    await refused(db, ErrorCode.NOT_FOUND, cs.reject_claim, other, claim.id, "No documents")
    await refused(db, ErrorCode.NOT_FOUND, cs.mark_claim_paid, other, claim.id, idempotency_key="x")
    await refused(db, ErrorCode.NOT_FOUND, cs.approve_claim, world.viewer("officer_a"), 987654)
    await refused(db, ErrorCode.UNAUTHENTICATED, cs.approve_claim, Viewer.anonymous(), claim.id)
    await nothing_decided(db, claim, "claim.approved")


async def test_approve_twice_and_reject_after_approve_are_already_decided(db, world, claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    await run(db, cs.approve_claim, officer, claim.id)
    await refused(db, ErrorCode.ALREADY_DECIDED, cs.approve_claim, officer, claim.id)
    await refused(db, ErrorCode.ALREADY_DECIDED, cs.reject_claim, officer, claim.id, "Changed my mind")
    assert await audit_count(db, "claim.approved") == 1
    assert await audit_count(db, "claim.rejected") == 0


async def test_reject_needs_a_reason_and_is_final(db, world, claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    for reason, code in (("", ErrorCode.REQUIRED), ("   ", ErrorCode.REQUIRED), (None, ErrorCode.REQUIRED),
                         ("no", ErrorCode.INVALID), ("x" * 1001, ErrorCode.TOO_LONG)):
        await refused(db, code, cs.reject_claim, officer, claim.id, reason)
    rejected = await run(db, cs.reject_claim, officer, claim.id, "  The act is not signed.  ")
    assert rejected.status == ClaimStatus.REJECTED and rejected.reject_reason == "The act is not signed."
    await refused(db, ErrorCode.ALREADY_DECIDED, cs.approve_claim, officer, claim.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, cs.mark_claim_paid, officer, claim.id, idempotency_key="p")
    # one claim per order, ever: a rejected claim is not resubmitted
    async with db.transaction() as s:
        with pytest.raises(DomainError) as err:
            await cs.submit_provider_claim(s, world.viewer("provider_a"), order_id=claim.order_id, idempotency_key="n")
    assert err.value.code == ErrorCode.DUPLICATE


async def test_pay_before_approve_is_an_invalid_transition(db, world, claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    await refused(db, ErrorCode.INVALID_TRANSITION, cs.mark_claim_paid, officer, claim.id, idempotency_key="p")
    await nothing_decided(db, claim, "claim.paid")


async def test_pay_twice_same_key_is_the_same_result_other_key_already_decided(db, world, claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    await run(db, cs.approve_claim, officer, claim.id)
    paid = await run(db, cs.mark_claim_paid, officer, claim.id, "REF-1", idempotency_key="pay")
    again = await run(db, cs.mark_claim_paid, officer, claim.id, "REF-1", idempotency_key="pay")
    assert again.id == paid.id and again.status == ClaimStatus.PAID and again.paid_at == paid.paid_at
    await refused(db, ErrorCode.ALREADY_DECIDED, cs.mark_claim_paid, officer, claim.id, "REF-1",
                  idempotency_key="pay-2")
    await refused(db, ErrorCode.IDEMPOTENCY_CONFLICT, cs.mark_claim_paid, officer, claim.id, "REF-2",
                  idempotency_key="pay")
    # another officer of the same region, with the first officer's key, does not replay it
    async with db.transaction() as s:
        colleague = f.viewer_of(await f.account(s, Role.LOCAL_BODY, region_id=world.region_a.id))
    await refused(db, ErrorCode.ALREADY_DECIDED, cs.mark_claim_paid, colleague, claim.id, "REF-1",
                  idempotency_key="pay")
    assert await audit_count(db, "claim.paid") == 1


async def test_pay_needs_a_key_and_a_sane_unique_reference(db, world, claim):  # type: ignore[no-untyped-def]
    officer = world.viewer("officer_a")
    await run(db, cs.approve_claim, officer, claim.id)
    await refused(db, ErrorCode.REQUIRED, cs.mark_claim_paid, officer, claim.id, "R")
    await refused(db, ErrorCode.TOO_LONG, cs.mark_claim_paid, officer, claim.id, "R" * 65, idempotency_key="k")
    await refused(db, ErrorCode.INVALID, cs.mark_claim_paid, officer, claim.id, "A\x00B", idempotency_key="k")
    # a reference already used by another claim
    async with db.transaction() as s:
        other_order = await make_order(s, world)
        other = await cs.submit_provider_claim(s, world.viewer("provider_a"), order_id=other_order.id,
                                               idempotency_key="other")
    await run(db, cs.approve_claim, officer, other.id)
    await run(db, cs.mark_claim_paid, officer, other.id, "PP-7", idempotency_key="k-other")
    await refused(db, ErrorCode.DUPLICATE, cs.mark_claim_paid, officer, claim.id, "PP-7", idempotency_key="k")
    paid = await run(db, cs.mark_claim_paid, officer, claim.id, None, idempotency_key="k2")
    assert paid.status == ClaimStatus.PAID and paid.payment_reference is None


async def test_get_claim_is_scoped(db, world, claim):  # type: ignore[no-untyped-def]
    for name in ("provider_a", "recipient_a", "officer_a", "admin"):
        async with db.session() as s:
            assert (await cs.get_claim(s, world.viewer(name), claim.id)).id == claim.id
    for name in ("provider_b", "recipient_b", "officer_b"):
        async with db.session() as s:
            with pytest.raises(DomainError) as err:
                await cs.get_claim(s, world.viewer(name), claim.id)
            assert err.value.code == ErrorCode.NOT_FOUND, name
    async with db.session() as s:
        with pytest.raises(DomainError) as err:
            await cs.get_claim(s, Viewer.anonymous(), claim.id)
        assert err.value.code == ErrorCode.UNAUTHENTICATED
