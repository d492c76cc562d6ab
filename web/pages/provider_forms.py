"""What the provider's own forms share (the organisation's profile, a quote's answer, a vehicle):
what was typed is kept in the account's draft when the API refuses it, so a reload or another
page and back shows it again with its errors; a key minted with the form makes the same form sent
twice land on what it made the first time (``done_id``), never a second one."""

from __future__ import annotations

import secrets
from typing import Any

from web.pages.drafts import done, keep, load
from web.portal import FormErrors, Portal
from web.visitor import Visitor


async def form_draft(portal: Portal, visitor: Visitor, kind: str, start: dict[str, Any]) -> dict[str, Any]:
    """The draft of a form about to be shown: the one a refusal left (what was typed, its errors),
    else a new one from ``start`` (the object as it is) with a new key."""
    draft = await load(portal, visitor, kind)
    if draft.get("errors") and draft.get("idempotency_key") and not draft.get("done_id"):
        return draft
    if draft.get("done_id"):  # shown again after it was used: a new key, the used one still known
        return {"idempotency_key": secrets.token_urlsafe(18), "typed": start}
    key = draft.get("idempotency_key")
    draft = {"idempotency_key": key or secrets.token_urlsafe(18), "typed": start}
    if not key:
        await keep(portal, visitor, kind, draft)
    return draft


async def sent_form(portal: Portal, visitor: Visitor, kind: str, key: object) -> tuple[dict[str, Any], str | None]:
    """The draft of a form just sent, and what it made already if it is the same form sent again."""
    draft = await load(portal, visitor, kind)
    return draft, done(draft, key)


async def keep_refused(portal: Portal, visitor: Visitor, kind: str, key: object, typed: dict[str, Any],
                       errors: FormErrors) -> None:
    """Keep what was typed and why it was refused, under the form's key."""
    await keep(portal, visitor, kind, {"idempotency_key": str(key or "") or secrets.token_urlsafe(18),
                                       "typed": typed, "errors": errors.items})


def draft_errors(draft: dict[str, Any], fields: dict[str, str], fallback: str | None) -> FormErrors:
    return FormErrors(items=list(draft.get("errors") or []), fields=fields, fallback=fallback)
