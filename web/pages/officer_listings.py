"""Moderating a listing (an officer of a region it serves): the offer as the provider wrote it in
each language, its price against the state's cap, then published, or sent back with the reason
the provider reads. The decision carries the version shown, so a listing changed meanwhile is
not published unseen."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.staff import officer_decision, staff_case
from web.portal import FormErrors, Portal

DECISIONS = {"approve": ("APPROVE", "published"), "reject": ("REJECT", "sent-back")}


async def moderation_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                          reason: str = "") -> Response:
    visitor, listing, refused = await staff_case(portal, request, Role.LOCAL_BODY, "ProviderListing", "listing")
    if refused:
        return refused
    return portal.render_form(request, visitor, "officer/listing.html", errors, listing=listing, reason=reason)


async def decide_listing(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await officer_decision(portal, request, DECISIONS)
    if refused:
        return refused
    decision = DECISIONS[action]
    listing_id = request.path_params["id"]
    reason = str(form.get("reason") or "").strip()[:1000]
    version = str(form.get("version") or "")
    errors = FormErrors(fields={"reason": "review-reason"}, fallback="review-reason" if decision[0] == "REJECT" else None)
    if decision[0] == "REJECT" and not reason:
        errors.add(portal.gettext(visitor, "Say what the provider should change: the provider reads it"), "reason",
                   "REQUIRED")
    done = await portal.submit(request, visitor, errors, "ReviewListing", "reviewListing",
                               f"/officer/listings/{listing_id}?done={decision[1]}", listingId=listing_id,
                               decision=decision[0], reason=reason or None,
                               expectedVersion=int(version) if version.isdigit() else None)
    return done or await moderation_page(portal, request, errors, reason)
