"""Mutations of the order lifecycle, service hours and reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from marketplace.orders import services
from marketplace.quotes import services as quotes
from schema.catalog.reviews import Review
from schema.core.errors import Payload
from schema.core.ids import decode_id
from schema.core.inputs import id_list, required
from schema.core.mutations import mutation, transaction
from schema.orders.types import Order, ServiceLog

MAX_SERVICE_LOGS = 100  # confirmed in one call


@strawberry.type
class OrderPayload(Payload):
    order: Order | None = None


@strawberry.type
class ServiceLogsPayload(Payload):
    service_logs: list[ServiceLog] = strawberry.field(default_factory=list)


@strawberry.type
class ReviewPayload(Payload):
    review: Review | None = None


def _order(order) -> OrderPayload:  # type: ignore[no-untyped-def]
    return OrderPayload(order=Order.from_model(order))


def _order_step(service: Callable[..., Awaitable[Any]], description: str) -> Any:
    """A step of an order's life that takes nothing but the order: its id in, the order out."""

    @mutation(description=description)
    async def step(self: Any, info: strawberry.Info, order_id: strawberry.ID) -> OrderPayload:
        return _order(await transaction(info, service, decode_id(order_id, "Order", "orderId")))

    return step


@strawberry.type
class OrderMutations:
    @mutation(description="Order a listing against an entitlement; reserves the balance. "
                          "The same idempotency key twice returns the same order. For a custom item, "
                          "give quoteId (an APPROVED quote) instead of listing, entitlement and quantity.")
    async def place_order(
        self, info: strawberry.Info, idempotency_key: str, listing_id: strawberry.ID | None = None,
        entitlement_id: strawberry.ID | None = None, quantity: Decimal | None = None,
        delivery_option: str | None = None, quote_id: strawberry.ID | None = None,
        accept_co_payment: Annotated[bool, strawberry.argument(
            description="With quoteId: pay the difference when the approved price is below the quote.")] = False,
        course_starts_on: dt.date | None = None,
    ) -> OrderPayload:
        if quote_id is not None:
            return _order(await transaction(
                info, quotes.place_quoted_order, quote_id=decode_id(quote_id, "Quote", "quoteId"),
                idempotency_key=idempotency_key, delivery_option=delivery_option, accept_co_payment=accept_co_payment))
        listing, entitlement, quantity = (required(listing_id, "listingId", or_quote=True),
                                          required(entitlement_id, "entitlementId", or_quote=True),
                                          required(quantity, "quantity", or_quote=True))
        return _order(await services.place_order_once(
            info.context.db, info.context.viewer, listing_id=decode_id(listing, "Listing", "listingId"),
            entitlement_id=decode_id(entitlement, "Entitlement", "entitlementId"), quantity=quantity,
            idempotency_key=idempotency_key, delivery_option=delivery_option, course_starts_on=course_starts_on))

    cancel_order = _order_step(
        services.cancel_order, "Recipient: cancel before delivery; the reservation returns to the balance.")
    accept_order = _order_step(services.accept_order, "Provider: accept a placed order.")

    @mutation(description="Provider: decline a placed order with a reason; the balance returns.")
    async def decline_order(self, info: strawberry.Info, order_id: strawberry.ID, reason: str) -> OrderPayload:
        return _order(await transaction(info, services.decline_order, decode_id(order_id, "Order", "orderId"), reason))

    mark_delivered = _order_step(services.mark_delivered, "Provider: the aid is delivered (or the service finished).")
    confirm_receipt = _order_step(services.confirm_receipt, "Recipient: confirm receipt; the reservation is consumed.")

    @mutation(description="Provider: log a worker's hours on a service order, for the recipient to confirm.")
    async def log_service_hours(
        self, info: strawberry.Info, order_id: strawberry.ID, worker_iin: str, worker_name: str,
        service_date: dt.date, start_time: dt.time, end_time: dt.time,
    ) -> ServiceLogsPayload:
        log = await transaction(
            info, services.log_service_hours, order_id=decode_id(order_id, "Order", "orderId"), worker_iin=worker_iin,
            worker_name=worker_name, service_date=service_date, start_time=start_time, end_time=end_time)
        return ServiceLogsPayload(service_logs=[ServiceLog.from_model(log)])

    @mutation(description="Recipient: confirm logged hours (all or none); only confirmed hours are paid.")
    async def confirm_service_hours(self, info: strawberry.Info, service_log_ids: list[strawberry.ID]) -> ServiceLogsPayload:
        ids = id_list(service_log_ids, "ServiceLog", "serviceLogIds", at_most=MAX_SERVICE_LOGS)
        logs = await transaction(info, services.confirm_service_hours, ids)
        return ServiceLogsPayload(service_logs=[ServiceLog.from_model(x) for x in logs])

    @mutation(description="Recipient: dispute logged hours with a note; disputed hours are never paid.")
    async def dispute_service_hours(self, info: strawberry.Info, service_log_id: strawberry.ID, note: str) -> ServiceLogsPayload:
        log = await transaction(info, services.dispute_service_hours,
                                decode_id(service_log_id, "ServiceLog", "serviceLogId"), note)
        return ServiceLogsPayload(service_logs=[ServiceLog.from_model(log)])

    @mutation(description="Recipient: rate a confirmed order once (1-5) with an optional text.")
    async def review_order(self, info: strawberry.Info, order_id: strawberry.ID, rating: int, text: str | None = None) -> ReviewPayload:
        review = await transaction(info, services.review_order, decode_id(order_id, "Order", "orderId"), rating,
                                   text or "")
        return ReviewPayload(review=Review.from_model(review))
