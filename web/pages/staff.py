"""What the pages of the people who serve the recipients share: who may open them (a provider's
pages for a provider's account, an officer's for an officer's, the administrator's for the
administrator), and how an officer's decision is sent."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.portal import FormErrors, Portal, chosen
from web.visitor import Visitor


async def staff_visitor(portal: Portal, request: Request, *roles: Role) -> tuple[Visitor, Response | None]:
    """The visitor, and the answer to give instead of the page: sign in first, or not found for
    an account of another role (a page of another role does not exist for it)."""
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return visitor, portal.sign_in_first(request, visitor)
    if visitor.viewer.role not in roles:
        return visitor, portal.not_found(request, visitor)
    return visitor, None


async def staff_form(portal: Portal, request: Request, *roles: Role) -> tuple[Visitor, FormData, Response | None]:
    """A staff form posted: the visitor, the form (its CSRF token checked first, whoever sent it),
    and the answer to give instead (``staff_visitor``'s)."""
    visitor, refused = await staff_visitor(portal, request, *roles)
    return visitor, await portal.form(request, visitor), refused


async def staff_case(portal: Portal, request: Request, role: Role, operation: str, root: str,
                     having: str | None = None) -> tuple[Visitor, dict[str, Any] | None, Response | None]:
    """A staff page of one case opened (an officer's claim, a provider's order, the administrator's
    provider): the visitor, the case the ``operation`` reads by the address's id (under ``root``),
    and the answer to give instead (sign in first; not found for another role, or for a case the
    account may not see). ``having``: a field only that kind has, for a ``node`` of another kind."""
    visitor, refused = await staff_visitor(portal, request, role)
    if refused:
        return visitor, None, refused
    case = await portal.addressed(request, visitor, operation, root)
    if case is None or (having is not None and having not in case):
        return visitor, None, portal.not_found(request, visitor)
    return visitor, case, None


async def officer_case(portal: Portal, request: Request, operation: str,
                       root: str) -> tuple[Visitor, dict[str, Any] | None, Response | None]:
    """An officer's case page opened (a claim, an application, a quote): ``staff_case`` for an
    officer."""
    return await staff_case(portal, request, Role.LOCAL_BODY, operation, root)


async def staff_action(portal: Portal, request: Request, role: Role,
                       actions: Any) -> tuple[Visitor, Any, str, Response | None]:
    """A staff form posted to ``…/{id}/{action}`` (an officer's decision, a provider's step on an
    order, a listing or a trip): the visitor, the form (CSRF checked), the address's action, and
    the answer to give instead (sign in first, another role, an action not in ``actions``)."""
    visitor, form, refused = await staff_form(portal, request, role)
    action = request.path_params["action"]
    if refused is None and action not in actions:
        refused = portal.not_found(request, visitor)
    return visitor, form, action, refused


async def officer_decision(portal: Portal, request: Request,
                           actions: Any) -> tuple[Visitor, Any, str, Response | None]:
    """An officer's decision form posted (``staff_action`` for an officer)."""
    return await staff_action(portal, request, Role.LOCAL_BODY, actions)


async def list_by_status(portal: Portal, request: Request, role: Role, operation: str, root: str, template: str,
                         statuses: tuple[str, ...], name: str) -> Response:
    """A paged list of one role's (incoming orders, quote requests, trips), narrowed to the
    address's ``status`` when it is one of ``statuses``; the template gets the page as ``name``."""
    visitor, refused = await staff_visitor(portal, request, role)
    if refused:
        return refused
    status = chosen(request, "status", statuses)
    items, next_cursor, total = await portal.run_page(request, visitor, operation, root, status=status)
    return portal.render(request, visitor, template, next_cursor=next_cursor, total=total, status=status,
                         statuses=statuses, **{name: items})


SAME_DECISION_CODES = ("ALREADY_DECIDED", "INVALID_TRANSITION")


async def decide(portal: Portal, request: Request, visitor: Visitor, errors: FormErrors, name: str, root: str,
                 *, reread: str, subject: str, reached: str, done: str, **variables: Any) -> Response | None:
    """An officer's decision (approve, reject) sent by a form, unless the form already failed:
    the payload's errors join ``errors``; refused because the ``subject`` (re-read with the
    ``reread`` operation) is already in the state the decision reaches, it is the same form sent
    twice and done; a refusal without errors (not the officer's) is not found; success
    redirects to ``done``. None: show the form again with ``errors``."""
    if errors:
        return None
    outcome = await portal.run(request, visitor, name, **variables)
    errors.extend(outcome.payload_errors(root))
    if errors and any(item.get("code") in SAME_DECISION_CODES for item in errors.items):
        now = await portal.run(request, visitor, reread, id=request.path_params["id"])
        if (now.data.get(subject) or {}).get("status") == reached:
            return portal.redirect(visitor, done)
    if errors:
        return None
    if not outcome.ok:
        return portal.not_found(request, visitor)
    return portal.redirect(visitor, done)
