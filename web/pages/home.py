"""The home page: for a recipient, the balances of every IRP line first, then the latest orders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.portal import Portal


async def home(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.render(request, visitor, "pages/start.html")
    if visitor.viewer.role is None or visitor.viewer.role.value != "RECIPIENT":
        return portal.render(request, visitor, "pages/home_other.html")
    outcome = await portal.run(request, visitor, "Home")
    if not outcome.ok:
        return portal.sign_in_first(request, visitor)
    return portal.render(request, visitor, "pages/home.html", me=outcome.data["me"],
                         entitlements=outcome.data["myEntitlements"], orders=outcome.data["orders"]["nodes"])
