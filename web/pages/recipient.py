"""What the recipient's own case pages share (their orders, quotes and trips): the list of
their cases page by page, and a step posted on one case (``…/{id}/{action}``: cancel,
confirm, review...)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from web.portal import Portal
from web.visitor import Visitor


async def my_cases(portal: Portal, request: Request, operation: str, root: str, template: str, name: str) -> Response:
    """A signed-in person's list of their cases (``root`` of ``operation``), one page from the
    address's ``after`` cursor; the template gets the page as ``name``, ``next_cursor``, and
    ``paged`` (a later page than the first)."""
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    items, next_cursor, _ = await portal.run_page(request, visitor, operation, root)
    return portal.render(request, visitor, template, next_cursor=next_cursor,
                         paged=bool(request.query_params.get("after")), **{name: items})


async def case_action(portal: Portal, request: Request,
                      actions: dict[str, Any]) -> tuple[Visitor, FormData, Any, Response | None]:
    """A step posted on one of the person's cases: the visitor, the form (CSRF checked), what
    ``actions`` holds for the address's action, and the answer to give instead (sign in first;
    not found for an action not in ``actions``)."""
    visitor, form, refused = await portal.posted(request)
    if refused:
        return visitor, form, None, refused
    action = actions.get(request.path_params["action"])
    if action is None:
        return visitor, form, None, portal.not_found(request, visitor)
    return visitor, form, action, None
