"""Mutations of compensation claims: submit, approve, reject, mark paid."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from marketplace.claims import services
from schema.claims.queries import claim_type
from schema.claims.types import CompensationClaim
from schema.core.errors import Payload
from schema.core.ids import decode_id
from schema.core.inputs import required
from schema.core.mutations import mutation, transaction


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
class ClaimPayload(Payload):
    claim: CompensationClaim | None = None


def _claim(claim) -> ClaimPayload:  # type: ignore[no-untyped-def]
    return ClaimPayload(claim=claim_type(claim))


@strawberry.type
class ClaimMutations:
    @mutation(description="Submit a claim; the same idempotency key twice returns the same claim.")
    async def submit_claim(self, info: strawberry.Info, input: SubmitClaimInput) -> ClaimPayload:
        if input.claim_for == ClaimFor.SELF_PURCHASE:
            return _claim(await transaction(
                info, services.submit_self_purchase_claim,
                person_id=decode_id(required(input.person_id, "personId"), "Person", "personId"),
                entitlement_id=decode_id(required(input.entitlement_id, "entitlementId"), "Entitlement",
                                         "entitlementId"),
                quantity=required(input.quantity, "quantity"), amount_paid=required(input.amount_paid, "amountPaid"),
                receipt_id=decode_id(required(input.receipt_id, "receiptId"), "Receipt", "receiptId"),
                idempotency_key=input.idempotency_key,
            ))
        order_id = decode_id(required(input.order_id, "orderId"), "Order", "orderId")
        submit = services.submit_provider_claim if input.claim_for == ClaimFor.ORDER else services.submit_service_hours_claim
        return _claim(await transaction(info, submit, order_id=order_id, idempotency_key=input.idempotency_key))

    @mutation(description="Officer of the recipient's region: approve (optionally a lower amount, "
                          "with the reason the claimant reads).")
    async def approve_claim(
        self, info: strawberry.Info, claim_id: strawberry.ID, amount: Decimal | None = None, reason: str | None = None,
    ) -> ClaimPayload:
        return _claim(await transaction(info, services.approve_claim, _claim_id(claim_id), amount, reason))

    @mutation(description="Officer of the recipient's region: reject with a reason the claimant reads.")
    async def reject_claim(self, info: strawberry.Info, claim_id: strawberry.ID, reason: str) -> ClaimPayload:
        return _claim(await transaction(info, services.reject_claim, _claim_id(claim_id), reason))

    @mutation(description="Officer: the approved amount is paid. Never pays twice.")
    async def mark_claim_paid(
        self, info: strawberry.Info, claim_id: strawberry.ID, idempotency_key: str, payment_reference: str | None = None
    ) -> ClaimPayload:
        return _claim(await transaction(info, services.mark_claim_paid, _claim_id(claim_id),
                                        payment_reference=payment_reference, idempotency_key=idempotency_key))


def _claim_id(value: strawberry.ID) -> int:
    return decode_id(value, "CompensationClaim", "claimId")
