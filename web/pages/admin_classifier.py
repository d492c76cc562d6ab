"""The administrator's classifier: the state's items by category with their caps and norms (and a
cap set ahead, with the day it takes effect), and an item's page where its cap is changed from a
date: today or ahead (a new cap applies to orders placed from that day on)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.labels import CATEGORY
from web.pages.staff import staff_visitor
from web.pages.trips import parse_day
from web.portal import FormErrors, Portal, parse_quantity

CAP_FIELDS = {"input.priceCap": "price-cap", "priceCap": "price-cap", "input.priceCapFrom": "cap-from",
              "priceCapFrom": "cap-from"}


async def classifier_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    category = request.query_params.get("category") or None
    if category not in CATEGORY:
        category = None
    outcome = await portal.run(request, visitor, "AdminClassifier", category=category)
    items = sorted(outcome.data.get("classifier") or [], key=lambda i: i["code"])
    return portal.render(request, visitor, "admin/classifier.html", items=items, category=category,
                         categories=list(CATEGORY))


async def item_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                    typed: dict[str, str] | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    outcome = await portal.run(request, visitor, "AdminClassifierItem", id=request.path_params["id"])
    item = outcome.data.get("node") if outcome.ok else None
    if not item or "code" not in item:
        return portal.not_found(request, visitor)
    return portal.render(request, visitor, "admin/classifier_item.html", item=item, errors=errors, typed=typed or {},
                         done=request.query_params.get("done"), status_code=400 if errors else 200)


async def change_cap(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    form = await portal.form(request, visitor)
    if refused:
        return refused
    typed = {name: str(form.get(name) or "").strip()[:40] for name in ("price_cap", "cap_from")}
    errors = FormErrors(fields=CAP_FIELDS, fallback="price-cap")
    cap = parse_quantity(typed["price_cap"])
    if cap is None:
        errors.add(portal.gettext(visitor, "Enter the new cap in tenge, like 185000"), "priceCap")
    day = parse_day(typed["cap_from"]) if typed["cap_from"] else None
    if typed["cap_from"] and day is None:
        errors.add(portal.gettext(visitor, "Enter the date as day.month.year, like 25.12.2026"), "priceCapFrom")
    item_id = request.path_params["id"]
    done = await portal.submit(request, visitor, errors, "ChangeCap", "updateClassifierItem",
                               f"/admin/classifier/{item_id}?done=cap", classifierItemId=item_id,
                               priceCap=str(cap), priceCapFrom=day.isoformat() if day else None)
    return done or await item_page(portal, request, errors, typed)
