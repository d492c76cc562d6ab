"""Service hours on an order's page: the provider logs a worker's hours, the recipient confirms
or disputes them line by line (a dispute says why). Only confirmed hours are paid."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.pages.orders import order_view
from web.portal import FormErrors, Portal

MAX_NOTE = 1000  # marketplace.orders.services.MAX_REASON


async def hours_action(portal: Portal, request: Request) -> Response:
    """``POST /orders/{id}/hours/{log}/confirm`` or ``.../dispute`` (with ``note``)."""
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    order_id, log_id, action = (request.path_params[k] for k in ("id", "log", "action"))
    note_input = f"note-{log_id}"
    errors = FormErrors(fields={"note": note_input, "serviceLogId": note_input, "serviceLogIds": f"hours-{log_id}",
                                "logIds": f"hours-{log_id}"}, fallback=f"hours-{log_id}")
    note = str(form.get("note") or "").strip()
    if action == "confirm":
        outcome = await portal.run(request, visitor, "ConfirmServiceHours", serviceLogIds=[log_id])
        root, done = "confirmServiceHours", "hours-confirmed"
    elif action == "dispute":
        if not note:
            errors.add(portal.gettext(visitor, "Write why you dispute these hours"), "note", "REQUIRED")
        elif len(note) > MAX_NOTE:
            errors.add(portal.gettext(visitor, "Write at most {count} characters", count=MAX_NOTE), "note", "TOO_LONG")
        outcome = None
        if not errors:
            outcome = await portal.run(request, visitor, "DisputeServiceHours", serviceLogId=log_id, note=note)
        root, done = "disputeServiceHours", "hours-disputed"
    else:
        return portal.not_found(request, visitor)
    if outcome is not None:
        errors.extend(outcome.payload_errors(root))
        if not errors and not outcome.ok:
            return portal.not_found(request, visitor)
        if not errors:
            return portal.redirect(visitor, f"/orders/{order_id}?done={done}")
    return await order_view(portal, request, errors=errors, status_code=400, review={},
                            disputing={"log": log_id, "note": note[:MAX_NOTE * 2]})
