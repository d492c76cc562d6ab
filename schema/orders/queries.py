"""Queries of orders: each role's work list, as a Relay connection."""

from __future__ import annotations

import strawberry

from marketplace.orders import services
from schema.catalog.reviews import Review
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.core.pagination import Connection, service_connection
from schema.orders.types import Order, OrderStatus, ServiceLog


fetch_order = node_from_service("Order", services.get_order, Order.from_model)


node_from_service("ServiceLog", services.get_service_log, ServiceLog.from_model)


node_from_service("Review", services.get_review, Review.from_model)


@strawberry.type
class OrderQueries:
    @strawberry.field(description="Orders in the viewer's scope, newest first: a recipient's own, a provider's "
                                  "incoming, an officer's region's.")
    async def orders(
        self,
        info: strawberry.Info,
        status: OrderStatus | None = None,  # type: ignore[valid-type]
        person_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Order]:
        person = decode_id(person_id, "Person", "personId") if person_id else None
        return await service_connection(info, services.list_orders, status=status, person_id=person, first=first,
                                        after=after, wrap=Order.from_model)

    @strawberry.field(description="One order in the viewer's scope.")
    async def order(self, info: strawberry.Info, id: strawberry.ID) -> Order:
        return await fetch_order(info, decode_id(id, "Order"))
