"""Acting for someone: a recipient who legally represents a child or a ward chooses, on
``/acting-for``, whether the pages act for themself or for that person. The choice is a cookie of
the browser; it is only a person id, checked on every page against ``me.representedPersons``
(the API's scope: a forged id is simply ignored, and the API refuses it anyway)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from web.pages.accounts import safe_next
from web.portal import Portal
from web.visitor import Visitor, secure_cookies

ACTING_FOR_COOKIE = "tirek_for"


@dataclass
class ActingFor:
    """The persons the visitor may act for (themself first) and the one chosen."""

    me: dict[str, Any]
    persons: list[dict[str, Any]] = field(default_factory=list)
    chosen: dict[str, Any] | None = None

    @property
    def person_id(self) -> str | None:
        return self.chosen["id"] if self.chosen else None

    @property
    def for_someone_else(self) -> bool:
        own = (self.me.get("person") or {}).get("id")
        return self.chosen is not None and self.chosen["id"] != own


async def acting_for(portal: Portal, request: Request, visitor: Visitor) -> ActingFor:
    outcome = await portal.run(request, visitor, "ActingFor")
    me = outcome.data.get("me") or {}
    persons = ([me["person"]] if me.get("person") else []) + list(me.get("representedPersons") or [])
    wanted = request.cookies.get(ACTING_FOR_COOKIE)
    chosen = next((p for p in persons if p["id"] == wanted), persons[0] if persons else None)
    return ActingFor(me=me, persons=persons, chosen=chosen)


async def acting_for_page(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    acting = await acting_for(portal, request, visitor)
    return portal.render(request, visitor, "pages/acting_for.html", acting=acting,
                         next=safe_next(request.query_params.get("next")))


async def choose_acting_for(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    acting = await acting_for(portal, request, visitor)
    wanted = str(form.get("person") or "")
    response = portal.redirect(visitor, safe_next(str(form.get("next") or "")))
    if any(p["id"] == wanted for p in acting.persons):
        response.set_cookie(ACTING_FOR_COOKIE, wanted, max_age=30 * 24 * 3600, httponly=True, samesite="lax",
                            secure=secure_cookies(portal.settings), path="/")
    return response


async def represented_person_id(portal: Portal, request: Request, visitor: Visitor) -> str | None:
    """The person the visitor acts for when it is someone they represent (for the API's
    ``forPersonId``), else None: acting for oneself asks nothing more of the API."""
    if not visitor.signed_in or not request.cookies.get(ACTING_FOR_COOKIE):
        return None
    acting = await acting_for(portal, request, visitor)
    return acting.person_id if acting.for_someone_else else None
