"""The officer's work queue (one region): what waits for a decision, soonest due first, the
overdue ones marked: claims, applications, quotes to decide (each with its legal term), then
the approved claims to pay and the listings to moderate (which have no legal term)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.staff import staff_visitor
from web.portal import Portal, page_of


def queue(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Claims, applications and quotes waiting for a decision, as one list soonest due first
    (the overdue ones are the earliest)."""
    items = []
    for claim in page_of(data.get("claims"))[0]:
        items.append({"kind": "claim", "id": claim["id"], "due": claim["dueDate"], "overdue": claim["isOverdue"],
                      "who": claim["recipient"]["fullName"], "what": claim["classifierItem"]["name"],
                      "amount": claim["amountClaimed"], "href": f"/officer/claims/{claim['id']}",
                      "claim_kind": claim["kind"]})
    for application in page_of(data.get("applications"))[0]:
        items.append({"kind": "application", "id": application["id"], "due": application["dueDate"],
                      "overdue": application["isOverdue"], "who": application["person"]["fullName"],
                      "application_kind": application["kind"], "due_soon": application["isDueSoon"],
                      "href": f"/officer/applications/{application['id']}"})
    for quote in page_of(data.get("quotes"))[0]:
        items.append({"kind": "quote", "id": quote["id"], "due": quote["dueDate"], "overdue": quote["isOverdue"],
                      "who": quote["recipient"]["fullName"], "what": quote["listing"]["title"],
                      "amount": quote["unitPrice"], "href": f"/officer/quotes/{quote['id']}"})
    return sorted(items, key=lambda item: (item["due"], item["kind"], item["id"]))


async def work_queue(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY)
    if refused:
        return refused
    data = (await portal.run(request, visitor, "OfficerQueue")).data
    waiting = queue(data)
    to_pay = sorted(page_of(data.get("approvedClaims"))[0], key=lambda c: c.get("decidedAt") or "")
    return portal.render(request, visitor, "officer/queue.html", me=data.get("me") or {}, waiting=waiting,
                         overdue=sum(1 for item in waiting if item["overdue"]), to_pay=to_pay,
                         moderation=page_of(data.get("moderationQueue"))[0])
