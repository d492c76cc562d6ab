"""Deciding claims: only a LOCAL_BODY officer of the claim's region approves (an amount up to the approvable
one), rejects (with a reason) and marks paid, each ONE move along ``marketplace.lifecycle.CLAIM``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer, fetch_in_scope
from marketplace.audit import idempotency
from marketplace.claims.idempotency import OP_MARK_PAID, earlier_claim, remember_claim
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.cleaning import clean_money, clean_reason
from marketplace.documents.services import issue_decision_document
from marketplace.errors import N_, DomainError, ErrorCode, Tenge
from marketplace.lifecycle import CLAIM, transition
from marketplace.records.balance import consume_balance, release_balance


MAX_PAYMENT_REFERENCE = 64


# -- cleaning ---------------------------------------------------------------------
def clean_payment_reference(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DomainError(ErrorCode.INVALID, "A text.", "paymentReference")
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_PAYMENT_REFERENCE:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", "paymentReference",
                          count=MAX_PAYMENT_REFERENCE)
    if not value.isprintable():
        raise DomainError(ErrorCode.INVALID, "Letters, digits and punctuation only.", "paymentReference")
    return value


# -- decisions ------------------------------------------------------------------------
async def _claim_for_officer(session: AsyncSession, viewer: Viewer, claim_id: Any) -> CompensationClaim:
    """Only a LOCAL_BODY officer of the claim's region decides (ADMIN included: FORBIDDEN)."""
    viewer.require_local_officer("Claims are decided by an officer of the recipient's region.", "claimId")
    return await fetch_in_scope(session, CompensationClaim, claim_id, "claim", "claimId",
                                lambda claim: viewer.is_officer_of(claim.region_id))


def _refusal(claim: CompensationClaim, attempted: str) -> DomainError:
    """Why a transition's conditional UPDATE took no row, from the claim's status now."""
    status = claim.status
    if attempted == "pay":
        if status == ClaimStatus.PAID:
            return DomainError(ErrorCode.ALREADY_DECIDED, "This claim has already been paid.", "claimId")
        return DomainError(
            ErrorCode.INVALID_TRANSITION,
            "The claim is {status}; only an approved claim can be paid.",
            "claimId", status=status,
        )
    return DomainError(ErrorCode.ALREADY_DECIDED, "This claim is already {status}.", "claimId", status=status)


async def _transition(
    session: AsyncSession,
    viewer: Viewer,
    claim: CompensationClaim,
    old: ClaimStatus,
    new: ClaimStatus,
    attempted: str,
    action: str,
    **values: Any,
) -> None:
    """old → new along the claim's lifecycle (ONE conditional UPDATE, audited); ``_refusal`` when
    a concurrent decision took the row first."""
    try:
        await transition(session, viewer, CLAIM, claim, new, old=[old], action=action,
                         refusal=lambda now: _refusal(now, attempted), **values)
    except IntegrityError as exc:
        if "payment_reference" in str(exc.orig).lower():
            raise DomainError(
                ErrorCode.DUPLICATE, "This payment reference is already used.", "paymentReference"
            ) from exc
        raise


async def approve_claim(
    session: AsyncSession, viewer: Viewer, claim_id: int, amount: Decimal | None = None, reason: str | None = None
) -> CompensationClaim:
    """Officer: SUBMITTED → APPROVED for ``amount`` (default: the approvable amount; may be lower, never higher).

    Approving less than was claimed needs a reason, which the claimant's notification carries: the
    officer's (required when the amount is below the approvable one), or, when only the cap held
    the amount back, the cap itself."""
    claim = await _claim_for_officer(session, viewer, claim_id)
    if amount is None:
        approved = claim.amount_approvable
    else:
        approved = clean_money(amount, "amount")
        if approved > claim.amount_approvable:
            raise DomainError(
                ErrorCode.OUT_OF_RANGE, "At most the approvable {amount}.", "amount",
                amount=Tenge(claim.amount_approvable),
            )
    why = None
    if approved < claim.amount_approvable:
        why = clean_reason(reason, N_("approving less than was claimed"))
    elif approved < claim.amount_claimed:
        why = (clean_reason(reason, N_("approving less than was claimed")) if reason and reason.strip()
               else f"The state pays at most the guaranteed price: {claim.amount_approvable} of the {claim.amount_claimed} claimed.")
    elif reason is not None and reason.strip():
        raise DomainError(ErrorCode.INVALID, "A reason is given only when less than claimed is approved.", "reason")
    if claim.status != ClaimStatus.SUBMITTED:
        raise _refusal(claim, "approve")
    await _transition(
        session, viewer, claim, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, "approve", "claim.approved",
        amount_approved=approved, reduction_reason=why, decided_at=clock.now(), decided_by_account_id=viewer.account_id,
    )
    await issue_decision_document(session, claim)
    return claim


