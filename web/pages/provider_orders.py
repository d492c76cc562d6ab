"""The provider's work: the home page with the orders to act on first (new ones to accept or
decline, accepted ones to deliver, listings an officer sent back), the incoming orders by status,
and an order's page where it is accepted, declined with a reason, or marked delivered."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.provider_hours import by_worker, hourly, hours_draft
from web.pages.staff import list_by_status, staff_action, staff_case, staff_visitor
from web.portal import FormErrors, Portal, page_of

STATUSES = ("PLACED", "ACCEPTED", "DELIVERED", "CONFIRMED", "DECLINED", "CANCELLED")
ACTIONS = {
    # action: (operation, payload root, what the order page says was done)
    "accept": ("AcceptOrder", "acceptOrder", "accepted"),
    "decline": ("DeclineOrder", "declineOrder", "declined"),
    "deliver": ("MarkDelivered", "markDelivered", "delivered"),
}
# The status each action leaves the order in: the same form sent twice (a double click) finds
# the order there already, and lands on it as done instead of refused.
REACHED = {"accept": "ACCEPTED", "decline": "DECLINED", "deliver": "DELIVERED"}
DECLINE_FIELDS = {"reason": "decline-reason"}


async def work_home(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    outcome = await portal.run(request, visitor, "ProviderWork")
    if not outcome.ok:
        return portal.sign_in_first(request, visitor)
    me = outcome.data["me"]
    provider = me.get("provider") or {}
    sent_back: list[dict[str, object]] = []
    if provider.get("id"):
        listings = await portal.run(request, visitor, "ProviderListings", providerId=provider["id"], status="REJECTED")
        sent_back = page_of(listings.data.get("providerListings"))[0]
    placed, _, placed_count = page_of(outcome.data.get("placed"))
    accepted, _, accepted_count = page_of(outcome.data.get("accepted"))
    return portal.render(request, visitor, "provider/work.html", me=me, provider=provider, placed=placed,
                         placed_count=placed_count, accepted=accepted, accepted_count=accepted_count,
                         sent_back=sent_back)


async def incoming_orders(portal: Portal, request: Request) -> Response:
    return await list_by_status(portal, request, Role.PROVIDER, "ProviderOrders", "orders", "provider/orders.html",
                                STATUSES, "orders")


async def show_order(portal: Portal, request: Request, errors: FormErrors | None = None,
                     reason: str = "") -> Response:
    visitor, order, refused = await staff_case(portal, request, Role.PROVIDER, "ProviderOrder", "order")
    if refused:
        return refused
    hours = None  # the form to log hours, on an accepted hourly service
    if hourly(order) and order["status"] == "ACCEPTED":
        hours = await hours_draft(portal, visitor, order["id"])
    return portal.render_form(request, visitor, "provider/order.html", errors, order=order, reason=reason,
                              hours=hours, workers=by_worker([order]))


async def order_page(portal: Portal, request: Request) -> Response:
    return await show_order(portal, request)


async def order_action(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await staff_action(portal, request, Role.PROVIDER, ACTIONS)
    if refused:
        return refused
    operation, root, done = ACTIONS[action]
    order_id = request.path_params["id"]
    errors = FormErrors(fields=DECLINE_FIELDS, fallback="decline-reason" if operation == "DeclineOrder" else None)
    variables: dict[str, object] = {"orderId": order_id}
    reason = str(form.get("reason") or "").strip()[:1000]
    if operation == "DeclineOrder":
        if not reason:
            errors.add(portal.gettext(visitor, "Say why you decline the order: the recipient reads it"),
                       "reason", "REQUIRED")
        variables["reason"] = reason
    if not errors:
        outcome = await portal.run(request, visitor, operation, **variables)
        errors.extend(outcome.payload_errors(root))
        if any(e.get("code") == "INVALID_TRANSITION" for e in errors.items):
            now = await portal.run(request, visitor, "ProviderOrder", id=order_id)
            if ((now.data.get("order") or {}).get("status")) == REACHED[request.path_params["action"]]:
                return portal.redirect(visitor, f"/provider/orders/{order_id}?done={done}")
        if not errors and not outcome.ok:
            return portal.not_found(request, visitor)
        if not errors:
            return portal.redirect(visitor, f"/provider/orders/{order_id}?done={done}")
    return await show_order(portal, request, errors, reason)
