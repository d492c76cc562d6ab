"""Deciding a claim (an officer of the claim's region): its facts with the receipt shown on the
page (a photo as an image, a PDF as a link), approve it in full or for less with the reason the
claimant reads, reject it with a reason, and mark an approved claim paid once (the key is minted
when the page is shown and kept in the account's draft, so a double click pays once)."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.drafts import keep, load
from web.pages.staff import decide, officer_case, officer_decision, staff_visitor
from web.portal import FormErrors, Portal, parse_quantity
from web.visitor import Visitor

DECISION_FIELDS = {"amount": "approve-amount", "reason": "approve-reason", "paymentReference": "payment-reference",
                   "idempotencyKey": "payment-reference"}
REJECT_FIELDS = {"reason": "reject-reason"}
REACHED = {"approve": "APPROVED", "reject": "REJECTED", "pay": "PAID"}


def pay_kind(claim_id: str) -> str:
    return f"pay:{claim_id}"


async def receipt_file(request: Request, visitor: Visitor, receipt_id: str) -> tuple[int, bytes, str]:
    """The receipt as the API's ``GET /receipts/{id}`` gives it to the visitor (in-process)."""
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.internal") as api:
        answer = await api.get(f"/receipts/{receipt_id}", headers={"authorization": f"Bearer {visitor.token}"})
    return answer.status_code, answer.content, answer.headers.get("content-type", "application/octet-stream")


async def receipt(portal: Portal, request: Request) -> Response:
    """The receipt, to show on the claim's page (inline, never run: sandboxed)."""
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY)
    if refused:
        return refused
    status, data, content_type = await receipt_file(request, visitor, request.path_params["id"])
    if status != 200:
        return portal.not_found(request, visitor)
    return Response(data, media_type=content_type, headers={
        "content-disposition": "inline", "content-security-policy": "default-src 'none'; sandbox",
        "x-content-type-options": "nosniff", "cache-control": "private, no-store"})


async def claim_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                     typed: dict[str, Any] | None = None) -> Response:
    visitor, claim, refused = await officer_case(portal, request, "OfficerClaim", "claim")
    if refused or claim is None:
        return refused or portal.not_found(request, visitor)
    receipt_type = None
    if claim.get("receiptId"):
        status, _, receipt_type = await receipt_file(request, visitor, claim["receiptId"])
        receipt_type = receipt_type if status == 200 else None
    pay_key = None
    if claim["status"] == "APPROVED":
        draft = await load(portal, visitor, pay_kind(claim["id"]))
        if not draft.get("idempotency_key"):
            draft = {"idempotency_key": secrets.token_urlsafe(18)}
            await keep(portal, visitor, pay_kind(claim["id"]), draft)
        pay_key = draft["idempotency_key"]
    return portal.render_form(request, visitor, "officer/claim.html", errors, claim=claim, receipt_type=receipt_type,
                              pay_key=pay_key, typed=typed or {})


async def decide_claim(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await officer_decision(portal, request, REACHED)
    if refused:
        return refused
    claim_id = request.path_params["id"]
    typed = {name: str(form.get(name) or "").strip()[:1000] for name in
             ("amount", "approve_reason", "reject_reason", "payment_reference")}
    errors = FormErrors(fields=REJECT_FIELDS if action == "reject" else DECISION_FIELDS,
                        fallback={"approve": "approve-amount", "reject": "reject-reason",
                                  "pay": "payment-reference"}[action])
    done = f"/officer/claims/{claim_id}?done={REACHED[action].lower()}"
    shared: dict[str, Any] = {"reread": "OfficerClaim", "subject": "claim", "reached": REACHED[action], "done": done,
                              "claimId": claim_id}
    if action == "approve":
        amount = parse_quantity(typed["amount"]) if typed["amount"] else None
        if typed["amount"] and amount is None:
            errors.add(portal.gettext(visitor, "Enter the amount in tenge, like 45000, or leave it empty"), "amount")
        answer = await decide(portal, request, visitor, errors, "ApproveClaim", "approveClaim", **shared,
                              amount=str(amount) if amount is not None else None,
                              reason=typed["approve_reason"] or None)
    elif action == "reject":
        if not typed["reject_reason"]:
            errors.add(portal.gettext(visitor, "Say why the claim is rejected: the claimant reads it"), "reason",
                       "REQUIRED")
        answer = await decide(portal, request, visitor, errors, "RejectClaim", "rejectClaim", **shared,
                              reason=typed["reject_reason"])
    else:
        draft = await load(portal, visitor, pay_kind(claim_id))
        key = str(form.get("idempotency_key") or "") or draft.get("idempotency_key") or ""
        if not key:
            errors.add(portal.gettext(visitor, "The page was too old. Open the claim again and mark it paid."))
        answer = await decide(portal, request, visitor, errors, "MarkClaimPaid", "markClaimPaid", **shared,
                              idempotencyKey=key, paymentReference=typed["payment_reference"] or None)
    if answer is not None:
        return answer
    return await claim_page(portal, request, errors, typed)
