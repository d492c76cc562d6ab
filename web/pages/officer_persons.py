"""A person found by IIN (an officer sees only the persons of the region): the person's record,
disability records and IRP lines with their balances, and who changed the person, when."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.staff import staff_visitor
from web.portal import FormErrors, Portal

MOST_HISTORY = 20  # the latest changes shown


async def find_person(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY, Role.ADMIN)
    if refused:
        return refused
    iin = "".join((request.query_params.get("iin") or "").split())[:20]
    errors = FormErrors(fallback="iin")
    if "iin" in request.query_params:
        if not iin:
            errors.add(portal.gettext(visitor, "Enter the person's IIN: 12 digits"), "iin", "REQUIRED")
        else:
            outcome = await portal.run(request, visitor, "FindPerson", iin=iin)
            person = outcome.data.get("personByIin") if outcome.ok else None
            if person:
                return portal.redirect(visitor, f"/officer/persons/{person['id']}")
            if "INVALID_IIN" in outcome.codes:
                errors.add(portal.gettext(visitor, "This is not a valid IIN: check the 12 digits"), "iin", "INVALID_IIN")
            else:
                errors.add(portal.gettext(visitor, "No person with this IIN in your region"), "iin", "NOT_FOUND")
    return portal.render(request, visitor, "officer/find_person.html", iin=iin, errors=errors,
                         status_code=400 if errors else 200)


async def person_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY, Role.ADMIN)
    if refused:
        return refused
    outcome = await portal.run(request, visitor, "PersonRecord", id=request.path_params["id"])
    person = outcome.data.get("person") if outcome.data else None
    if person is None:
        return portal.not_found(request, visitor)
    history = list(reversed(outcome.data.get("auditTrail") or []))[:MOST_HISTORY]
    return portal.render(request, visitor, "officer/person.html", person=person,
                         records=outcome.data.get("disabilityRecords") or [],
                         lines=outcome.data.get("entitlements") or [], history=history)
