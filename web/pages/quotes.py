"""A custom item by quote: the recipient asks the provider of a listing for a price (from the
listing's page), follows the quote (the provider's answer, the officer's decision, each with its
due date), and orders it at the approved price (or withdraws it).

Ordering a quote sends the idempotency key ``quote-<quote id>``: one quote makes at most one
order, so the key that names the quote is the one a double click, a resubmit or a reload sends
again and gets the same order back."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from web import labels
from web.pages.listings import listing_with_coverage
from web.pages.recipient import my_cases
from web.portal import FormErrors, Portal, parse_quantity
from web.visitor import Visitor

REQUEST_FIELDS = {"quantity": "quote-quantity", "note": "quote-note", "listingId": "quote-quantity",
                  "entitlementId": "quote-quantity"}
ORDER_FIELDS = {"acceptCoPayment": "accept-co-payment", "deliveryOption": "quote-delivery",
                "quoteId": "order-quote", "idempotencyKey": "order-quote"}
OPEN = ("REQUESTED", "QUOTED", "APPROVED")
MAX_NOTE = 2000


async def request_quote(portal: Portal, request: Request) -> Response:
    """``POST /listings/{id}/quote``: ask for a price, then follow the quote on its page."""
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    listing_id = request.path_params["id"]
    typed = {"quantity": str(form.get("quantity") or "").strip()[:20], "note": str(form.get("note") or "")[:MAX_NOTE * 2]}
    errors = FormErrors(fields=REQUEST_FIELDS, fallback="quote-quantity")
    listing, coverage, _ = await listing_with_coverage(portal, request, visitor, listing_id)
    if listing is None:
        return portal.not_found(request, visitor)
    quantity = parse_quantity(typed["quantity"])
    if quantity is None:
        errors.add(portal.gettext(visitor, "Enter how many you need") if not typed["quantity"]
                   else portal.gettext(visitor, "Enter how many as a number, like 1"), "quantity")
    entitlement_id = (coverage or {}).get("entitlementId")
    if not errors and entitlement_id:
        quote = await portal.make(request, visitor, errors, "RequestQuote", "requestQuote", "quote",
                                  listingId=listing_id, entitlementId=entitlement_id, quantity=str(quantity),
                                  note=typed["note"].strip() or None)
        if quote and not errors:
            return portal.redirect(visitor, f"/quotes/{quote['id']}?done=requested")
        if any(e.get("code") == "DUPLICATE" for e in errors.items):
            # Asked already (a double click, or earlier): the open quote is the answer.
            open_quote = await _open_quote_for(portal, request, visitor, listing_id)
            if open_quote is not None:
                return portal.redirect(visitor, f"/quotes/{open_quote}")
    elif not errors:
        errors.add(portal.gettext(visitor, labels.COVERAGE_REASON.get((coverage or {}).get("reason") or "",
                                                                       labels.COVERAGE_REASON["NO_ENTITLEMENT"])))
    return portal.render(request, visitor, "pages/listing.html", status_code=400, listing=listing, coverage=coverage,
                         entitlement=None, draft={}, errors=errors, quote_typed=typed)


async def _open_quote_for(portal: Portal, request: Request, visitor: Visitor, listing_id: str) -> str | None:
    after = None
    for _ in range(10):
        outcome = await portal.run(request, visitor, "MyQuotes", after=after)
        quotes = outcome.data.get("quotes") or {"nodes": [], "pageInfo": {"hasNextPage": False}}
        for quote in quotes["nodes"]:
            if quote["listing"]["id"] == listing_id and quote["status"] in OPEN:
                return str(quote["id"])
        if not quotes["pageInfo"]["hasNextPage"]:
            return None
        after = quotes["pageInfo"]["endCursor"]
    return None


async def my_quotes(portal: Portal, request: Request) -> Response:
    return await my_cases(portal, request, "MyQuotes", "quotes", "pages/quotes.html", "quotes")


async def _quote_page(portal: Portal, request: Request, visitor: Visitor, errors: FormErrors | None = None,
                      status_code: int = 200, **context: Any) -> Response:
    quote = await portal.addressed(request, visitor, "Quote", "quote")
    if quote is None:
        return portal.not_found(request, visitor)
    return portal.render(request, visitor, "pages/quote.html", quote=quote, errors=errors, status_code=status_code,
                         done=request.query_params.get("done"), typed=context.pop("typed", {}), **context)


async def quote_page(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    return await _quote_page(portal, request, visitor)


async def quote_action(portal: Portal, request: Request) -> Response:
    """``POST /quotes/{id}/order`` (at the approved price) or ``/quotes/{id}/withdraw``."""
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    quote_id, action = request.path_params["id"], request.path_params["action"]
    errors = FormErrors(fields=ORDER_FIELDS, fallback="order-quote")
    typed = {"accept": form.get("accept_co_payment") == "yes", "delivery": str(form.get("delivery") or "")}
    if action == "order":
        if typed["delivery"] and typed["delivery"] not in labels.DELIVERY:
            errors.add(portal.gettext(visitor, "Choose how you want to get it"), "deliveryOption")
        if not errors:
            order = await portal.make(request, visitor, errors, "OrderQuote", "placeOrder", "order", quoteId=quote_id,
                                      idempotencyKey=f"quote-{quote_id}"[:100],
                                      deliveryOption=typed["delivery"] or None, acceptCoPayment=typed["accept"])
            if order and not errors:
                return portal.redirect(visitor, f"/orders/{order['id']}/placed")
            if not errors:
                return portal.not_found(request, visitor)
    elif action == "withdraw":
        outcome = await portal.run(request, visitor, "WithdrawQuote", quoteId=quote_id)
        errors = FormErrors(fields={}, fallback="withdraw-quote")
        errors.extend(outcome.payload_errors("withdrawQuote"))
        if not errors and outcome.ok:
            return portal.redirect(visitor, f"/quotes/{quote_id}?done=withdrawn")
        if not errors:
            return portal.not_found(request, visitor)
    else:
        return portal.not_found(request, visitor)
    return await _quote_page(portal, request, visitor, errors=errors, status_code=400, typed=typed)
