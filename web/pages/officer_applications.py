"""Deciding an application (an officer of the person's region): what was asked, what the
records prove (the applicant uploads none of it), the legal term (overdue, or due within two
working days), then approved, issuing the IRP line (the hours a day of an assistant, the
quantity and the end may be given, else the rules' defaults), or rejected with the reason the
person reads. The same form sent twice decides once."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from web.pages.staff import decide, officer_case, officer_decision
from web.pages.trips import parse_day
from web.portal import FormErrors, Portal, parse_quantity

APPROVE_FIELDS = {"quantity": "approve-quantity", "dailyLimit": "approve-daily-limit", "validUntil": "approve-until",
                  "validFrom": "approve-until"}
REACHED = {"approve": "APPROVED", "reject": "REJECTED"}


async def application_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                           typed: dict[str, Any] | None = None) -> Response:
    visitor, application, refused = await officer_case(portal, request, "OfficerApplication", "application")
    if refused or application is None:
        return refused or portal.not_found(request, visitor)
    return portal.render_form(request, visitor, "officer/application.html", errors, application=application,
                              typed=typed or {})


async def decide_application(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await officer_decision(portal, request, REACHED)
    if refused:
        return refused
    application_id = request.path_params["id"]
    typed = {name: str(form.get(name) or "").strip()[:1000] for name in ("quantity", "daily_limit", "until", "reason")}
    done = f"/officer/applications/{application_id}?done={REACHED[action].lower()}"
    if action == "approve":
        errors = FormErrors(fields=APPROVE_FIELDS, fallback="approve-quantity")
        quantity = parse_quantity(typed["quantity"]) if typed["quantity"] else None
        if typed["quantity"] and quantity is None:
            errors.add(portal.gettext(visitor, "Enter the quantity as a number, like 12, or leave it empty"),
                       "quantity")
        daily_limit = parse_quantity(typed["daily_limit"]) if typed["daily_limit"] else None
        if typed["daily_limit"] and daily_limit is None:
            errors.add(portal.gettext(visitor, "Enter the hours a day as a number, like 6, or leave it empty"),
                       "dailyLimit")
        until = parse_day(typed["until"]) if typed["until"] else None
        if typed["until"] and until is None:
            errors.add(portal.gettext(visitor, "Enter the date as day.month.year, like 25.12.2026"), "validUntil")
        answer = await decide(portal, request, visitor, errors, "ApproveApplication", "approveApplication",
                              reread="OfficerApplication", subject="application", reached="APPROVED", done=done,
                              applicationId=application_id, quantity=str(quantity) if quantity is not None else None,
                              dailyLimit=str(daily_limit) if daily_limit is not None else None,
                              validUntil=until.isoformat() if until else None)
    else:
        errors = FormErrors(fields={"reason": "reject-reason"}, fallback="reject-reason")
        if not typed["reason"]:
            errors.add(portal.gettext(visitor, "Say why the application is refused: the person reads it"), "reason",
                       "REQUIRED")
        answer = await decide(portal, request, visitor, errors, "RejectApplication", "rejectApplication",
                              reread="OfficerApplication", subject="application", reached="REJECTED", done=done,
                              applicationId=application_id, reason=typed["reason"])
    return answer or await application_page(portal, request, errors, typed)
