"""The administrator's accounts: the list (by role, by a part of the login or the name, page by
page), an account's page, a new account for a region's officer or an administrator, disabling
one (after a page that asks to confirm; one's own account cannot be), and a one-time code that
sets a person's password.

The code is shown once, on the page that answers the form that issued it, and kept nowhere but
as its hash (marketplace/accounts/password_reset.py): that page is no redirect (there is nothing
stored to show on a later GET) and is not cached; a reload that sends the form again lands on the
account's page, through the form's key in the admin's draft, and issues nothing more. A new
account is opened with a password nobody knows and gets such a code at once, so the person sets
their own password (``/reset-password``) and the administrator never knows it."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.drafts import done, keep, keyed, load
from web.pages.staff import staff_form, staff_visitor
from web.portal import FormErrors, Portal, chosen
from web.visitor import Visitor

ROLES = ("RECIPIENT", "PROVIDER", "LOCAL_BODY", "ADMIN")
#: The accounts an administrator opens here: the others come with a person (the records) or an
#: organisation (its sign-up).
NEW_ROLES = ("LOCAL_BODY", "ADMIN")
LANGUAGES = ("KK", "RU", "EN")
ACCOUNT_FIELDS = {"username": "username", "displayName": "display-name", "role": "role", "regionId": "region",
                  "scope": "region", "language": "language"}
NEW_ACCOUNT = "account:new"


def code_kind(account_id: str) -> str:
    return f"account:{account_id}:code"


async def accounts_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    role = chosen(request, "role", ROLES)
    text = (request.query_params.get("text") or "").strip()[:100]
    accounts, next_cursor, total = await portal.run_page(request, visitor, "AdminAccounts", "accounts", role=role,
                                                         text=text or None)
    return portal.render(request, visitor, "admin/accounts.html", accounts=accounts, next_cursor=next_cursor,
                         total=total, role=role, text=text, roles=ROLES)


async def _account(portal: Portal, request: Request, visitor: Visitor) -> tuple[dict[str, Any] | None, bool]:
    """The account of the address, and whether it is the visitor's own."""
    outcome = await portal.run(request, visitor, "AdminAccount", id=request.path_params["id"])
    account = outcome.data.get("node") if outcome.ok else None
    if not account or "username" not in account:
        return None, False
    return account, account["id"] == (outcome.data.get("me") or {}).get("id")


async def account_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                       template: str = "admin/account.html") -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    account, own = await _account(portal, request, visitor)
    if account is None:
        return portal.not_found(request, visitor)
    draft = await keyed(portal, visitor, code_kind(account["id"]), account["id"])
    return portal.render_form(request, visitor, template, errors, account=account, own=own, draft=draft)


async def confirm_disable(portal: Portal, request: Request) -> Response:
    return await account_page(portal, request, template="admin/account_disable.html")


async def disable_account(portal: Portal, request: Request) -> Response:
    return await _set_active(portal, request, "DisableAccount", "disableAccount", "disabled", "confirm",
                             "admin/account_disable.html")


async def enable_account(portal: Portal, request: Request) -> Response:
    """A disabled account enabled again (one button on its page: nothing is lost by it)."""
    return await _set_active(portal, request, "EnableAccount", "enableAccount", "enabled", "enable",
                             "admin/account.html")


async def _set_active(portal: Portal, request: Request, operation: str, root: str, word: str, button: str,
                      template: str) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    await portal.form(request, visitor)
    if refused:
        return refused
    account_id = request.path_params["id"]
    errors = FormErrors(fields={"accountId": button}, fallback=button)
    done = f"/admin/accounts/{account_id}?done={word}"
    finished = await portal.submit(request, visitor, errors, operation, root, done, accountId=account_id)
    return finished or await account_page(portal, request, errors, template=template)


