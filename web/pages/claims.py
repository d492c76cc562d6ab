"""Self-purchase claims: a recipient who bought an aid on their own claims it back with the
receipt. The form is one multipart POST that works without script: the portal forwards the file
to the API's own ``POST /receipts`` (with the visitor's token, in-process) and submits the claim
with the idempotency key minted when the form was first shown (kept in the account's draft, with
what was typed and the receipt already sent, so a reload or a resubmit never claims twice). Then
the claim list and a claim's page with its status and due date."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import Any

import httpx
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from web.pages.drafts import done, keep_done, keep_errors, keyed, load
from web.pages.representing import acting_for
from web.portal import FormErrors, Portal, parse_quantity
from web.visitor import Visitor

CLAIM_DRAFT = "claim"
CLAIM_FIELDS = {"entitlementId": "entitlement", "quantity": "quantity", "amountPaid": "amount-paid",
                "receiptId": "receipt", "file": "receipt", "personId": "entitlement"}


async def forward_file(request: Request, visitor: Visitor, person_id: str, upload: UploadFile,
                       data: bytes) -> tuple[str | None, list[dict[str, Any]]]:
    """Send a file to the API's ``POST /receipts`` as the visitor: its id, or the API's errors."""
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.internal") as api:
        answer = await api.post("/receipts", headers={"authorization": f"Bearer {visitor.token}"},
                                data={"personId": person_id},
                                files={"file": (upload.filename or "receipt", data,
                                                upload.content_type or "application/octet-stream")})
    body = answer.json()
    if answer.status_code == 201:
        return str(body["id"]), []
    errors = body.get("errors") or []
    return None, [{"field": e.get("field") or "file", "code": e.get("code") or (e.get("extensions") or {}).get("code"),
                   "message": e.get("message")} for e in errors]


def claimable(lines: list[dict[str, Any]], person_id: str | None) -> list[dict[str, Any]]:
    return [line for line in lines if line["person"]["id"] == person_id and line["classifierItem"]["priceCap"]
            and not line["classifierItem"]["isCustom"]]


async def my_claims(portal: Portal, request: Request) -> Response:
    return await portal.own_list(request, "MyClaims", "claims", "pages/claims.html", "claims")


async def new_claim(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    acting = await acting_for(portal, request, visitor)
    lines = claimable((await portal.run(request, visitor, "ClaimableLines")).data.get("myEntitlements") or [],
                      acting.person_id)
    draft = await keyed(portal, visitor, CLAIM_DRAFT, acting.person_id)  # however often it is sent, it claims once
    if errors is None:
        errors = FormErrors(items=list(draft.get("errors") or []), fields=CLAIM_FIELDS, fallback="entitlement")
    return portal.render_form(request, visitor, "pages/claim_new.html", errors, acting=acting, lines=lines, draft=draft)


async def submit_claim(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    acting = await acting_for(portal, request, visitor)
    draft = await load(portal, visitor, CLAIM_DRAFT)
    made = done(draft, form.get("idempotency_key"))
    if made:
        return portal.redirect(visitor, f"/claims/{made}")  # sent again: the claim it made
    typed = {name: str(form.get(name) or "").strip()[:40] for name in ("entitlement", "quantity", "amount_paid")}
    key = str(form.get("idempotency_key") or "") or draft.get("idempotency_key") or secrets.token_urlsafe(18)
    draft.update(typed, person_id=acting.person_id, idempotency_key=key)
    errors = FormErrors(fields=CLAIM_FIELDS, fallback="entitlement")
    if not typed["entitlement"]:
        errors.add(portal.gettext(visitor, "Choose what you bought"), "entitlementId", "REQUIRED")
    quantity = parse_quantity(typed["quantity"])
    if quantity is None:
        errors.add(portal.gettext(visitor, "Enter how many you bought, like 1"), "quantity", "INVALID")
    paid = parse_quantity(typed["amount_paid"])
    if paid is None:
        errors.add(portal.gettext(visitor, "Enter what you paid in tenge, like 45000"), "amountPaid", "INVALID")
    upload = form.get("receipt")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        digest = hashlib.sha256(data).hexdigest()
        if digest != draft.get("receipt_sha256"):  # the same file sent again is not stored twice
            receipt_id, refused = await forward_file(request, visitor, acting.person_id or "", upload, data)
            if receipt_id:
                draft.update(receipt_id=receipt_id, receipt_sha256=digest, receipt_name=(upload.filename or "")[:120])
            else:
                errors.extend(refused)
    if not draft.get("receipt_id") and not any(e.get("field") in ("file", "receiptId") for e in errors.items):
        errors.add(portal.gettext(visitor, "Attach the receipt: a photo or a PDF"), "receiptId", "REQUIRED")
    if not errors:
        claim = await portal.make(request, visitor, errors, "SubmitSelfPurchaseClaim", "submitClaim", "claim",
                                  personId=acting.person_id, entitlementId=typed["entitlement"], quantity=str(quantity),
                                  amountPaid=str(paid), receiptId=draft["receipt_id"], idempotencyKey=key)
        if claim and not errors:
            await keep_done(portal, visitor, CLAIM_DRAFT, key, claim["id"])
            return portal.redirect(visitor, f"/claims/{claim['id']}?done=submitted")
        if not errors:
            errors.add(portal.gettext(visitor, "The claim could not be sent. Check the answers and try again."))
    await keep_errors(portal, visitor, CLAIM_DRAFT, draft, errors)
    return await new_claim(portal, request, errors)


async def claim_page(portal: Portal, request: Request) -> Response:
    visitor, claim, refused = await portal.open_case(request, "Claim", "claim")
    if refused:
        return refused
    cap = claim["classifierItem"]["priceCap"]
    return portal.render(request, visitor, "pages/claim.html", claim=claim, done=request.query_params.get("done"),
                         cap_total=Decimal(cap) * Decimal(claim["quantity"]) if cap else None)
