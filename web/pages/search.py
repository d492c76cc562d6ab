"""Search: a GET form (it works as a link, with the back button and without script), its
filters and facets, and for a recipient each hit's "state pays / you pay"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from web import labels
from web.pages.representing import represented_person_id
from web.portal import Portal, parse_quantity

FACETS_SHOWN = ("category", "delivery_options")
MAX_QUERY = 200


def search_filter(params: Any) -> dict[str, Any]:
    """The API's ListingFilter from the form's fields (unknown values are dropped)."""
    flt: dict[str, Any] = {}
    codes = [c for c in params.getlist("code") if c and len(c) <= 40]
    if codes:
        flt["classifierCodes"] = codes
    categories = [c for c in params.getlist("category") if c in labels.CATEGORY]
    if categories:
        flt["categories"] = categories
    delivery = [d for d in params.getlist("delivery") if d in labels.DELIVERY]
    if delivery:
        flt["deliveryOptions"] = delivery
    if params.get("in_stock"):
        flt["inStock"] = True
    if params.get("verified"):
        flt["providerVerified"] = True
    price_max = parse_quantity(params.get("price_max"))
    if price_max is not None and price_max >= 0:
        flt["priceMax"] = str(price_max)
    return flt


async def search(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    params = request.query_params
    q = (params.get("q") or "").strip()[:MAX_QUERY]
    sort = params.get("sort") or ""
    if sort not in labels.SORT:
        sort = ""
    after = params.get("after") or None
    person = await represented_person_id(portal, request, visitor)
    outcome = await portal.run(request, visitor, "SearchListings", query=q, filter=search_filter(params) or None,
                               sort=sort or None, after=after, forPersonId=person)
    if not outcome.ok and "INVALID" in outcome.codes and after:  # a stale cursor: start again
        outcome = await portal.run(request, visitor, "SearchListings", query=q, filter=search_filter(params) or None,
                                   sort=sort or None, after=None, forPersonId=person)
    if not outcome.ok:
        return portal.render(request, visitor, "pages/search_unavailable.html", status_code=503, q=q)
    found = outcome.data["searchListings"]
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in found["facets"]}
    chosen = {
        "category": set(params.getlist("category")), "delivery": set(params.getlist("delivery")),
        "in_stock": bool(params.get("in_stock")), "verified": bool(params.get("verified")),
        "codes": [c for c in params.getlist("code") if c], "price_max": params.get("price_max") or "",
    }
    next_page = None
    if found["pageInfo"]["hasNextPage"]:
        kept = [(k, v) for k, v in params.multi_items() if k != "after"]
        next_page = "/search?" + urlencode(kept + [("after", found["pageInfo"]["endCursor"])])
    return portal.render(request, visitor, "pages/search.html", q=q, sort=sort, hits=found["edges"],
                         total=found["totalCount"], facets=facets, chosen=chosen, next_page=next_page,
                         paged=bool(after))
