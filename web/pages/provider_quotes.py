"""Quotes to answer: the requests for a custom item's price that recipients sent the provider
(``quotes``), soonest due first, by status; a quote's page with who asks and what they said, the
form to quote a price per unit, a lead time and the specification (``submitQuote``; revised the
same way while the officer has not decided), and the officer's decision or the recipient's
withdrawal once there is one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.drafts import keep_done
from web.pages.provider_forms import draft_errors, form_draft, keep_refused, sent_form
from web.pages.staff import list_by_status, staff_case, staff_form
from web.portal import FormErrors, Portal, parse_quantity

STATUSES = ("REQUESTED", "QUOTED", "APPROVED", "REJECTED", "ORDERED", "WITHDRAWN", "EXPIRED")
ANSWERABLE = ("REQUESTED", "QUOTED")
QUOTE_FIELDS = {"unitPrice": "unit-price", "leadTimeDays": "lead-time", "specification": "specification",
                "quoteId": "unit-price"}
MAX_SPECIFICATION = 4000


def draft_kind(quote_id: str) -> str:
    return f"quote-answer:{quote_id}"


def typed_from_quote(quote: dict[str, Any]) -> dict[str, str]:
    return {"unit_price": str(quote["unitPrice"]) if quote.get("unitPrice") is not None else "",
            "lead_time": str(quote["leadTimeDays"]) if quote.get("leadTimeDays") is not None
            else str(quote["listing"]["leadTimeDays"]),
            "specification": quote.get("specification") or ""}


async def quotes_page(portal: Portal, request: Request) -> Response:
    return await list_by_status(portal, request, Role.PROVIDER, "ProviderQuotes", "quotes", "provider/quotes.html",
                                STATUSES, "quotes")


async def quote_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor, quote, refused = await staff_case(portal, request, Role.PROVIDER, "ProviderQuote", "quote")
    if refused:
        return refused
    draft = await form_draft(portal, visitor, draft_kind(quote["id"]), typed_from_quote(quote))
    if errors is None:
        errors = draft_errors(draft, QUOTE_FIELDS, "unit-price") if quote["status"] in ANSWERABLE else None
    return portal.render_form(request, visitor, "provider/quote.html", errors or None, quote=quote,
                              typed=draft["typed"], draft=draft, answerable=quote["status"] in ANSWERABLE)


async def submit_quote(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.PROVIDER)
    if refused:
        return refused
    quote_id = request.path_params["id"]
    kind = draft_kind(quote_id)
    key = form.get("idempotency_key")
    _, made = await sent_form(portal, visitor, kind, key)
    if made:  # the same answer sent again (a double click): quoted once, not revised twice
        return portal.redirect(visitor, f"/provider/quotes/{quote_id}?done=quoted")
    typed = {"unit_price": str(form.get("unit_price") or "").strip()[:40],
             "lead_time": str(form.get("lead_time") or "").strip()[:40],
             "specification": str(form.get("specification") or "").strip()[:MAX_SPECIFICATION * 2]}
    errors = FormErrors(fields=QUOTE_FIELDS, fallback="unit-price")
    price = parse_quantity(typed["unit_price"])
    if price is None:
        errors.add(portal.gettext(visitor, "Enter the price for one unit in tenge, like 45000"), "unitPrice")
    if not typed["lead_time"].isdigit():
        errors.add(portal.gettext(visitor, "Enter the days to deliver as a whole number, like 5"), "leadTimeDays")
    if not typed["specification"]:
        errors.add(portal.gettext(visitor, "Describe what you will make: the officer and the recipient read it"),
                   "specification", "REQUIRED")
    if not errors:
        quoted = await portal.make(request, visitor, errors, "SubmitQuote", "submitQuote", "quote", quoteId=quote_id,
                                   unitPrice=str(price), leadTimeDays=min(int(typed["lead_time"]), 100_000),
                                   specification=typed["specification"])
        if quoted and not errors:
            await keep_done(portal, visitor, kind, key, quoted["id"])
            return portal.redirect(visitor, f"/provider/quotes/{quote_id}?done=quoted")
        if not errors:
            return portal.not_found(request, visitor)
    await keep_refused(portal, visitor, kind, key, typed, errors)
    return await quote_page(portal, request, errors)
