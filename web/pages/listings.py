"""A listing: its provider, delivery, lead time and, for a signed-in recipient, what the state
pays and what they pay, with the order form (its values kept in the account's draft)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.drafts import load_draft
from web.pages.representing import represented_person_id
from web.portal import FormErrors, Portal
from web.visitor import Visitor

ORDER_DRAFT = "order"
ORDER_FIELDS = {"quantity": "quantity", "deliveryOption": "delivery", "listingId": "quantity",
                "entitlementId": "quantity"}


async def listing_with_coverage(portal: Portal, request: Request, visitor: Visitor,
                                listing_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None,
                                                          dict[str, Any] | None]:
    """The listing (None when the viewer may not see it), and for a recipient its coverage and
    the entitlement that would pay."""
    outcome = await portal.run(request, visitor, "Listing", id=listing_id)
    listing = outcome.data.get("listing") if outcome.ok else None
    if listing is None:
        return None, None, None
    if (outcome.data.get("me") or {}).get("role") != "RECIPIENT":
        return listing, None, None
    covered = await portal.run(request, visitor, "ListingCoverage", providerId=listing["provider"]["id"],
                               code=listing["classifierItem"]["code"],
                               forPersonId=await represented_person_id(portal, request, visitor))
    coverage = next((edge["node"]["coverage"] for edge in covered.data.get("searchListings", {}).get("edges", [])
                     if edge["node"]["listing"]["id"] == listing["id"]), None)
    entitlement = None
    if coverage and coverage.get("entitlementId"):
        entitlement = next((e for e in covered.data.get("myEntitlements", []) if e["id"] == coverage["entitlementId"]),
                           None)
    return listing, coverage, entitlement


async def order_draft(portal: Portal, visitor: Visitor) -> dict[str, Any] | None:
    if not visitor.signed_in:
        return None
    async with portal.db.session() as session:
        return await load_draft(session, visitor.viewer, ORDER_DRAFT)


async def listing(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    found, coverage, entitlement = await listing_with_coverage(portal, request, visitor, request.path_params["id"])
    if found is None:
        return portal.not_found(request, visitor)
    draft = await order_draft(portal, visitor)
    if draft is not None and draft.get("listing_id") != found["id"]:
        draft = None
    errors = FormErrors(items=list((draft or {}).get("errors") or []), fields=ORDER_FIELDS, fallback="quantity")
    return portal.render(request, visitor, "pages/listing.html", listing=found, coverage=coverage,
                         entitlement=entitlement, draft=draft or {}, errors=errors)
