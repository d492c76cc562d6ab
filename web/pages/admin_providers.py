"""Providers for the administrator: those awaiting verification first (the oldest registration
first), then by status; a provider's page with its registration, verified or suspended (a
suspension needs the reason, which the provider reads), or reinstated."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.staff import staff_action, staff_case, staff_visitor
from web.portal import FormErrors, Portal, chosen

STATUSES = ("PENDING", "VERIFIED", "SUSPENDED")
ACTIONS = {"verify": "VERIFIED", "suspend": "SUSPENDED", "reinstate": "VERIFIED"}


async def providers_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    status = chosen(request, "status", STATUSES, "PENDING")
    providers, next_cursor, total = await portal.run_page(request, visitor, "AdminProviders", "providers",
                                                          status=status)
    return portal.render(request, visitor, "admin/providers.html", providers=providers, next_cursor=next_cursor,
                         total=total, status=status, statuses=STATUSES)


async def provider_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                        reason: str = "") -> Response:
    visitor, provider, refused = await staff_case(portal, request, Role.ADMIN, "AdminProvider", "provider")
    if refused:
        return refused
    return portal.render_form(request, visitor, "admin/provider.html", errors, provider=provider, reason=reason)


async def provider_action(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await staff_action(portal, request, Role.ADMIN, ACTIONS)
    if refused:
        return refused
    provider_id = request.path_params["id"]
    reason = str(form.get("reason") or "").strip()[:1000]
    errors = FormErrors(fields={"reason": "suspend-reason"}, fallback="suspend-reason" if action == "suspend" else None)
    if action == "suspend" and not reason:
        errors.add(portal.gettext(visitor, "Say why the provider is suspended: the provider reads it"), "reason",
                   "REQUIRED")
    done = await portal.submit(request, visitor, errors, "VerifyProvider", "verifyProvider",
                               f"/admin/providers/{provider_id}?done={action}", providerId=provider_id,
                               status=ACTIONS[action], reason=reason or None)
    return done or await provider_page(portal, request, errors, reason)
