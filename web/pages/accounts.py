"""Signing in and out, and the language switch."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketplace.i18n import language_from_tag
from web.portal import FormErrors, Portal
from web.visitor import choose_language, forget_session, start_session

SIGN_IN_FIELDS = {"username": "username", "password": "password"}


def safe_next(target: str | None) -> str:
    """Where to go after signing in or switching language: a path of this site only."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 2000:
        return "/"
    return target


async def sign_in_page(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    return portal.render(request, visitor, "pages/sign_in.html", username="",
                         next=safe_next(request.query_params.get("next")))


async def sign_in(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    form = await portal.form(request, visitor)
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    errors = FormErrors(fields=SIGN_IN_FIELDS, fallback="username")
    if not username:
        errors.add(portal.gettext(visitor, "Enter your login"), "username", "REQUIRED")
    if not password:
        errors.add(portal.gettext(visitor, "Enter your password"), "password", "REQUIRED")
    if not errors:
        token = await portal.make(request, visitor, errors, "SignIn", "login", "token", username=username,
                                  password=password)
        if token and not errors:
            response = portal.redirect(visitor, target)
            start_session(response, token, portal.settings)
            return response
        if not errors:
            errors.add(portal.gettext(visitor, "Sign-in failed. Try again."))
    return portal.render(request, visitor, "pages/sign_in.html", status_code=400, errors=errors,
                         username=username, next=target)


async def sign_out(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    await portal.form(request, visitor)
    response = portal.redirect(visitor, "/sign-in?signed_out=1")
    forget_session(response, portal.settings)
    return response


async def switch_language(portal: Portal, request: Request) -> Response:
    """A link (works without script): remember the chosen language, go back to the page."""
    visitor = await portal.visitor(request)
    language = language_from_tag(request.path_params["tag"])
    if language is None:
        return portal.not_found(request, visitor)
    response = portal.redirect(visitor, safe_next(request.query_params.get("next")))
    choose_language(response, language, portal.settings)
    return response
