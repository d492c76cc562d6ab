"""The organisation's profile, kept by its provider (``updateProviderProfile``): contacts, address,
website, the accessibility of its premises and the regions it serves, beside what only the
administrator changes (BIN, registered name, verification). A refusal is shown at each field with
what was typed kept (in the account's draft, so a reload keeps it too)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.labels import ACCESSIBILITY
from web.pages.drafts import keep_done
from web.pages.provider_forms import draft_errors, form_draft, keep_refused, sent_form
from web.pages.staff import staff_form, staff_visitor
from web.portal import FormErrors, Portal

DRAFT = "provider-profile"
CONTACTS = ("phone", "email", "address", "website")
_INPUTS = {"phone": "phone", "email": "email", "address": "address", "website": "website",
           "accessibility": "accessibility", "regionIds": "regions", "providerId": "phone"}
PROFILE_FIELDS = {**_INPUTS, **{f"input.{name}": target for name, target in _INPUTS.items()}}


def typed_from_provider(provider: dict[str, Any]) -> dict[str, Any]:
    return {**{name: provider.get(name) or "" for name in CONTACTS},
            "accessibility": list(provider.get("accessibility") or []),
            "regions": [r["id"] for r in provider.get("regions") or []]}


def typed_from_form(form: FormData) -> dict[str, Any]:
    typed: dict[str, Any] = {name: str(form.get(name) or "").strip()[:600] for name in CONTACTS}
    typed["accessibility"] = [str(v) for v in form.getlist("accessibility") if v in ACCESSIBILITY]
    typed["regions"] = [str(v)[:60] for v in form.getlist("regions")][:30]
    return typed


async def profile_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    outcome = await portal.run(request, visitor, "ProviderProfile")
    provider = ((outcome.data.get("me") or {}).get("provider")) if outcome.ok else None
    if provider is None:
        return portal.not_found(request, visitor)
    draft = await form_draft(portal, visitor, DRAFT, typed_from_provider(provider))
    if errors is None:
        errors = draft_errors(draft, PROFILE_FIELDS, "phone")
    return portal.render_form(request, visitor, "provider/profile.html", errors, provider=provider,
                              typed=draft["typed"], draft=draft, regions=outcome.data.get("regions") or [],
                              accessibility=list(ACCESSIBILITY))


async def save_profile(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.PROVIDER)
    if refused:
        return refused
    key = form.get("idempotency_key")
    _, made = await sent_form(portal, visitor, DRAFT, key)
    if made:  # sent again (a double click): saved already
        return portal.redirect(visitor, "/provider/profile?done=saved")
    typed = typed_from_form(form)
    errors = FormErrors(fields=PROFILE_FIELDS, fallback="phone")
    if not typed["regions"]:
        errors.add(portal.gettext(visitor, "Choose at least one region"), "regionIds", "REQUIRED")
    provider_id = str(form.get("provider_id") or "")[:60]
    if not errors:
        saved = await portal.make(request, visitor, errors, "UpdateProviderProfile", "updateProviderProfile",
                                  "provider", providerId=provider_id, input={
            **{name: typed[name] or None for name in CONTACTS},
            "accessibility": typed["accessibility"], "regionIds": typed["regions"]})
        if any(e.get("code") == "NOT_FOUND" and "regionIds" not in str(e.get("field")) for e in errors.items):
            return portal.not_found(request, visitor)  # not this account's organisation
        if saved and not errors:
            await keep_done(portal, visitor, DRAFT, key, saved["id"])
            return portal.redirect(visitor, "/provider/profile?done=saved")
        if not errors:
            return portal.not_found(request, visitor)
    await keep_refused(portal, visitor, DRAFT, key, typed, errors)
    return await profile_page(portal, request, errors)
