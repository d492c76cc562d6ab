"""Quotes for custom items as GraphQL types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from marketplace.quotes import models as m
from marketplace.quotes import services
from schema.core.ids import to_global_id
from schema.core.node import Node
from schema.orders.types import ForPerson, Order

QuoteStatus = strawberry.enum(m.QuoteStatus, description="REQUESTED → QUOTED → APPROVED / REJECTED → ORDERED, "
                                                          "or WITHDRAWN / EXPIRED.")


@strawberry.type(description="A price for a custom item: asked by the recipient, quoted by the provider, decided "
                             "by the officer of the person's region, then ordered at the approved price.")
class Quote(Node, ForPerson):
    status: QuoteStatus  # type: ignore[valid-type]
    quantity: Decimal
    note: str
    unit_price: Decimal | None = strawberry.field(description="The provider's price per unit (latest revision).")
    lead_time_days: int | None
    specification: str | None
    revision: int = strawberry.field(description="How many times it was quoted; give it when deciding.")
    approved_unit_price: Decimal | None = strawberry.field(description="What the state pays per unit.")
    state_share: Decimal | None = strawberry.field(description="What the state pays in all (as approved, or as "
                                                                "quoted before the decision).")
    co_payment: Decimal | None = strawberry.field(description="What the recipient pays on ordering at the quoted "
                                                               "price: none unless approved for less.")
    reject_reason: str | None
    due_date: dt.date = strawberry.field(description="When the current step is due: the provider's answer, the "
                                                      "officer's decision (the legal term), or the order.")
    is_overdue: bool = strawberry.field(description="Awaiting the officer's decision past the due date.")
    requested_at: dt.datetime
    quoted_at: dt.datetime | None
    decided_at: dt.datetime | None
    pk: strawberry.Private[int]
    order_pk: strawberry.Private[int | None]

    @strawberry.field(description="The order placed from it, once ORDERED.")
    async def order(self, info: strawberry.Info) -> Order | None:
        if self.order_pk is None:
            return None
        return Order.from_model(await info.context.loaders.order.load(self.order_pk))

    @classmethod
    def from_model(cls, q: m.Quote, today: dt.date) -> Quote:
        return cls(
            id=strawberry.ID(to_global_id("Quote", q.id)), pk=q.id, person_pk=q.person_id, listing_pk=q.listing_id,
            provider_pk=q.provider_id, entitlement_pk=q.entitlement_id, item_pk=q.classifier_item_id,
            order_pk=q.order_id, status=q.status, quantity=q.quantity, note=q.note, unit_price=q.unit_price,
            lead_time_days=q.lead_time_days, specification=q.specification, revision=q.revision,
            approved_unit_price=q.approved_unit_price, state_share=services.state_share(q),
            co_payment=services.co_payment(q), reject_reason=q.reject_reason, due_date=q.due_date,
            is_overdue=services.is_overdue(q, today), requested_at=q.requested_at, quoted_at=q.quoted_at,
            decided_at=q.decided_at,
        )
