"""Mutations of compensation claims: submit, approve, reject, mark paid."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from marketplace.claims import services
from marketplace.db import run_in_transaction
from marketplace.errors import DomainError, ErrorCode
from schema.claims.queries import claim_type
from schema.claims.types import CompensationClaim
from schema.core.errors import UserError
from schema.core.ids import decode_id
from schema.core.mutations import guarded


@strawberry.enum(description="What a claim is for.")
class ClaimFor(Enum):
    ORDER = "ORDER"
    SERVICE_HOURS = "SERVICE_HOURS"
    SELF_PURCHASE = "SELF_PURCHASE"


@strawberry.input(description="ORDER and SERVICE_HOURS (a provider's) need orderId; SELF_PURCHASE (a recipient's) "
                              "needs personId, entitlementId, quantity, amountPaid and receiptId.")
class SubmitClaimInput:
    claim_for: ClaimFor
    idempotency_key: str
    order_id: strawberry.ID | None = None
    person_id: strawberry.ID | None = None
    entitlement_id: strawberry.ID | None = None
    quantity: Decimal | None = None
    amount_paid: Decimal | None = None
    receipt_id: strawberry.ID | None = None


@strawberry.type
class ClaimPayload:
    claim: CompensationClaim | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _required(value, field: str):  # type: ignore[no-untyped-def]
    if value is None:
        raise DomainError(ErrorCode.REQUIRED, "{name} is required for this kind of claim.", field, name=field)
    return value


async def _run(info: strawberry.Info, fn, *args, **kwargs) -> ClaimPayload:  # type: ignore[no-untyped-def]
    claim, errors = await guarded(
        lambda: run_in_transaction(info.context.db, fn, info.context.viewer, *args, **kwargs)
    )
    return ClaimPayload(claim=claim_type(claim) if claim else None, errors=errors)


@strawberry.type
class ClaimMutations:
    @strawberry.mutation(description="Submit a claim; the same idempotency key twice returns the same claim.")
    async def submit_claim(self, info: strawberry.Info, input: SubmitClaimInput) -> ClaimPayload:
        try:
            if input.claim_for == ClaimFor.SELF_PURCHASE:
                return await _run(
                    info, services.submit_self_purchase_claim,
                    person_id=decode_id(_required(input.person_id, "personId"), "Person", "personId"),
                    entitlement_id=decode_id(_required(input.entitlement_id, "entitlementId"), "Entitlement", "entitlementId"),
                    quantity=_required(input.quantity, "quantity"), amount_paid=_required(input.amount_paid, "amountPaid"),
                    receipt_id=decode_id(_required(input.receipt_id, "receiptId"), "Receipt", "receiptId"),
                    idempotency_key=input.idempotency_key,
                )
            order_id = decode_id(_required(input.order_id, "orderId"), "Order", "orderId")
            fn = services.submit_provider_claim if input.claim_for == ClaimFor.ORDER else services.submit_service_hours_claim
            return await _run(info, fn, order_id=order_id, idempotency_key=input.idempotency_key)
        except DomainError as exc:
            from schema.core.errors import user_errors

            return ClaimPayload(errors=user_errors(exc))

    @strawberry.mutation(description="Officer of the recipient's region: approve (optionally a lower amount, "
                                     "with the reason the claimant reads).")
    async def approve_claim(
        self, info: strawberry.Info, claim_id: strawberry.ID, amount: Decimal | None = None, reason: str | None = None,
    ) -> ClaimPayload:
        return await _run(info, services.approve_claim, decode_id(claim_id, "CompensationClaim", "claimId"), amount,
                          reason)

    @strawberry.mutation(description="Officer of the recipient's region: reject with a reason the claimant reads.")
    async def reject_claim(self, info: strawberry.Info, claim_id: strawberry.ID, reason: str) -> ClaimPayload:
        return await _run(info, services.reject_claim, decode_id(claim_id, "CompensationClaim", "claimId"), reason)

    @strawberry.mutation(description="Officer: the approved amount is paid. Never pays twice.")
    async def mark_claim_paid(
        self, info: strawberry.Info, claim_id: strawberry.ID, idempotency_key: str, payment_reference: str | None = None
    ) -> ClaimPayload:
        return await _run(
            info, services.mark_claim_paid, decode_id(claim_id, "CompensationClaim", "claimId"),
            payment_reference=payment_reference, idempotency_key=idempotency_key,
        )
