"""Notifications (the list, newest first; mark one or all read) and the history of one object of
the person's case: who did what to their order, claim, trip or application, and when (the API's
``auditTrail``, which only shows what the viewer may see)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.pages.accounts import safe_next
from web.portal import FormErrors, Portal, page_of

# Where the page of a notification's subject is (a subject the portal has no page for has no link).
SUBJECT_PAGES = {"Order": "/orders/{id}", "CompensationClaim": "/claims/{id}", "Trip": "/trips/{id}",
                 "Application": "/applications/{id}"}


def subject_page(subject_type: str | None, subject_id: str | None) -> str | None:
    pattern = SUBJECT_PAGES.get(subject_type or "")
    return pattern.format(id=subject_id) if pattern and subject_id else None


async def notifications(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    outcome = await portal.run(request, visitor, "Notifications", after=request.query_params.get("after") or None)
    found, next_cursor, _ = page_of(outcome.data.get("notifications"))
    items = [dict(n, page=subject_page(n.get("subjectType"), n.get("subjectId"))) for n in found]
    return portal.render_form(request, visitor, "pages/notifications.html", errors, items=items,
                              unread=outcome.data.get("unreadNotificationCount") or 0, next_cursor=next_cursor)


async def mark_read(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    ids = [str(i) for i in form.getlist("id") if str(i)][:100]
    everything = form.get("all") == "yes"
    outcome = await portal.run(request, visitor, "MarkNotificationsRead", ids=ids or None, all=everything and not ids)
    errors = FormErrors(fallback=None)
    errors.extend(outcome.payload_errors("markNotificationsRead"))
    if not errors and not outcome.ok:
        errors.add(portal.gettext(visitor, "The notifications could not be marked read. Try again."))
    if errors:
        return await notifications(portal, request, errors)
    return portal.redirect(visitor, "/notifications?done=read")


async def history(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    outcome = await portal.run(request, visitor, "AuditTrail", subjectId=request.path_params["id"])
    if not outcome.ok or not outcome.data.get("node"):
        return portal.not_found(request, visitor)
    subject = outcome.data["node"]
    back = request.query_params.get("back")
    back = safe_next(back) if back else subject_page(subject["__typename"], subject["id"])
    return portal.render(request, visitor, "pages/history.html", events=outcome.data.get("auditTrail") or [],
                         subject=subject, back=back, me_username=(outcome.data.get("me") or {}).get("username"))
