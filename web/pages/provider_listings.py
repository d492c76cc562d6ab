"""The provider's listings: all of them by status; a new one and an edit with the title and the
description in Kazakh, Russian and English (each input marked with its language); a listing's
page with its status, why an officer sent it back, and the ways on (edit, send for review,
archive).

The form is kept in the account's draft as it is typed (a failed submit, a reload, another page
and back lose nothing), with a key minted when the form is shown: the same form sent twice (a
double click, a resubmit after a lost answer) lands on the listing it made or saved, never a
second one."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.labels import DELIVERY
from web.pages.drafts import done, keep, keep_done, keep_errors, load
from web.pages.staff import staff_action, staff_form, staff_visitor
from web.portal import FormErrors, Portal, chosen, parse_quantity
from web.visitor import Visitor

STATUSES = ("DRAFT", "PENDING_REVIEW", "PUBLISHED", "REJECTED", "ARCHIVED")
TEXTS = ("title_kk", "title_ru", "title_en", "description_kk", "description_ru", "description_en")
_INPUTS = {"classifierItemId": "item", "unitPrice": "unit-price", "regionIds": "regions",
           "deliveryOptions": "delivery", "leadTimeDays": "lead-time", "stock": "stock",
           "titleKk": "title-kk", "titleRu": "title-ru", "titleEn": "title-en",
           "descriptionKk": "description-kk", "descriptionRu": "description-ru", "descriptionEn": "description-en"}
# An API argument (``input.unitPrice``, or the form's own ``unitPrice``) → the input that holds it.
LISTING_FIELDS = {**_INPUTS, **{f"input.{name}": target for name, target in _INPUTS.items()}}
ACTIONS = {
    # action: (operation, payload root, what the listing page says was done)
    "submit": ("SubmitListing", "submitListing", "submitted"),
    "archive": ("ArchiveListing", "archiveListing", "archived"),
}


def draft_kind(listing_id: str | None) -> str:
    return f"listing:{listing_id}" if listing_id else "listing:new"


def typed_from_listing(listing: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as the listing has them now (the edit form's first showing)."""
    return {
        "item": listing["classifierItem"]["id"], "unit_price": str(listing["unitPrice"]),
        "regions": [r["id"] for r in listing["regions"]], "delivery": list(listing["deliveryOptions"]),
        "lead_time": str(listing["leadTimeDays"]), "stock": "" if listing["stock"] is None else str(listing["stock"]),
        **{name: listing[_camel(name)] or "" for name in TEXTS},
    }


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def typed_from_form(form: FormData) -> dict[str, Any]:
    typed: dict[str, Any] = {name: str(form.get(name) or "").strip()[:40] for name in
                             ("item", "unit_price", "lead_time", "stock")}
    typed.update({name: str(form.get(name) or "").strip()[:5000] for name in TEXTS})
    typed["regions"] = [str(v)[:60] for v in form.getlist("regions")][:100]
    typed["delivery"] = [str(v) for v in form.getlist("delivery") if v in DELIVERY]
    return typed


async def listings_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    me = (await portal.run(request, visitor, "ProviderMe")).data.get("me") or {}
    provider = me.get("provider") or {}
    status = chosen(request, "status", STATUSES)
    listings, next_cursor, total = await portal.run_page(request, visitor, "ProviderListings", "providerListings",
                                                         providerId=provider.get("id") or "", status=status)
    return portal.render(request, visitor, "provider/listings.html", provider=provider, listings=listings,
                         next_cursor=next_cursor, total=total, status=status, statuses=STATUSES)


async def _listing(portal: Portal, request: Request, visitor: Visitor) -> dict[str, Any] | None:
    outcome = await portal.run(request, visitor, "ProviderListing", id=request.path_params["id"])
    listing = outcome.data.get("listing") if outcome.ok else None
    if listing is None or not visitor.viewer.provider_id:
        return None
    me = (await portal.run(request, visitor, "ProviderMe")).data.get("me") or {}
    if (me.get("provider") or {}).get("id") != listing["provider"]["id"]:
        return None  # another provider's published listing: not one of ours to manage
    return listing


async def listing_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    listing = await _listing(portal, request, visitor)
    if listing is None:
        return portal.not_found(request, visitor)
    return portal.render_form(request, visitor, "provider/listing.html", errors, listing=listing)


