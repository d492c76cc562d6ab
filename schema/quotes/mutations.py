"""Mutations of quotes: request and withdraw (recipient), submit (provider), approve and reject (officer).
Ordering an approved quote is ``placeOrder(quoteId: ...)`` (schema/orders/mutations.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import strawberry

from marketplace.db import run_in_transaction
from marketplace.errors import DomainError
from marketplace.quotes import services
from schema.core.errors import UserError, user_errors
from schema.core.ids import decode_id
from schema.core.mutations import guarded
from schema.quotes.queries import quote_type
from schema.quotes.types import Quote


@strawberry.type
class QuotePayload:
    quote: Quote | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _run(info: strawberry.Info, fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> QuotePayload:
    quote, errors = await guarded(lambda: run_in_transaction(info.context.db, fn, info.context.viewer, *args, **kwargs))
    return QuotePayload(quote=quote_type(quote) if quote else None, errors=errors)


def _quote_id(value: strawberry.ID) -> int:
    return decode_id(value, "Quote", "quoteId")


@strawberry.type
class QuoteMutations:
    @strawberry.mutation(description="Recipient: ask the provider of a custom item's listing for a price, against "
                                     "your entitlement for the item (or that of a person you represent).")
    async def request_quote(
        self, info: strawberry.Info, listing_id: strawberry.ID, entitlement_id: strawberry.ID,
        quantity: Decimal = Decimal(1), note: str | None = None,
    ) -> QuotePayload:
        try:
            lid = decode_id(listing_id, "Listing", "listingId")
            eid = decode_id(entitlement_id, "Entitlement", "entitlementId")
        except DomainError as exc:
            return QuotePayload(errors=user_errors(exc))
        return await _run(info, services.request_quote, listing_id=lid, entitlement_id=eid, quantity=quantity,
                          note=note)

    @strawberry.mutation(description="Provider: quote a price per unit, lead time and specification; revise it "
                                     "while the officer has not decided.")
    async def submit_quote(
        self, info: strawberry.Info, quote_id: strawberry.ID, unit_price: Decimal, lead_time_days: int,
        specification: str,
    ) -> QuotePayload:
        try:
            qid = _quote_id(quote_id)
        except DomainError as exc:
            return QuotePayload(errors=user_errors(exc))
        return await _run(info, services.submit_quote, qid, unit_price=unit_price, lead_time_days=lead_time_days,
                          specification=specification)

    @strawberry.mutation(description="Officer of the person's region: approve the quote you read (its revision), "
                                     "at the quoted price or a lower one the state pays.")
    async def approve_quote(
        self, info: strawberry.Info, quote_id: strawberry.ID, revision: int | None = None,
        approved_unit_price: Decimal | None = None,
    ) -> QuotePayload:
        try:
            qid = _quote_id(quote_id)
        except DomainError as exc:
            return QuotePayload(errors=user_errors(exc))
        return await _run(info, services.approve_quote, qid, approved_unit_price=approved_unit_price,
                          revision=revision)

    @strawberry.mutation(description="Officer of the person's region: refuse the quote, with a reason both read.")
    async def reject_quote(
        self, info: strawberry.Info, quote_id: strawberry.ID, reason: str, revision: int | None = None,
    ) -> QuotePayload:
        try:
            qid = _quote_id(quote_id)
        except DomainError as exc:
            return QuotePayload(errors=user_errors(exc))
        return await _run(info, services.reject_quote, qid, reason, revision=revision)

    @strawberry.mutation(description="Recipient: withdraw a quote before ordering it.")
    async def withdraw_quote(self, info: strawberry.Info, quote_id: strawberry.ID) -> QuotePayload:
        try:
            qid = _quote_id(quote_id)
        except DomainError as exc:
            return QuotePayload(errors=user_errors(exc))
        return await _run(info, services.withdraw_quote, qid)
