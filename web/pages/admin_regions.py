"""The administrator's regions: the list with the names in Kazakh, Russian and English, a new
region (its code is for good: imports and addresses use it), and a region renamed."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.labels import N_
from web.pages.staff import staff_case, staff_form, staff_visitor
from web.portal import FormErrors, Portal
from web.visitor import Visitor

NAMES = ("name_kk", "name_ru", "name_en")
REGION_FIELDS = {"code": "code", "nameKk": "name-kk", "nameRu": "name-ru", "nameEn": "name-en"}


def typed_names(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip()[:200] for name in NAMES}


def check_names(portal: Portal, visitor: Visitor, typed: dict[str, str], errors: FormErrors) -> dict[str, str]:
    """The names for the API (``nameKk``...), each required."""
    words = {"name_kk": N_("Enter the name in Kazakh"), "name_ru": N_("Enter the name in Russian"),
             "name_en": N_("Enter the name in English")}
    arguments = {}
    for name in NAMES:
        argument = "name" + name[-2:].capitalize()
        if not typed[name]:
            errors.add(portal.gettext(visitor, words[name]), argument, "REQUIRED")
        arguments[argument] = typed[name]
    return arguments


async def regions_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                       typed: dict[str, str] | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    regions = sorted((await portal.run(request, visitor, "AdminRegions")).data.get("regions") or [],
                     key=lambda r: r["code"])
    return portal.render_form(request, visitor, "admin/regions.html", errors, regions=regions, typed=typed or {})


async def create_region(portal: Portal, request: Request) -> Response:
    """A new region; the same form sent twice makes one (the code is unique: the second is refused
    at the field, and nothing doubles)."""
    visitor, form, refused = await staff_form(portal, request, Role.ADMIN)
    if refused:
        return refused
    typed = {"code": str(form.get("code") or "").strip()[:40], **typed_names(form)}
    errors = FormErrors(fields=REGION_FIELDS, fallback="code")
    if not typed["code"]:
        errors.add(portal.gettext(visitor, "Enter the region's code in Latin letters, like ABAI"), "code", "REQUIRED")
    names = check_names(portal, visitor, typed, errors)
    finished = await portal.submit(request, visitor, errors, "CreateRegion", "createRegion",
                                   "/admin/regions?done=created", code=typed["code"], **names)
    return finished or await regions_page(portal, request, errors, typed)


async def region_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                      typed: dict[str, str] | None = None) -> Response:
    visitor, region, refused = await staff_case(portal, request, Role.ADMIN, "AdminRegion", "node", "code")
    if refused:
        return refused
    typed = typed or {"name_kk": region["nameKk"], "name_ru": region["nameRu"], "name_en": region["nameEn"]}
    return portal.render_form(request, visitor, "admin/region.html", errors, region=region, typed=typed)


async def rename_region(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.ADMIN)
    if refused:
        return refused
    region_id = request.path_params["id"]
    typed = typed_names(form)
    errors = FormErrors(fields=REGION_FIELDS, fallback="name-kk")
    names = check_names(portal, visitor, typed, errors)
    finished = await portal.submit(request, visitor, errors, "RenameRegion", "updateRegion",
                                   f"/admin/regions/{region_id}?done=renamed", regionId=region_id, **names)
    return finished or await region_page(portal, request, errors, typed)
