"""What the provider is owed: its claims with their due dates, the overdue ones first, then those
waiting for a decision, the approved ones waiting for payment, the payments received and the
refused ones; confirmed orders not claimed yet, each with a button that claims it (its
idempotency key minted when the page is shown); and every claim as a CSV file."""

from __future__ import annotations

import csv
import io
import secrets
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.drafts import keep, load
from web.pages.provider_hours import hourly
from web.pages.staff import staff_form, staff_visitor
from web.portal import FormErrors, Portal, page_of
from web.visitor import Visitor

CLAIM_DRAFT = "provider-claims"
CSV_COLUMNS = ("claim", "kind", "status", "order", "item", "recipient", "submitted", "due", "overdue",
               "claimed", "approved", "reduction_reason", "reject_reason", "decided", "paid", "payment_reference")
MOST_EXPORTED_PAGES = 100  # 10,000 claims


def total(claims: list[dict[str, Any]], field: str) -> Decimal:
    return sum((Decimal(str(c[field])) for c in claims if c.get(field) is not None), Decimal(0))


async def claim_keys(portal: Portal, visitor: Visitor, order_ids: list[str]) -> dict[str, str]:
    """An idempotency key for claiming each order, minted when the page first shows it and kept
    until its claim is made (the draft keeps ``{order id: key}``)."""
    draft = await load(portal, visitor, CLAIM_DRAFT)
    keys = {oid: draft.get("keys", {}).get(oid) or secrets.token_urlsafe(18) for oid in order_ids}
    if keys != draft.get("keys"):
        await keep(portal, visitor, CLAIM_DRAFT, {**draft, "keys": keys})
    return keys


async def money_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    data = (await portal.run(request, visitor, "ProviderMoney")).data
    overdue = page_of(data.get("overdue"))[0]
    late = {c["id"] for c in overdue}
    waiting = sorted((c for c in page_of(data.get("submitted"))[0] if c["id"] not in late), key=lambda c: c["dueDate"])
    approved = page_of(data.get("approved"))[0]
    paid = sorted(page_of(data.get("paid"))[0], key=lambda c: c.get("paidAt") or "", reverse=True)
    rejected = page_of(data.get("rejected"))[0]
    claimed = {(c.get("order") or {}).get("id") for c in overdue + waiting + approved + paid + rejected}
    draft = await load(portal, visitor, CLAIM_DRAFT)
    made = draft.get("made") or {}
    # Confirmed orders not claimed yet (an hourly service is claimed by its confirmed hours instead).
    to_claim = [o for o in page_of(data.get("confirmed"))[0]
                if not hourly(o) and o["id"] not in claimed and o["id"] not in made]
    keys = await claim_keys(portal, visitor, [o["id"] for o in to_claim])
    return portal.render_form(
        request, visitor, "provider/money.html", errors, overdue=overdue, waiting=waiting, approved=approved,
        paid=paid, rejected=rejected, to_claim=to_claim, keys=keys,
        sums={"overdue": total(overdue, "amountClaimed"), "waiting": total(waiting, "amountClaimed"),
              "approved": total(approved, "amountApproved"), "paid": total(paid, "amountApproved")})


async def claim_order(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.PROVIDER)
    if refused:
        return refused
    order_id = request.path_params["id"]
    draft = await load(portal, visitor, CLAIM_DRAFT)
    key = str(form.get("idempotency_key") or "") or (draft.get("keys") or {}).get(order_id) or ""
    errors = FormErrors(fallback=None)
    if not key:
        errors.add(portal.gettext(visitor, "The page was too old. Claim again from this page."))
    else:
        claim = await portal.make(request, visitor, errors, "SubmitProviderClaim", "submitClaim", "claim",
                                  claimFor="ORDER", orderId=order_id, idempotencyKey=key)
        if claim and not errors:
            draft = await load(portal, visitor, CLAIM_DRAFT)
            keys = {k: v for k, v in (draft.get("keys") or {}).items() if k != order_id}
            await keep(portal, visitor, CLAIM_DRAFT, {**draft, "keys": keys,
                                                     "made": {**(draft.get("made") or {}), order_id: claim["id"]}})
            return portal.redirect(visitor, "/provider/money?done=claimed")
        if not errors:
            errors.add(portal.gettext(visitor, "The claim could not be sent. Check the answers and try again."))
    return await money_page(portal, request, errors)


async def money_csv(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    after = None
    for _ in range(MOST_EXPORTED_PAGES):
        outcome = await portal.run(request, visitor, "ProviderClaimsExport", after=after)
        claims, after, _count = page_of(outcome.data.get("claims"))
        for c in claims:
            writer.writerow([c["id"], c["kind"], c["status"], (c.get("order") or {}).get("id") or "",
                             c["classifierItem"]["code"], c["recipient"]["fullName"], c["submittedAt"], c["dueDate"],
                             "yes" if c["isOverdue"] else "no", c["amountClaimed"], c.get("amountApproved") or "",
                             c.get("reductionReason") or "", c.get("rejectReason") or "", c.get("decidedAt") or "",
                             c.get("paidAt") or "", c.get("paymentReference") or ""])
        if after is None:
            break
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="tirek-claims.csv"'})
