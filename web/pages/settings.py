"""Settings: the page language (the switch's choice, kept by the browser), the contacts the
records hold, the password; and the accessibility statement.

The API has no mutation for an account's language or a person's contacts (only
``changePassword``), so the language is the portal's own choice and the contacts are shown with
where to change them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketplace.i18n import language_from_tag
from web.portal import FormErrors, Portal
from web.visitor import choose_language, forget_session

PASSWORD_FIELDS = {"oldPassword": "old-password", "newPassword": "new-password"}


async def settings_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    outcome = await portal.run(request, visitor, "Settings")
    return portal.render_form(request, visitor, "pages/settings.html", errors, me=outcome.data.get("me") or {})


async def change_language(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    language = language_from_tag(str(form.get("language") or ""))
    if language is None:
        errors = FormErrors(fallback="language")
        errors.add(portal.gettext(visitor, "Choose a language"), "language", "REQUIRED")
        return await settings_page(portal, request, errors)
    response = portal.redirect(visitor, "/settings?done=language")
    choose_language(response, language, portal.settings)
    return response


async def change_password(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    old, new, again = (str(form.get(name) or "") for name in ("old_password", "new_password", "new_password_again"))
    errors = FormErrors(fields={**PASSWORD_FIELDS, "again": "new-password-again"}, fallback="old-password")
    if not old:
        errors.add(portal.gettext(visitor, "Enter your current password"), "oldPassword", "REQUIRED")
    if not new:
        errors.add(portal.gettext(visitor, "Enter a new password"), "newPassword", "REQUIRED")
    elif new != again:
        errors.add(portal.gettext(visitor, "The two new passwords are not the same"), "again", "INVALID")
    if not errors:
        outcome = await portal.run(request, visitor, "ChangePassword", oldPassword=old, newPassword=new)
        errors.extend(outcome.payload_errors("changePassword"))
        if not errors and (outcome.data.get("changePassword") or {}).get("ok"):
            # Every older token stops working: this session too. Sign in with the new password.
            response = portal.redirect(visitor, "/sign-in?changed=password")
            forget_session(response, portal.settings)
            return response
        if not errors:
            errors.add(portal.gettext(visitor, "The password could not be changed. Try again."))
    return await settings_page(portal, request, errors)


async def accessibility_statement(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    return portal.render(request, visitor, "pages/accessibility.html")
