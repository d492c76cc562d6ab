"""Deciding a quote for a custom item (an officer of the person's region): the provider's price,
lead time and specification against the person's IRP line, then approved (at the price quoted
or at a lower one the state pays, the rest the recipient's) or rejected with the reason both
read. The decision names the revision shown, so a price changed meanwhile is not approved unseen;
the same form sent twice decides once."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from web.pages.staff import decide, officer_case, officer_decision
from web.portal import FormErrors, Portal, parse_quantity

APPROVE_FIELDS = {"approvedUnitPrice": "approve-price", "revision": "approve-price"}
REJECT_FIELDS = {"reason": "reject-reason", "revision": "reject-reason"}
REACHED = {"approve": "APPROVED", "reject": "REJECTED"}


async def quote_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                     typed: dict[str, Any] | None = None) -> Response:
    visitor, quote, refused = await officer_case(portal, request, "Quote", "quote")
    if refused or quote is None:
        return refused or portal.not_found(request, visitor)
    return portal.render_form(request, visitor, "officer/quote.html", errors, quote=quote, typed=typed or {})


async def decide_quote(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await officer_decision(portal, request, REACHED)
    if refused:
        return refused
    quote_id = request.path_params["id"]
    typed = {name: str(form.get(name) or "").strip()[:1000] for name in ("price", "reason")}
    revision = str(form.get("revision") or "")
    shared: dict[str, Any] = {"reread": "Quote", "subject": "quote", "reached": REACHED[action],
                              "done": f"/officer/quotes/{quote_id}?done={REACHED[action].lower()}",
                              "quoteId": quote_id, "revision": int(revision) if revision.isdigit() else None}
    if action == "approve":
        errors = FormErrors(fields=APPROVE_FIELDS, fallback="approve-price")
        price = parse_quantity(typed["price"]) if typed["price"] else None
        if typed["price"] and price is None:
            errors.add(portal.gettext(visitor, "Enter the price in tenge, like 450000, or leave it empty"),
                       "approvedUnitPrice")
        answer = await decide(portal, request, visitor, errors, "ApproveQuote", "approveQuote",
                              approvedUnitPrice=str(price) if price is not None else None, **shared)
    else:
        errors = FormErrors(fields=REJECT_FIELDS, fallback="reject-reason")
        if not typed["reason"]:
            errors.add(portal.gettext(visitor, "Say why the quote is refused: the recipient and the provider read it"),
                       "reason", "REQUIRED")
        answer = await decide(portal, request, visitor, errors, "RejectQuote", "rejectQuote", reason=typed["reason"],
                              **shared)
    return answer or await quote_page(portal, request, errors, typed)
