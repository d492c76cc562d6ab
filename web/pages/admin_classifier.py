"""The administrator's classifier: the state's items by category with their caps and norms (and a
cap set ahead, with the day it takes effect), and an item's page where its cap is changed from a
date: today or ahead (a new cap applies to orders placed from that day on); its names, service
life and norms (released a quarter, most a year, most a day, a companion allowed) changed, an
empty norm removed (lines already issued keep theirs); and a new item."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.labels import CATEGORY, UNIT
from web.pages.admin_regions import NAMES, check_names
from web.pages.drafts import done, keep, keyed, load
from web.pages.staff import staff_case, staff_form, staff_visitor
from web.visitor import Visitor
from web.pages.trips import parse_day
from web.portal import FormErrors, Portal, chosen, parse_quantity

CAP_FIELDS = {"input.priceCap": "price-cap", "priceCap": "price-cap", "input.priceCapFrom": "cap-from",
              "priceCapFrom": "cap-from"}
_ITEM_INPUTS = {"code": "code", "nameKk": "name-kk", "nameRu": "name-ru", "nameEn": "name-en", "kind": "kind",
                "unit": "unit", "category": "category", "priceCap": "new-cap", "serviceLifeMonths": "service-life",
                "quarterlyRelease": "quarterly-release", "yearlyMax": "yearly-max", "dailyMax": "daily-max",
                "companionAllowed": "companion"}
# An API argument (``input.yearlyMax``, or the form's own ``yearlyMax``) → the input that holds it.
ITEM_FIELDS = {**_ITEM_INPUTS, **{f"input.{name}": target for name, target in _ITEM_INPUTS.items()}}
NORMS = {"quarterly_release": "quarterlyRelease", "yearly_max": "yearlyMax", "daily_max": "dailyMax"}
KINDS = ("PRODUCT", "SERVICE")
NEW_ITEM = "classifier:new"


def typed_item(form: FormData) -> dict[str, Any]:
    """The item's form as typed."""
    typed: dict[str, Any] = {name: str(form.get(name) or "").strip()[:300] for name in NAMES}
    typed.update({name: str(form.get(name) or "").strip()[:40] for name in
                  ("code", "kind", "unit", "category", "price_cap", "service_life", *NORMS)})
    typed["companion"] = form.get("companion") == "yes"
    return typed


def typed_from_item(item: dict[str, Any]) -> dict[str, Any]:
    """The edit form's fields as the item has them now."""
    return {"name_kk": item["nameKk"], "name_ru": item["nameRu"], "name_en": item["nameEn"],
            "service_life": str(item["serviceLifeMonths"] or ""), "companion": bool(item["companionAllowed"]),
            **{name: str(item[field] or "") for name, field in NORMS.items()}}


def item_input(portal: Portal, visitor: Visitor, typed: dict[str, Any], errors: FormErrors) -> dict[str, Any]:
    """The names, service life and norms for ``createClassifierItem`` or ``updateClassifierItem``:
    an empty norm or service life is none; each name is required."""
    fields: dict[str, Any] = check_names(portal, visitor, typed, errors)
    life = typed["service_life"]
    if life and not (life.isdigit() and life.isascii()):
        errors.add(portal.gettext(visitor, "Enter the service life in whole months, like 36, or leave it empty"),
                   "serviceLifeMonths")
    fields["serviceLifeMonths"] = int(life) if life.isdigit() and life.isascii() else None
    for name, argument in NORMS.items():
        value = parse_quantity(typed[name]) if typed[name] else None
        if typed[name] and value is None:
            errors.add(portal.gettext(visitor, "Enter the norm as a number, like 365, or leave it empty"), argument)
        fields[argument] = str(value) if value is not None else None
    fields["companionAllowed"] = bool(typed["companion"])
    return fields


