"""Compensation claims as GraphQL types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from marketplace.claims import models as m
from schema.catalog.types import ClassifierItem, Provider
from schema.documents import ResultDocument
from schema.core.ids import to_global_id
from schema.core.loaders import related
from schema.core.node import Node
from schema.orders.types import Order, Recipient

ClaimKind = strawberry.enum(m.ClaimKind)
ClaimStatus = strawberry.enum(m.ClaimStatus)


@strawberry.type(description="A claim for compensation, decided by an officer of the recipient's region.")
class CompensationClaim(Node):
    kind: ClaimKind  # type: ignore[valid-type]
    status: ClaimStatus  # type: ignore[valid-type]
    quantity: Decimal
    amount_claimed: Decimal
    amount_approvable: Decimal
    amount_approved: Decimal | None
    reject_reason: str | None
    reduction_reason: str | None = strawberry.field(description="Why less than claimed was approved.")
    submitted_at: dt.datetime
    due_date: dt.date = strawberry.field(description="Submission + 17 working days.")
    is_overdue: bool
    decided_at: dt.datetime | None
    paid_at: dt.datetime | None
    payment_reference: str | None
    receipt_id: strawberry.ID | None
    pk: strawberry.Private[int]
    person_pk: strawberry.Private[int]
    provider_pk: strawberry.Private[int | None]
    order_pk: strawberry.Private[int | None]
    item_pk: strawberry.Private[int]

    @strawberry.field
    async def provider(self, info: strawberry.Info) -> Provider | None:
        if self.provider_pk is None:
            return None
        return Provider.from_model(await info.context.loaders.provider.load(self.provider_pk))

    @strawberry.field
    async def order(self, info: strawberry.Info) -> Order | None:
        if self.order_pk is None:
            return None
        return Order.from_model(await info.context.loaders.order.load(self.order_pk))

    @strawberry.field
    async def classifier_item(self, info: strawberry.Info) -> ClassifierItem:
        return ClassifierItem.from_model(await info.context.loaders.classifier_item.load(self.item_pk))

    @strawberry.field
    async def recipient(self, info: strawberry.Info) -> Recipient:
        p = await info.context.loaders.person.load(self.person_pk)
        return Recipient(full_name=p.full_name, phone=p.phone, address=p.address)

    @strawberry.field(description="The decision as a sealed PDF (null until it is decided).")
    async def decision_document(self, info: strawberry.Info) -> ResultDocument | None:
        return await related(info.context.loaders.claim_document, self.pk, ResultDocument)

    @classmethod
    def from_model(cls, c: m.CompensationClaim, today: dt.date) -> "CompensationClaim":
        return cls(
            id=strawberry.ID(to_global_id("CompensationClaim", c.id)), pk=c.id, person_pk=c.person_id,
            provider_pk=c.provider_id, order_pk=c.order_id, item_pk=c.classifier_item_id, kind=c.kind,
            status=c.status, quantity=c.quantity, amount_claimed=c.amount_claimed,
            amount_approvable=c.amount_approvable, amount_approved=c.amount_approved,
            reject_reason=c.reject_reason, reduction_reason=c.reduction_reason, submitted_at=c.submitted_at, due_date=c.due_date,
            is_overdue=c.status == m.ClaimStatus.SUBMITTED and c.due_date < today, decided_at=c.decided_at,
            paid_at=c.paid_at, payment_reference=c.payment_reference,
            receipt_id=strawberry.ID(to_global_id("Receipt", c.receipt_id)) if c.receipt_id else None,
        )
