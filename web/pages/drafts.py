"""The account's form drafts for the case pages (``marketplace/accounts/drafts.py``): what was
typed, and for a form that moves a balance its idempotency key, minted when the form is first
shown and kept until the thing it made (``done_id``) is known, so a resubmit lands on it."""

from __future__ import annotations

import secrets
from typing import Any

from marketplace.accounts.drafts import load_draft, save_draft
from web.portal import FormErrors, Portal
from web.visitor import Visitor


async def load(portal: Portal, visitor: Visitor, kind: str) -> dict[str, Any]:
    async with portal.db.session() as session:
        return await load_draft(session, visitor.viewer, kind) or {}


async def keep(portal: Portal, visitor: Visitor, kind: str, draft: dict[str, Any]) -> None:
    async with portal.db.transaction() as session:
        await save_draft(session, visitor.viewer, kind, draft)


async def keyed(portal: Portal, visitor: Visitor, kind: str, person_id: str | None) -> dict[str, Any]:
    """The draft of a form about to be shown: the one in progress for this person, or a new one
    with a new idempotency key (after the last one was used, or for another person)."""
    draft = await load(portal, visitor, kind)
    if not draft.get("idempotency_key") or draft.get("done_id") or draft.get("person_id") != person_id:
        draft = {"person_id": person_id, "idempotency_key": secrets.token_urlsafe(18)}
        await keep(portal, visitor, kind, draft)
    return draft


async def keep_done(portal: Portal, visitor: Visitor, kind: str, key: object, made: str) -> None:
    """The form made ``made``: its draft keeps only the key it was sent with and what it made, so
    the same form sent again lands on it."""
    await keep(portal, visitor, kind, {"idempotency_key": str(key or ""), "done_id": made})


async def keep_errors(portal: Portal, visitor: Visitor, kind: str, draft: dict[str, Any], errors: FormErrors) -> None:
    """The form was refused (or not sent yet): its draft keeps what was typed and why, shown again
    with the form."""
    draft["errors"] = errors.items
    await keep(portal, visitor, kind, draft)


def done(draft: dict[str, Any], submitted_key: object) -> str | None:
    """What this form already made, when it is sent again with the same key."""
    return draft.get("done_id") if draft.get("done_id") and submitted_key == draft.get("idempotency_key") else None