async def classifier_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    category = chosen(request, "category", CATEGORY)
    outcome = await portal.run(request, visitor, "AdminClassifier", category=category)
    items = sorted(outcome.data.get("classifier") or [], key=lambda i: i["code"])
    return portal.render(request, visitor, "admin/classifier.html", items=items, category=category,
                         categories=list(CATEGORY))


async def item_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                    typed: dict[str, str] | None = None) -> Response:
    visitor, item, refused = await staff_case(portal, request, Role.ADMIN, "AdminClassifierItem", "node", "code")
    if refused:
        return refused
    typed = typed or {}
    edit = typed.get("edit") or typed_from_item(item)
    return portal.render_form(request, visitor, "admin/classifier_item.html", errors, item=item, typed=typed, edit=edit)


async def change_cap(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.ADMIN)
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


async def edit_item(portal: Portal, request: Request) -> Response:
    """The item's names, service life and norms, all sent at once (an empty norm removes it)."""
    visitor, form, refused = await staff_form(portal, request, Role.ADMIN)
    if refused:
        return refused
    typed = typed_item(form)
    errors = FormErrors(fields=ITEM_FIELDS, fallback="name-kk")
    fields = item_input(portal, visitor, typed, errors)
    item_id = request.path_params["id"]
    finished = await portal.submit(request, visitor, errors, "EditClassifierItem", "updateClassifierItem",
                                   f"/admin/classifier/{item_id}?done=item", classifierItemId=item_id, input=fields)
    return finished or await item_page(portal, request, errors, {"edit": typed})


async def new_item_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                        typed: dict[str, Any] | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    draft = await keyed(portal, visitor, NEW_ITEM, None)
    typed = typed or {"kind": "PRODUCT", "companion": False}
    return portal.render_form(request, visitor, "admin/classifier_new.html", errors, typed=typed, draft=draft,
                              kinds=KINDS, units=list(UNIT), categories=list(CATEGORY))


async def create_item(portal: Portal, request: Request) -> Response:
    """A new item; the same form sent twice (a double click, a reload) lands on the item it made."""
    visitor, form, refused = await staff_form(portal, request, Role.ADMIN)
    if refused:
        return refused
    draft = await load(portal, visitor, NEW_ITEM)
    made = done(draft, form.get("idempotency_key"))
    if made:
        return portal.redirect(visitor, f"/admin/classifier/{made}?done=created")
    typed = typed_item(form)
    errors = FormErrors(fields=ITEM_FIELDS, fallback="code")
    if not typed["code"]:
        errors.add(portal.gettext(visitor, "Enter the item's code, like TSR-01-001"), "code", "REQUIRED")
    if typed["kind"] not in KINDS:
        errors.add(portal.gettext(visitor, "Choose a product or a service"), "kind", "REQUIRED")
    if typed["unit"] not in UNIT:
        errors.add(portal.gettext(visitor, "Choose the unit"), "unit", "REQUIRED")
    if typed["category"] not in CATEGORY:
        errors.add(portal.gettext(visitor, "Choose the category"), "category", "REQUIRED")
    cap = parse_quantity(typed["price_cap"]) if typed["price_cap"] else None
    if typed["price_cap"] and cap is None:
        errors.add(portal.gettext(visitor, "Enter the cap in tenge, like 185000, or leave it empty for a custom item"),
                   "priceCap")
    fields = item_input(portal, visitor, typed, errors)  # after the fields above it on the form
    if not errors:
        item = await portal.make(request, visitor, errors, "CreateClassifierItem", "createClassifierItem",
                                 "classifierItem", input={
            **fields, "code": typed["code"], "kind": typed["kind"], "unit": typed["unit"],
            "category": typed["category"], "priceCap": str(cap) if cap is not None else None})
        if item and not errors:
            await keep(portal, visitor, NEW_ITEM, {**draft, "done_id": item["id"]})
            return portal.redirect(visitor, f"/admin/classifier/{item['id']}?done=created")
        if not errors:
            errors.add(portal.gettext(visitor, "The item could not be created. Check the answers and try again."))
    return await new_item_page(portal, request, errors, typed)
