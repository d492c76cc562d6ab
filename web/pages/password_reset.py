"""Setting a password with a one-time code (``resetPassword``): the code an administrator handed
over, or one that came by SMS (a reset, the invitation of a person the records brought in). No
sign-in needed; the code is typed, never carried in the address (it would stay in logs and
histories)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.portal import FormErrors, Portal

RESET_FIELDS = {"code": "code", "newPassword": "new-password", "password": "new-password"}


async def reset_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor = await portal.visitor(request)
    return portal.render_form(request, visitor, "pages/reset_password.html", errors)


async def reset_password(portal: Portal, request: Request) -> Response:
    visitor = await portal.visitor(request)
    form = await portal.form(request, visitor)
    code = str(form.get("code") or "").strip()[:40]
    password = str(form.get("new_password") or "")[:300]
    errors = FormErrors(fields=RESET_FIELDS, fallback="code")
    if not code:
        errors.add(portal.gettext(visitor, "Enter the code of 12 digits you were given"), "code", "REQUIRED")
    if not password:
        errors.add(portal.gettext(visitor, "Enter the new password: 10 characters or more"), "newPassword",
                   "REQUIRED")
    finished = await portal.submit(request, visitor, errors, "ResetPassword", "resetPassword",
                                   "/reset-password?done=1", code=code, newPassword=password)
    return finished or await reset_page(portal, request, errors)
