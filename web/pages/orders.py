"""My orders: the list, an order's page with what can be done next (confirm receipt, cancel,
review), and the confirmation page after ordering."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.pages.recipient import case_action, my_cases
from web.portal import FormErrors, Portal

ACTIONS = {
    # action: (operation, payload root, where the order page says it was done)
    "cancel": ("CancelOrder", "cancelOrder", "cancelled"),
    "confirm": ("ConfirmReceipt", "confirmReceipt", "confirmed"),
    "review": ("ReviewOrder", "reviewOrder", "reviewed"),
}
REVIEW_FIELDS = {"rating": "rating", "text": "review-text"}


async def my_orders(portal: Portal, request: Request) -> Response:
    return await my_cases(portal, request, "MyOrders", "orders", "pages/orders.html", "orders")


async def _order_page(portal: Portal, request: Request, template: str, errors: FormErrors | None = None,
                      status_code: int = 200, **context: object) -> Response:
    visitor, order, refused = await portal.open_case(request, "Order", "order")
    if refused:
        return refused
    return portal.render(request, visitor, template, order=order, errors=errors, status_code=status_code,
                         done=request.query_params.get("done"), **context)


async def order_page(portal: Portal, request: Request) -> Response:
    return await order_view(portal, request, review={})


async def order_view(portal: Portal, request: Request, errors: FormErrors | None = None, status_code: int = 200,
                     **context: object) -> Response:
    """The order's page (``pages/order.html``), as shown or as answered after a failed form."""
    context.setdefault("disputing", {})
    return await _order_page(portal, request, "pages/order.html", errors=errors, status_code=status_code, **context)


async def placed(portal: Portal, request: Request) -> Response:
    return await _order_page(portal, request, "pages/order_placed.html")


async def order_action(portal: Portal, request: Request) -> Response:
    visitor, form, action, refused = await case_action(portal, request, ACTIONS)
    if refused:
        return refused
    operation, root, done = action
    order_id = request.path_params["id"]
    variables: dict[str, object] = {"orderId": order_id}
    errors = FormErrors(fields=REVIEW_FIELDS, fallback="rating" if operation == "ReviewOrder" else None)
    review = {"rating": str(form.get("rating") or ""), "text": str(form.get("text") or "")[:2000]}
    if operation == "ReviewOrder":
        if review["rating"] not in {"1", "2", "3", "4", "5"}:
            errors.add(portal.gettext(visitor, "Choose a rating from 1 to 5"), "rating", "REQUIRED")
        variables.update(rating=int(review["rating"]) if review["rating"].isdigit() else 0, text=review["text"] or None)
    answer = await portal.submit(request, visitor, errors, operation, root, f"/orders/{order_id}?done={done}",
                                 **variables)
    return answer or await order_view(portal, request, errors=errors, status_code=400, review=review)