async def reject_claim(session: AsyncSession, viewer: Viewer, claim_id: int, reason: str) -> CompensationClaim:
    """Officer: SUBMITTED → REJECTED with a reason (3..1000 characters); a self-purchase's reservation returns."""
    claim = await _claim_for_officer(session, viewer, claim_id)
    why = clean_reason(reason)
    if claim.status != ClaimStatus.SUBMITTED:
        raise _refusal(claim, "reject")
    await _transition(
        session, viewer, claim, ClaimStatus.SUBMITTED, ClaimStatus.REJECTED, "reject", "claim.rejected",
        reject_reason=why, decided_at=clock.now(), decided_by_account_id=viewer.account_id,
    )
    await issue_decision_document(session, claim)
    if claim.kind == ClaimKind.SELF_PURCHASE:
        assert claim.entitlement_id is not None
        await release_balance(session, viewer, claim.entitlement_id, claim.quantity, note={"claim_id": claim.id})
    # A provider's rejected claim is final, like the one claim per order: its
    # service logs stay bound to it, so the same hours cannot be claimed again.
    return claim


async def mark_claim_paid(
    session: AsyncSession,
    viewer: Viewer,
    claim_id: int,
    payment_reference: str | None = None,
    idempotency_key: str | None = None,
) -> CompensationClaim:
    """Officer: APPROVED → PAID, once. A self-purchase's reservation is consumed.

    The same idempotency key (with the same reference) returns the paid claim;
    any other call on a paid claim is ALREADY_DECIDED; on a claim not approved,
    INVALID_TRANSITION.
    """
    claim = await _claim_for_officer(session, viewer, claim_id)
    key = idempotency.clean_key(idempotency_key)
    ref = clean_payment_reference(payment_reference)
    payload = idempotency.request_hash({"claim_id": claim.id, "payment_reference": ref})
    earlier = await earlier_claim(session, viewer, OP_MARK_PAID, key, payload)
    if earlier is not None:
        return earlier
    if claim.status != ClaimStatus.APPROVED:
        raise _refusal(claim, "pay")
    if ref is not None:
        clash = await session.execute(
            select(CompensationClaim.id).where(
                CompensationClaim.payment_reference == ref, CompensationClaim.id != claim.id
            )
        )
        if clash.first() is not None:
            raise DomainError(ErrorCode.DUPLICATE, "This payment reference is already used.", "paymentReference")
    try:
        await _transition(session, viewer, claim, ClaimStatus.APPROVED, ClaimStatus.PAID, "pay", "claim.paid",
                          paid_at=clock.now(), payment_reference=ref)
    except DomainError as exc:
        if exc.code == ErrorCode.DUPLICATE:  # the payment reference: the transaction is spoilt
            raise
        # A concurrent call won. If it carried this very key, its result is ours
        # (PostgreSQL: the UPDATE waited for that commit, so the key is visible now).
        earlier = await earlier_claim(session, viewer, OP_MARK_PAID, key, payload)
        if earlier is not None:
            return earlier
        raise
    if claim.kind == ClaimKind.SELF_PURCHASE:
        assert claim.entitlement_id is not None
        await consume_balance(session, viewer, claim.entitlement_id, claim.quantity, note={"claim_id": claim.id})
    await remember_claim(session, viewer, OP_MARK_PAID, key, payload, claim.id)
    return claim
