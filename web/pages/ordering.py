"""Ordering: the listing's form saves a draft, the check-your-answers page shows what the state
pays, what you pay and the balance after, and places the order with the idempotency key that
was minted with the draft (a double click, a resubmit or a reload cannot order twice)."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.drafts import discard_draft, save_draft
from web import labels
from web.labels import N_
from web.pages.listings import ORDER_DRAFT, ORDER_FIELDS, listing_with_coverage, order_draft
from web.portal import FormErrors, Portal, parse_quantity
from web.visitor import Visitor


async def _keep(portal: Portal, visitor: Visitor, draft: dict[str, Any]) -> None:
    async with portal.db.transaction() as session:
        await save_draft(session, visitor.viewer, ORDER_DRAFT, draft)


async def start_order(portal: Portal, request: Request) -> Response:
    """The listing's order form: keep what was typed, then check the answers."""
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    listing_id = request.path_params["id"]
    typed = str(form.get("quantity") or "").strip()[:20]
    delivery = str(form.get("delivery") or "")
    errors: list[dict[str, Any]] = []
    quantity = parse_quantity(typed)
    if quantity is None:
        message = N_("Enter how many you need") if not typed else N_("Enter how many as a number, like 1")
        errors.append({"field": "quantity", "code": "INVALID", "message": portal.gettext(visitor, message)})
    if delivery and delivery not in labels.DELIVERY:
        errors.append({"field": "deliveryOption", "code": "INVALID",
                       "message": portal.gettext(visitor, "Choose how you want to get it")})
    previous = await order_draft(portal, visitor) or {}
    same = (previous.get("listing_id"), previous.get("quantity"), previous.get("delivery")) == (listing_id, typed, delivery)
    key = previous.get("idempotency_key") if same and previous.get("idempotency_key") else secrets.token_urlsafe(18)
    await _keep(portal, visitor, {"listing_id": listing_id, "quantity": typed, "delivery": delivery,
                                  "idempotency_key": key, "errors": errors})
    if errors:
        return portal.redirect(visitor, f"/listings/{listing_id}")  # no fragment: it would cancel the summary's autofocus
    return portal.redirect(visitor, "/order/check")


async def check_answers(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    draft = await order_draft(portal, visitor)
    if not draft or parse_quantity(draft.get("quantity")) is None:
        return portal.redirect(visitor, f"/listings/{draft['listing_id']}" if draft else "/")
    listing, coverage, entitlement = await listing_with_coverage(portal, request, visitor, draft["listing_id"])
    if listing is None:
        return portal.not_found(request, visitor)
    quantity = parse_quantity(draft["quantity"]) or Decimal(1)
    amounts = None
    if coverage and coverage["covered"]:
        amounts = {
            "state": Decimal(coverage["statePays"]) * quantity,
            "you": Decimal(coverage["youPay"]) * quantity,
            "balance_after": Decimal(entitlement["balance"]) - quantity if entitlement else None,
        }
    errors = FormErrors(items=list(draft.get("errors") or []), fields={}, fallback=None)
    return portal.render(request, visitor, "pages/check_order.html", listing=listing, coverage=coverage,
                         entitlement=entitlement, draft=draft, quantity=quantity, amounts=amounts, errors=errors)


async def place_order(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    values = {name: str(form.get(name) or "") for name in
              ("listing_id", "entitlement_id", "quantity", "delivery", "idempotency_key")}
    outcome = await portal.run(request, visitor, "PlaceOrder", listingId=values["listing_id"],
                               entitlementId=values["entitlement_id"], quantity=values["quantity"],
                               idempotencyKey=values["idempotency_key"], deliveryOption=values["delivery"] or None)
    errors = outcome.payload_errors("placeOrder")
    order = (outcome.data.get("placeOrder") or {}).get("order")
    if order and not errors:
        async with portal.db.transaction() as session:
            await discard_draft(session, visitor.viewer, ORDER_DRAFT)
        return portal.redirect(visitor, f"/orders/{order['id']}/placed")
    if not errors:
        errors = [{"field": None, "code": outcome.codes[0] if outcome.codes else "INVALID",
                   "message": portal.gettext(visitor, "The order could not be placed. Check the answers and try again.")}]
    draft = await order_draft(portal, visitor) or {
        "listing_id": values["listing_id"], "quantity": values["quantity"], "delivery": values["delivery"],
        "idempotency_key": secrets.token_urlsafe(18)}
    draft["errors"] = errors
    await _keep(portal, visitor, draft)
    if any(e.get("field") in ORDER_FIELDS for e in errors):
        return portal.redirect(visitor, f"/listings/{values['listing_id']}")
    return portal.redirect(visitor, "/order/check")
