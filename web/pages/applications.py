"""Applications for what is granted, not bought: an individual assistant, special social
services, an aid the programme lacks. The form shows what the records already prove (the API's
``applicationForm``: facts with their source, eligibility, the term), asks only for the person's
own choices, keeps them in the account's draft, shows a check-your-answers page, and sends. Then
the list and an application's page with its status and due date."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from web.pages.claims import forward_file
from web.pages.drafts import keep, keep_errors, load
from web.pages.representing import ActingFor, acting_for
from web.portal import FormErrors, Portal, parse_quantity
from web.visitor import Visitor

APPLICATION_DRAFT = "application"
KINDS = {"assistant": "INDIVIDUAL_ASSISTANT", "social-services": "SPECIAL_SOCIAL_SERVICES", "missing-aid": "MISSING_AID"}
SLUGS = {kind: slug for slug, kind in KINDS.items()}
SERVICE_FORMS = ("HOME", "DAY_CARE", "RESIDENTIAL")
APPLICATION_FIELDS = {"details.serviceForm": "service-form", "details.classifierItemId": "aid",
                      "details.quantity": "quantity", "details.note": "note", "attachments": "attachment",
                      "file": "attachment", "personId": "note", "kind": "note"}


async def _form(portal: Portal, request: Request, visitor: Any, kind: str, person_id: str | None,
                draft: dict[str, Any]) -> dict[str, Any] | None:
    variables: dict[str, Any] = {"kind": kind, "personId": person_id}
    if kind == "MISSING_AID" and draft.get("aid"):
        variables["classifierItemId"] = draft["aid"]
    if kind == "SPECIAL_SOCIAL_SERVICES" and draft.get("service_form") in SERVICE_FORMS:
        variables["serviceForm"] = draft["service_form"]
    outcome = await portal.run(request, visitor, "ApplicationForm", **variables)
    if not outcome.ok and "classifierItemId" in variables:  # an aid id that is not one: the form without it
        variables.pop("classifierItemId")
        outcome = await portal.run(request, visitor, "ApplicationForm", **variables)
    return outcome.data.get("applicationForm") if outcome.ok else None


async def my_applications(portal: Portal, request: Request) -> Response:
    return await portal.own_list(request, "MyApplications", "applications", "pages/applications.html",
                                 "applications", slugs=SLUGS)


async def _draft_for(portal: Portal, visitor: Any, kind: str, person_id: str | None) -> dict[str, Any]:
    draft = await load(portal, visitor, APPLICATION_DRAFT)
    if draft.get("kind") != kind or draft.get("person_id") != person_id or draft.get("done_id"):
        draft = {"kind": kind, "person_id": person_id}
    return draft


async def _addressed_form(portal: Portal, request: Request,
                          visitor: Visitor) -> tuple[str, ActingFor, dict[str, Any]] | None:
    """The kind of application the address names, for whom the visitor acts, and the draft of
    that form for that person; None when the address names no kind."""
    kind = KINDS.get(request.path_params["kind"])
    if kind is None:
        return None
    acting = await acting_for(portal, request, visitor)
    return kind, acting, await _draft_for(portal, visitor, kind, acting.person_id)


async def new_application(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    opened = await _addressed_form(portal, request, visitor)
    if opened is None:
        return portal.not_found(request, visitor)
    kind, acting, draft = opened
    form = await _form(portal, request, visitor, kind, acting.person_id, draft)
    if form is None:
        return portal.not_found(request, visitor)
    aids = []
    if kind == "MISSING_AID":
        aids = [a for a in (await portal.run(request, visitor, "MissingAids")).data.get("classifier") or []
                if not a["isCustom"]]
    if errors is None:
        errors = FormErrors(items=list(draft.get("errors") or []), fields=APPLICATION_FIELDS, fallback="note")
    return portal.render_form(request, visitor, "pages/application_new.html", errors, acting=acting, kind=kind,
                              slug=SLUGS[kind], form=form, draft=draft, aids=aids, service_forms=SERVICE_FORMS)


async def answer_application(portal: Portal, request: Request) -> Response:
    """The form's answers: kept in the draft, then the check-your-answers page."""
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    opened = await _addressed_form(portal, request, visitor)
    if opened is None:
        return portal.not_found(request, visitor)
    kind, acting, draft = opened
    draft.update({name: str(form.get(name) or "").strip()[:2000] for name in ("service_form", "aid", "quantity", "note")})
    errors = FormErrors(fields=APPLICATION_FIELDS, fallback="note")
    if kind == "SPECIAL_SOCIAL_SERVICES" and draft["service_form"] not in SERVICE_FORMS:
        errors.add(portal.gettext(visitor, "Choose how you want the services"), "details.serviceForm", "REQUIRED")
    if kind == "MISSING_AID":
        if not draft["aid"]:
            errors.add(portal.gettext(visitor, "Choose the aid you need"), "details.classifierItemId", "REQUIRED")
        if draft["quantity"] and parse_quantity(draft["quantity"]) is None:
            errors.add(portal.gettext(visitor, "Enter how many as a number, like 1"), "details.quantity")
    upload = form.get("attachment")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        file_id, refused = await forward_file(request, visitor, acting.person_id or "", upload, data)
        if file_id:
            draft.update(attachment_id=file_id, attachment_name=(upload.filename or "")[:120])
        else:
            errors.extend(refused)
    if not errors:
        checked = await _form(portal, request, visitor, kind, acting.person_id, draft)
        required = (checked or {}).get("requiredAttachments") or []
        if required and not draft.get("attachment_id"):
            errors.add(portal.gettext(visitor, "Attach the document the officer needs"), "attachments", "REQUIRED")
    await keep_errors(portal, visitor, APPLICATION_DRAFT, draft, errors)
    if errors:
        return await new_application(portal, request, errors)
    return portal.redirect(visitor, "/applications/check")