async def show_form(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    """The new listing's form (``/provider/listings/new``) or an edit's (``/provider/listings/{id}/edit``)."""
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    listing_id = request.path_params.get("id")
    listing = None
    if listing_id:
        listing = await _listing(portal, request, visitor)
        if listing is None or listing["status"] == "ARCHIVED":
            return portal.not_found(request, visitor)
    form_data = (await portal.run(request, visitor, "ListingForm")).data
    provider = (form_data.get("me") or {}).get("provider") or {}
    kind = draft_kind(listing_id)
    draft = await load(portal, visitor, kind)
    fresh = not draft.get("idempotency_key") or draft.get("done_id") or (
        listing is not None and draft.get("version") != listing["version"])
    if fresh:  # a form shown anew: a new key; an edit starts from the listing as it is
        draft = {"idempotency_key": secrets.token_urlsafe(18),
                 "typed": typed_from_listing(listing) if listing else {"delivery": [], "regions": []},
                 "version": listing["version"] if listing else None}
        await keep(portal, visitor, kind, draft)
    if errors is None:
        errors = FormErrors(items=list(draft.get("errors") or []), fields=LISTING_FIELDS, fallback="item")
    items = sorted(form_data.get("classifier") or [], key=lambda i: (i["category"], i["code"]))
    kinds = set(provider.get("serviceKinds") or [])
    if kinds:
        items = [i for i in items if i["category"] in kinds or i["id"] == draft["typed"].get("item")]
    return portal.render_form(request, visitor, "provider/listing_form.html", errors, listing=listing,
                              provider=provider, items=items, typed=draft["typed"], draft=draft)


async def save_form(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.PROVIDER)
    if refused:
        return refused
    listing_id = request.path_params.get("id")
    kind = draft_kind(listing_id)
    draft = await load(portal, visitor, kind)
    key = str(form.get("idempotency_key") or "")
    made = done(draft, key)
    if made:  # sent again: the listing it made or saved
        return portal.redirect(visitor, f"/provider/listings/{made}")
    typed = typed_from_form(form)
    draft.update(typed=typed, idempotency_key=key or draft.get("idempotency_key") or secrets.token_urlsafe(18))
    errors = FormErrors(fields=LISTING_FIELDS, fallback="item")
    if not typed["item"]:
        errors.add(portal.gettext(visitor, "Choose the classifier item you offer"), "classifierItemId", "REQUIRED")
    price = parse_quantity(typed["unit_price"])
    if price is None:
        errors.add(portal.gettext(visitor, "Enter the price for one unit in tenge, like 45000"), "unitPrice")
    lead = typed["lead_time"] or "0"
    if not lead.isdigit():
        errors.add(portal.gettext(visitor, "Enter the days to deliver as a whole number, like 5"), "leadTimeDays")
    stock = typed["stock"]
    if stock and not stock.isdigit():
        errors.add(portal.gettext(visitor, "Enter how many you have as a whole number, or leave it empty"), "stock")
    if not typed["regions"]:
        errors.add(portal.gettext(visitor, "Choose at least one region"), "regionIds", "REQUIRED")
    if not typed["delivery"]:
        errors.add(portal.gettext(visitor, "Choose at least one way of delivery"), "deliveryOptions", "REQUIRED")
    if not errors:
        fields: dict[str, Any] = {
            "classifierItemId": typed["item"], "unitPrice": str(price), "regionIds": typed["regions"],
            "deliveryOptions": typed["delivery"], "leadTimeDays": int(lead), "stock": int(stock) if stock else None,
            **{_camel(name): typed[name] for name in TEXTS},
        }
        if listing_id:
            saved = await portal.make(request, visitor, errors, "UpdateListing", "updateListing", "listing",
                                      listingId=listing_id, input=fields, expectedVersion=draft.get("version"))
            done_word = "saved"
        else:
            saved = await portal.make(request, visitor, errors, "CreateListing", "createListing", "listing",
                                      input=fields)
            done_word = "created"
        if saved and not errors:
            await keep_done(portal, visitor, kind, draft["idempotency_key"], saved["id"])
            return portal.redirect(visitor, f"/provider/listings/{saved['id']}?done={done_word}")
        if not errors:
            errors.add(portal.gettext(visitor, "The listing could not be saved. Check the answers and try again."))
    await keep_errors(portal, visitor, kind, draft, errors)
    return await show_form(portal, request, errors)


async def listing_action(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await staff_action(portal, request, Role.PROVIDER, ACTIONS)
    if refused:
        return refused
    operation, root, done_word = ACTIONS[action]
    listing_id = request.path_params["id"]
    variables: dict[str, Any] = {"listingId": listing_id}
    if operation == "ArchiveListing":
        variables["reason"] = str(form.get("reason") or "").strip()[:1000] or None
    errors = FormErrors(fields={"reason": "archive-reason"}, fallback=None)
    done = await portal.submit(request, visitor, errors, operation, root,
                               f"/provider/listings/{listing_id}?done={done_word}", **variables)
    return done or await listing_page(portal, request, errors)
