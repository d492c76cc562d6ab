"""An organisation signs itself up (``registerProvider``): its BIN, names in the three languages
(each input marked with its lang), contacts, regions, kinds of service, the accessibility of its
premises and its representative's account; every field error comes back at once. Then the
representative is signed in and waits on the work home until an administrator verifies the
organisation (listings can be prepared meanwhile, not offered)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from web.labels import ACCESSIBILITY, CATEGORY
from web.portal import FormErrors, Portal
from web.visitor import start_session

TEXTS = ("bin", "name_ru", "name_kk", "name_en", "phone", "email", "address", "website", "representative_name",
         "username")
_INPUTS = {"bin": "bin", "nameRu": "name-ru", "nameKk": "name-kk", "nameEn": "name-en", "phone": "phone",
           "email": "email", "address": "address", "website": "website", "regionIds": "regions",
           "serviceKinds": "kinds", "accessibility": "accessibility", "representativeName": "representative-name",
           "username": "account-username", "password": "account-password"}
SIGN_UP_FIELDS = {**_INPUTS, **{f"input.{name}": target for name, target in _INPUTS.items()}}


def typed_from(form: FormData) -> dict[str, Any]:
    typed: dict[str, Any] = {name: str(form.get(name) or "").strip()[:300] for name in TEXTS}
    typed["regions"] = [str(v)[:60] for v in form.getlist("regions")][:30]
    typed["kinds"] = [str(v) for v in form.getlist("kinds") if v in CATEGORY]
    typed["accessibility"] = [str(v) for v in form.getlist("accessibility") if v in ACCESSIBILITY]
    return typed


async def sign_up_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                       typed: dict[str, Any] | None = None) -> Response:
    visitor = await portal.visitor(request)
    if visitor.signed_in:
        return portal.redirect(visitor, "/")
    regions = (await portal.run(request, visitor, "SignUpForm")).data.get("regions") or []
    return portal.render_form(request, visitor, "provider/sign_up.html", errors, regions=regions,
                              typed=typed or {"regions": [], "kinds": [], "accessibility": []},
                              categories=list(CATEGORY), accessibility=list(ACCESSIBILITY))


async def sign_up(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    form = await portal.form(request, visitor)
    if visitor.signed_in:
        return portal.redirect(visitor, "/")  # sent again after it signed the representative in
    typed = typed_from(form)
    password = str(form.get("password") or "")[:300]
    errors = FormErrors(fields=SIGN_UP_FIELDS, fallback="bin")
    registered = await portal.make(request, visitor, errors, "RegisterProvider", "registerProvider", "provider", input={
        "bin": typed["bin"], "nameRu": typed["name_ru"], "nameKk": typed["name_kk"], "nameEn": typed["name_en"] or None,
        "phone": typed["phone"], "email": typed["email"], "address": typed["address"] or None,
        "website": typed["website"] or None, "regionIds": typed["regions"], "serviceKinds": typed["kinds"],
        "accessibility": typed["accessibility"], "representativeName": typed["representative_name"] or None,
        "username": typed["username"], "password": password})
    if registered and not errors:
        signed = await portal.run(request, visitor, "SignIn", username=typed["username"], password=password)
        token = (signed.data.get("login") or {}).get("token")
        response = portal.redirect(visitor, "/?done=registered" if token else "/sign-in")
        if token:
            start_session(response, token, portal.settings)
        return response
    if not errors:
        errors.add(portal.gettext(visitor, "The organisation could not be registered. Check the answers and try again."))
    return await sign_up_page(portal, request, errors, typed)
