"""A person found by IIN (an officer sees only the persons of the region): the person's record,
disability records and IRP lines with their balances, and who changed the person, when; and
there, a disability record registered (set by medical-social examination) and a line of the
programme issued on it. What was typed is kept in the officer's draft of each form (a refusal
shows it again at its fields); the key minted with the form makes a double click or a resend
land on what the first one made."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.labels import N_
from web.pages.drafts import keep, load
from web.pages.staff import staff_visitor
from web.pages.trips import parse_day
from web.portal import FormErrors, Portal, parse_quantity
from web.visitor import Visitor

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
    return portal.render_form(request, visitor, "officer/find_person.html", errors, iin=iin)


RECORD_FORM, LINE_FORM = "disability-record", "irp-line"
RECORD_FIELDS = {"group": "record-group", "cause": "record-cause", "nosologyCode": "record-nosology",
                 "examFormat": "record-exam", "validFrom": "record-from", "validUntil": "record-until",
                 "decisionNumber": "record-decision", "personId": "record-group"}
LINE_FIELDS = {"classifierItemId": "line-item", "quantity": "line-quantity", "validFrom": "line-from",
               "validUntil": "line-until", "lineNumber": "line-number", "quarterlyRelease": "line-quarterly",
               "dailyLimit": "line-daily", "withCompanion": "line-companion", "personId": "line-item"}
RECORD_TYPED = ("group", "cause", "nosology", "exam", "from", "until", "decision")
LINE_TYPED = ("item", "quantity", "from", "until", "number", "quarterly", "daily")
GROUPS = ("I", "II", "III", "CHILD")
EXAM_FORMATS = ("IN_PERSON", "IN_ABSENTIA")


async def person_page(portal: Portal, request: Request, errors: dict[str, FormErrors] | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY, Role.ADMIN)
    if refused:
        return refused
    person_id = request.path_params["id"]
    outcome = await portal.run(request, visitor, "PersonRecord", id=person_id)
    person = outcome.data.get("person") if outcome.data else None
    if person is None:
        return portal.not_found(request, visitor)
    history = list(reversed(outcome.data.get("auditTrail") or []))[:MOST_HISTORY]
    items = (await portal.run(request, visitor, "IrpClassifier")).data.get("classifier") or []
    return portal.render(request, visitor, "officer/person.html", person=person,
                         records=outcome.data.get("disabilityRecords") or [],
                         lines=outcome.data.get("entitlements") or [], history=history,
                         items=items,
                         record_form=await _form_draft(portal, visitor, RECORD_FORM, person_id),
                         line_form=await _form_draft(portal, visitor, LINE_FORM, person_id),
                         errors=(errors or {}).get(RECORD_FORM) or (errors or {}).get(LINE_FORM),
                         record_errors=(errors or {}).get(RECORD_FORM), line_errors=(errors or {}).get(LINE_FORM),
                         groups=GROUPS, exam_formats=EXAM_FORMATS, done_now=request.query_params.get("done"),
                         status_code=400 if errors else 200)


def _read(portal: Portal, visitor: Visitor, errors: FormErrors, text: str, field: str, required: bool,
          parse: Callable[[str], Any], missing: str, unreadable: str) -> Any:
    """What ``parse`` reads in typed text, or None; one missing (when required) or unreadable is
    said at its field."""
    if not text:
        if required:
            errors.add(portal.gettext(visitor, missing), field, "REQUIRED")
        return None
    value = parse(text)
    if value is None:
        errors.add(portal.gettext(visitor, unreadable), field)
    return value


def _day(portal: Portal, visitor: Visitor, errors: FormErrors, text: str, field: str, required: bool) -> str | None:
    """A typed date as the API takes it (ISO), or None."""
    wording = N_("Enter the date as day.month.year, like 25.12.2026")
    day = _read(portal, visitor, errors, text, field, required, parse_day, wording, wording)
    return day.isoformat() if day is not None else None


def _amount(portal: Portal, visitor: Visitor, errors: FormErrors, text: str, field: str, required: bool) -> str | None:
    """A typed quantity as the API takes it, or None."""
    value = _read(portal, visitor, errors, text, field, required, parse_quantity, N_("Enter how many, like 12"),
                  N_("Enter a number, like 12"))
    return str(value) if value is not None else None


MOST_MADE = 10  # the forms' keys remembered with what they made


async def _form_draft(portal: Portal, visitor: Visitor, kind: str, person_id: str) -> dict[str, Any]:
    """The draft of a form about to be shown for this person: what was typed, and a key no
    earlier sending of the form used (the keys used are kept with what each made)."""
    draft = await load(portal, visitor, kind)
    if draft.get("person_id") != person_id:
        draft = {"person_id": person_id, "made": {}}
    if not draft.get("idempotency_key") or draft["idempotency_key"] in (draft.get("made") or {}):
        draft["idempotency_key"] = secrets.token_urlsafe(18)
        await keep(portal, visitor, kind, draft)
    return draft


async def _sent_form(portal: Portal, request: Request, kind: str,
                     names: tuple[str, ...]) -> tuple[Visitor, dict[str, Any], dict[str, Any], Response | None]:
    """A form about the person sent (a disability record, a line): the visitor, the form's draft
    with what was just typed kept in it, and the answer to give instead (sign in first, another
    role, or where the same form sent before already led: its key already used)."""
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY, Role.ADMIN)
    draft, typed, already = await _typed(portal, request, visitor, kind, names)
    if refused:
        return visitor, draft, typed, refused
    if already:
        return visitor, draft, typed, portal.redirect(visitor, already)
    return visitor, draft, typed, None


async def _typed(portal: Portal, request: Request, visitor: Visitor, kind: str,
                 names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """The form's draft with what was just typed kept in it, and where the same form sent
    before already led (its key already used), if it did."""
    form = await portal.form(request, visitor)
    key = str(form.get("idempotency_key") or "")[:100]
    draft = await load(portal, visitor, kind)
    if draft.get("person_id") != request.path_params["id"]:
        draft = {"person_id": request.path_params["id"], "made": {}}
    if key and key in (draft.get("made") or {}):
        return draft, {}, str(draft["made"][key])
    typed: dict[str, Any] = {name: str(form.get(name) or "").strip()[:300] for name in names}
    typed["companion"] = form.get("companion") == "yes"
    draft.update(typed=typed, idempotency_key=key or draft.get("idempotency_key"))
    await keep(portal, visitor, kind, draft)
    return draft, typed, None


async def register_record(portal: Portal, request: Request) -> Response:
    visitor, draft, typed, refused = await _sent_form(portal, request, RECORD_FORM, RECORD_TYPED)
    if refused:
        return refused
    person_id = request.path_params["id"]
    errors = FormErrors(fields=RECORD_FIELDS, fallback="record-group")
    if typed.get("group") not in GROUPS:
        errors.add(portal.gettext(visitor, "Choose the disability group"), "group", "REQUIRED")
    if not typed.get("cause"):
        errors.add(portal.gettext(visitor, "Enter the cause, as the examination set it"), "cause", "REQUIRED")
    if not typed.get("nosology"):
        errors.add(portal.gettext(visitor, "Enter the ICD-10 code, like G80"), "nosologyCode", "REQUIRED")
    if typed.get("exam") not in EXAM_FORMATS:
        errors.add(portal.gettext(visitor, "Choose how the examination was held"), "examFormat", "REQUIRED")
    valid_from = _day(portal, visitor, errors, typed.get("from", ""), "validFrom", required=True)
    valid_until = _day(portal, visitor, errors, typed.get("until", ""), "validUntil", required=False)
    if not errors:
        record = await portal.make(request, visitor, errors, "RegisterDisability", "registerDisability", "record",
                                   input={"personId": person_id, "group": typed["group"], "cause": typed["cause"],
                                          "nosologyCode": typed["nosology"], "examFormat": typed["exam"],
                                          "validFrom": valid_from, "validUntil": valid_until,
                                          "decisionNumber": typed.get("decision") or None})
        if record and not errors:
            return await _made(portal, visitor, RECORD_FORM, draft, f"/officer/persons/{person_id}?done=record")
        if not errors:
            return portal.not_found(request, visitor)
    return await person_page(portal, request, {RECORD_FORM: errors})


async def issue_line(portal: Portal, request: Request) -> Response:
    visitor, draft, typed, refused = await _sent_form(portal, request, LINE_FORM, LINE_TYPED)
    if refused:
        return refused
    person_id = request.path_params["id"]
    errors = FormErrors(fields=LINE_FIELDS, fallback="line-item")
    if not typed.get("item"):
        errors.add(portal.gettext(visitor, "Choose the aid or service"), "classifierItemId", "REQUIRED")
    quantity = _amount(portal, visitor, errors, typed.get("quantity", ""), "quantity", required=True)
    valid_from = _day(portal, visitor, errors, typed.get("from", ""), "validFrom", required=True)
    valid_until = _day(portal, visitor, errors, typed.get("until", ""), "validUntil", required=True)
    quarterly = _amount(portal, visitor, errors, typed.get("quarterly", ""), "quarterlyRelease", required=False)
    daily = _amount(portal, visitor, errors, typed.get("daily", ""), "dailyLimit", required=False)
    if not errors:
        outcome = await portal.run(request, visitor, "IssueEntitlement", input={
            "personId": person_id, "classifierItemId": typed["item"], "quantity": quantity, "validFrom": valid_from,
            "validUntil": valid_until, "lineNumber": typed.get("number") or None, "quarterlyRelease": quarterly,
            "dailyLimit": daily, "withCompanion": bool(typed.get("companion"))})
        errors.extend(outcome.payload_errors("issueEntitlement"))
        line = (outcome.data.get("issueEntitlement") or {}).get("entitlement")
        if line and not errors:
            return await _made(portal, visitor, LINE_FORM, draft, f"/officer/persons/{person_id}?done=line")
        if not errors and not outcome.ok:
            errors.add(portal.gettext(visitor, "Choose the aid or service"), "classifierItemId", "NOT_FOUND")
    return await person_page(portal, request, {LINE_FORM: errors})


async def _made(portal: Portal, visitor: Visitor, kind: str, draft: dict[str, Any], url: str) -> Response:
    """The form made what it was for: its draft forgets what was typed and remembers, by the
    form's key, where that is (a resend lands there)."""
    made = dict(list((draft.get("made") or {}).items())[-(MOST_MADE - 1):])
    made[str(draft.get("idempotency_key"))] = url
    await keep(portal, visitor, kind, {**draft, "typed": {}, "made": made})
    return portal.redirect(visitor, url)
