"""The home page: for a recipient, the balances of every IRP line first, then the latest orders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.pages import admin_providers, officer_queue, provider_orders
from web.portal import Portal

# The home page of the people who serve the recipients: their work, what to act on first.
STAFF_HOMES = {"PROVIDER": provider_orders.work_home, "LOCAL_BODY": officer_queue.work_queue,
               "ADMIN": admin_providers.providers_page}


async def home(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.render(request, visitor, "pages/start.html")
    if visitor.viewer.role is not None and visitor.viewer.role.value in STAFF_HOMES:
        return await STAFF_HOMES[visitor.viewer.role.value](portal, request)
    if visitor.viewer.role is None or visitor.viewer.role.value != "RECIPIENT":
        return portal.render(request, visitor, "pages/home_other.html")
    outcome = await portal.run(request, visitor, "Home")
    if not outcome.ok:
        return portal.sign_in_first(request, visitor)
    return portal.render(request, visitor, "pages/home.html", me=outcome.data["me"],
                         entitlements=outcome.data["myEntitlements"], orders=outcome.data["orders"]["nodes"])
