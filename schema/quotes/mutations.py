"""Mutations of quotes: request and withdraw (recipient), submit (provider), approve and reject (officer).
Ordering an approved quote is ``placeOrder(quoteId: ...)`` (schema/orders/mutations.py)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from marketplace.quotes import services
from schema.core.errors import Payload
from schema.core.ids import decode_id
from schema.core.mutations import mutation, transaction
from schema.quotes.queries import quote_type
from schema.quotes.types import Quote


@strawberry.type
class QuotePayload(Payload):
    quote: Quote | None = None


def _quote(quote) -> QuotePayload:  # type: ignore[no-untyped-def]
    return QuotePayload(quote=quote_type(quote))


def _quote_id(value: strawberry.ID) -> int:
    return decode_id(value, "Quote", "quoteId")


@strawberry.type
class QuoteMutations:
    @mutation(description="Recipient: ask the provider of a custom item's listing for a price, against "
                          "your entitlement for the item (or that of a person you represent).")
    async def request_quote(
        self, info: strawberry.Info, listing_id: strawberry.ID, entitlement_id: strawberry.ID,
        quantity: Decimal = Decimal(1), note: str | None = None,
    ) -> QuotePayload:
        return _quote(await transaction(
            info, services.request_quote, listing_id=decode_id(listing_id, "Listing", "listingId"),
            entitlement_id=decode_id(entitlement_id, "Entitlement", "entitlementId"), quantity=quantity, note=note))

    @mutation(description="Provider: quote a price per unit, lead time and specification; revise it "
                          "while the officer has not decided.")
    async def submit_quote(
        self, info: strawberry.Info, quote_id: strawberry.ID, unit_price: Decimal, lead_time_days: int,
        specification: str,
    ) -> QuotePayload:
        return _quote(await transaction(info, services.submit_quote, _quote_id(quote_id), unit_price=unit_price,
                                        lead_time_days=lead_time_days, specification=specification))

    @mutation(description="Officer of the person's region: approve the quote you read (its revision), "
                          "at the quoted price or a lower one the state pays.")
    async def approve_quote(
        self, info: strawberry.Info, quote_id: strawberry.ID, revision: int | None = None,
        approved_unit_price: Decimal | None = None,
    ) -> QuotePayload:
        return _quote(await transaction(info, services.approve_quote, _quote_id(quote_id),
                                        approved_unit_price=approved_unit_price, revision=revision))

    @mutation(description="Officer of the person's region: refuse the quote, with a reason both read.")
    async def reject_quote(
        self, info: strawberry.Info, quote_id: strawberry.ID, reason: str, revision: int | None = None,
    ) -> QuotePayload:
        return _quote(await transaction(info, services.reject_quote, _quote_id(quote_id), reason, revision=revision))

    @mutation(description="Recipient: withdraw a quote before ordering it.")
    async def withdraw_quote(self, info: strawberry.Info, quote_id: strawberry.ID) -> QuotePayload:
        return _quote(await transaction(info, services.withdraw_quote, _quote_id(quote_id)))