def _details(draft: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if draft.get("note"):
        details["note"] = draft["note"]
    if draft["kind"] == "SPECIAL_SOCIAL_SERVICES":
        details["serviceForm"] = draft.get("service_form")
    if draft["kind"] == "MISSING_AID":
        details["classifierItemId"] = draft.get("aid")
        if draft.get("quantity"):
            details["quantity"] = str(parse_quantity(draft["quantity"]))
    return details


async def check_application(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    draft = await load(portal, visitor, APPLICATION_DRAFT)
    if not draft.get("kind") or draft.get("done_id"):
        return portal.redirect(visitor, "/applications")
    acting = await acting_for(portal, request, visitor)
    form = await _form(portal, request, visitor, draft["kind"], draft.get("person_id"), draft)
    if form is None:
        return portal.not_found(request, visitor)
    aid = None
    if draft.get("aid"):
        aid = next((a for a in (await portal.run(request, visitor, "MissingAids")).data.get("classifier") or []
                    if a["id"] == draft["aid"]), None)
    return portal.render_form(request, visitor, "pages/application_check.html", errors, acting=acting, form=form,
                              draft=draft, slug=SLUGS[draft["kind"]], aid=aid)


async def submit_application(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    await portal.form(request, visitor)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    draft = await load(portal, visitor, APPLICATION_DRAFT)
    if draft.get("done_id"):
        return portal.redirect(visitor, f"/applications/{draft['done_id']}")  # sent again: the one it sent
    if not draft.get("kind"):
        return portal.redirect(visitor, "/applications")
    attachments = None
    if draft.get("attachment_id"):
        attachments = [{"kind": "MEDICAL_RECORD", "fileId": draft["attachment_id"], "title": draft.get("attachment_name")}]
    outcome = await portal.run(request, visitor, "SubmitApplication", kind=draft["kind"], personId=draft.get("person_id"),
                               details=_details(draft), attachments=attachments)
    errors = FormErrors(fields={}, fallback=None)
    errors.extend(outcome.payload_errors("submitApplication"))
    application = (outcome.data.get("submitApplication") or {}).get("application")
    if application and not errors:
        await keep(portal, visitor, APPLICATION_DRAFT, {"done_id": application["id"]})
        return portal.redirect(visitor, f"/applications/{application['id']}?done=submitted")
    if not errors:
        errors.add(portal.gettext(visitor, "The application could not be sent. Check the answers and try again."))
    return await check_application(portal, request, errors)


async def application_page(portal: Portal, request: Request) -> Response:
    visitor, application, refused = await portal.open_case(request, "Application", "application")
    if refused:
        return refused
    return portal.render(request, visitor, "pages/application.html", application=application,
                         done=request.query_params.get("done"))