async def issue_code(portal: Portal, request: Request) -> Response:
    """Issue the one-time code and show it, once (see the module's docstring)."""
    visitor, form, refused = await staff_form(portal, request, Role.ADMIN)
    if refused:
        return refused
    account_id = request.path_params["id"]
    kind = code_kind(account_id)
    draft = await load(portal, visitor, kind)
    key = form.get("idempotency_key")
    if done(draft, key) or not key or key != draft.get("idempotency_key"):
        # Sent again (a reload, a double click) or from a stale page: the code was shown; no second one.
        return portal.redirect(visitor, f"/admin/accounts/{account_id}?done=code-shown")
    outcome = await portal.run(request, visitor, "IssuePasswordResetCode", accountId=account_id)
    errors = FormErrors(fields={"accountId": "issue-code"}, fallback="issue-code")
    errors.extend(outcome.payload_errors("issuePasswordResetCode"))
    issued = outcome.data.get("issuePasswordResetCode") or {}
    if errors or not issued.get("code"):
        if not errors:
            return portal.not_found(request, visitor)
        return await account_page(portal, request, errors)
    await keep(portal, visitor, kind, {**draft, "done_id": account_id})
    return _code_page(portal, request, visitor, issued, new=False)


def _code_page(portal: Portal, request: Request, visitor: Visitor, issued: dict[str, Any], *, new: bool) -> Response:
    response = portal.render(request, visitor, "admin/account_code.html", account=issued["account"],
                             code=issued["code"], expires_at=issued["expiresAt"], new=new)
    response.headers["cache-control"] = "no-store"
    return response


async def new_account_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                           typed: dict[str, str] | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.ADMIN)
    if refused:
        return refused
    draft = await keyed(portal, visitor, NEW_ACCOUNT, None)
    regions = sorted((await portal.run(request, visitor, "AdminAccountForm")).data.get("regions") or [],
                     key=lambda r: r["name"])
    typed = typed or {"role": "LOCAL_BODY", "language": visitor.language.value}
    return portal.render_form(request, visitor, "admin/account_new.html", errors, regions=regions, typed=typed,
                              draft=draft, roles=NEW_ROLES, languages=LANGUAGES)


async def create_account(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.ADMIN)
    if refused:
        return refused
    draft = await load(portal, visitor, NEW_ACCOUNT)
    made = done(draft, form.get("idempotency_key"))
    if made:  # sent again: the account it opened (its code was shown once)
        return portal.redirect(visitor, f"/admin/accounts/{made}?done=code-shown")
    typed = {name: str(form.get(name) or "").strip()[:200] for name in
             ("role", "username", "display_name", "region", "language")}
    errors = FormErrors(fields=ACCOUNT_FIELDS, fallback="username")
    if typed["role"] not in NEW_ROLES:
        errors.add(portal.gettext(visitor, "Choose who the account is for"), "role", "REQUIRED")
    if typed["role"] == "LOCAL_BODY" and not typed["region"]:
        errors.add(portal.gettext(visitor, "Choose the officer's region"), "regionId", "REQUIRED")
    if not typed["username"]:
        errors.add(portal.gettext(visitor, "Enter the login, like a.serikova"), "username", "REQUIRED")
    if not typed["display_name"]:
        errors.add(portal.gettext(visitor, "Enter the person's name"), "displayName", "REQUIRED")
    if typed["language"] not in LANGUAGES:
        typed["language"] = visitor.language.value
    if not errors:
        account_id = await portal.make(
            request, visitor, errors, "CreateAccount", "createAccount", "accountId", username=typed["username"],
            password=secrets.token_urlsafe(32), role=typed["role"], displayName=typed["display_name"],
            language=typed["language"], regionId=typed["region"] if typed["role"] == "LOCAL_BODY" else None)
        if account_id and not errors:
            await keep(portal, visitor, NEW_ACCOUNT, {**draft, "done_id": account_id})
            issued = (await portal.run(request, visitor, "IssuePasswordResetCode", accountId=account_id)
                      ).data.get("issuePasswordResetCode") or {}
            if not issued.get("code"):  # opened, but no code: the account's page issues one
                return portal.redirect(visitor, f"/admin/accounts/{account_id}")
            return _code_page(portal, request, visitor, issued, new=True)
        if not errors:
            errors.add(portal.gettext(visitor, "The account could not be opened. Check the answers and try again."))
    return await new_account_page(portal, request, errors, typed)
