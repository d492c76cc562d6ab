"""Mutations of the order lifecycle, service hours and reviews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from marketplace.errors import DomainError, ErrorCode
from marketplace.orders import services
from schema.core.errors import UserError
from schema.core.ids import decode_id
from schema.core.mutations import guarded, in_transaction
from schema.orders.types import Order, Review, ServiceLog
from schema.quotes.ordering import place_quoted_order


@strawberry.type
class OrderPayload:
    order: Order | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ServiceLogsPayload:
    service_logs: list[ServiceLog] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReviewPayload:
    review: Review | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _order_payload(order, errors):  # type: ignore[no-untyped-def]
    return OrderPayload(order=Order.from_model(order) if order else None, errors=errors)


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Order a listing against an entitlement; reserves the balance. "
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
            return _order_payload(*await guarded(lambda: place_quoted_order(
                info, quote_id, idempotency_key, delivery_option, accept_co_payment)))

        async def work():  # type: ignore[no-untyped-def]
            for value, name in ((listing_id, "listingId"), (entitlement_id, "entitlementId"), (quantity, "quantity")):
                if value is None:
                    raise DomainError(ErrorCode.REQUIRED, "Required (or give quoteId).", name)
            return await services.place_order_once(
                info.context.db, info.context.viewer, listing_id=decode_id(listing_id, "Listing", "listingId"),
                entitlement_id=decode_id(entitlement_id, "Entitlement", "entitlementId"), quantity=quantity,
                idempotency_key=idempotency_key, delivery_option=delivery_option, course_starts_on=course_starts_on,
            )

        return _order_payload(*await guarded(work))

    @strawberry.mutation(description="Recipient: cancel before delivery; the reservation returns to the balance.")
    async def cancel_order(self, info: strawberry.Info, order_id: strawberry.ID) -> OrderPayload:
        return _order_payload(*await in_transaction(
            info, lambda s: services.cancel_order(s, info.context.viewer, decode_id(order_id, "Order", "orderId"))))

    @strawberry.mutation(description="Provider: accept a placed order.")
    async def accept_order(self, info: strawberry.Info, order_id: strawberry.ID) -> OrderPayload:
        return _order_payload(*await in_transaction(
            info, lambda s: services.accept_order(s, info.context.viewer, decode_id(order_id, "Order", "orderId"))))

    @strawberry.mutation(description="Provider: decline a placed order with a reason; the balance returns.")
    async def decline_order(self, info: strawberry.Info, order_id: strawberry.ID, reason: str) -> OrderPayload:
        return _order_payload(*await in_transaction(
            info, lambda s: services.decline_order(
                s, info.context.viewer, decode_id(order_id, "Order", "orderId"), reason)))

    @strawberry.mutation(description="Provider: the aid is delivered (or the service finished).")
    async def mark_delivered(self, info: strawberry.Info, order_id: strawberry.ID) -> OrderPayload:
        return _order_payload(*await in_transaction(
            info, lambda s: services.mark_delivered(s, info.context.viewer, decode_id(order_id, "Order", "orderId"))))

    @strawberry.mutation(description="Recipient: confirm receipt; the reservation is consumed.")
    async def confirm_receipt(self, info: strawberry.Info, order_id: strawberry.ID) -> OrderPayload:
        return _order_payload(*await in_transaction(
            info, lambda s: services.confirm_receipt(s, info.context.viewer, decode_id(order_id, "Order", "orderId"))))

    @strawberry.mutation(description="Provider: log a worker's hours on a service order, for the recipient to confirm.")
    async def log_service_hours(
        self, info: strawberry.Info, order_id: strawberry.ID, worker_iin: str, worker_name: str,
        service_date: dt.date, start_time: dt.time, end_time: dt.time,
    ) -> ServiceLogsPayload:
        log, errors = await in_transaction(info, lambda s: services.log_service_hours(
            s, info.context.viewer, order_id=decode_id(order_id, "Order", "orderId"), worker_iin=worker_iin,
            worker_name=worker_name, service_date=service_date, start_time=start_time, end_time=end_time))
        return ServiceLogsPayload(service_logs=[ServiceLog.from_model(log)] if log else [], errors=errors)

    @strawberry.mutation(description="Recipient: confirm logged hours (all or none); only confirmed hours are paid.")
    async def confirm_service_hours(self, info: strawberry.Info, service_log_ids: list[strawberry.ID]) -> ServiceLogsPayload:
        async def work(s):  # type: ignore[no-untyped-def]
            if not service_log_ids or len(service_log_ids) > 100:
                from marketplace.errors import DomainError, ErrorCode

                raise DomainError(ErrorCode.OUT_OF_RANGE, "Give 1 to 100 service logs.", "serviceLogIds")
            ids = [decode_id(i, "ServiceLog", "serviceLogIds") for i in service_log_ids]
            return await services.confirm_service_hours(s, info.context.viewer, ids)

        logs, errors = await in_transaction(info, work)
        return ServiceLogsPayload(service_logs=[ServiceLog.from_model(x) for x in logs or []], errors=errors)

    @strawberry.mutation(description="Recipient: dispute logged hours with a note; disputed hours are never paid.")
    async def dispute_service_hours(self, info: strawberry.Info, service_log_id: strawberry.ID, note: str) -> ServiceLogsPayload:
        log, errors = await in_transaction(info, lambda s: services.dispute_service_hours(
            s, info.context.viewer, decode_id(service_log_id, "ServiceLog", "serviceLogId"), note))
        return ServiceLogsPayload(service_logs=[ServiceLog.from_model(log)] if log else [], errors=errors)

    @strawberry.mutation(description="Recipient: rate a confirmed order once (1-5) with an optional text.")
    async def review_order(self, info: strawberry.Info, order_id: strawberry.ID, rating: int, text: str | None = None) -> ReviewPayload:
        review, errors = await in_transaction(info, lambda s: services.review_order(
            s, info.context.viewer, decode_id(order_id, "Order", "orderId"), rating, text or ""))
        return ReviewPayload(review=Review.from_model(review) if review else None, errors=errors)
