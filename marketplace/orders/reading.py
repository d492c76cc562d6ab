"""Reading orders, their service logs and reviews, in the viewer's scope (out of scope is NOT_FOUND)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_in_scope
from marketplace.cleaning import clean_choice, clean_page_size
from marketplace.db import count_rows
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.orders.models import Order, OrderStatus, Review, ServiceLog


# -- reads ----------------------------------------------------------------------
def _scope(viewer: Viewer) -> list[Any]:
    """WHERE conditions for the orders the viewer may see."""
    return viewer.case_filter(Order.person_id, Order.provider_id, Order.region_id)


def can_see_order(viewer: Viewer, order: Order) -> bool:
    return viewer.sees_case(order.person_id, order.provider_id, order.region_id)


async def get_order(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    viewer.require_authenticated()
    return await fetch_in_scope(session, Order, order_id, "order", "orderId",
                                lambda order: can_see_order(viewer, order))


async def get_service_log(session: AsyncSession, viewer: Viewer, log_id: int) -> ServiceLog:
    """A service log, for whoever may see its order."""
    return await _of_visible_order(session, viewer, ServiceLog, log_id, "service log")


async def get_review(session: AsyncSession, viewer: Viewer, review_id: int) -> Review:
    """A review, for whoever may see the order it reviews."""
    return await _of_visible_order(session, viewer, Review, review_id, "review")


async def _of_visible_order(session: AsyncSession, viewer: Viewer, model: Any, pk: int, what: str) -> Any:
    viewer.require_authenticated()
    row = await session.get(model, pk)
    order = await session.get(Order, row.order_id) if row is not None else None
    if order is None or not can_see_order(viewer, order):
        raise not_found(what, "id")
    return row


async def list_orders(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: OrderStatus | None = None,
    person_id: int | None = None,
    first: int = 20,
    after: int | None = None,
    count_only: bool = False,
) -> list[Order] | int:
    """The orders in the viewer's scope, newest (highest id) first, keyset-paged.

    ``after`` is the id of the last order of the previous page. Returns up to
    ``first + 1`` rows: an extra row means there is a next page (as
    ``schema.core.pagination.build_connection`` expects).
    """
    clean_page_size(first)
    stmt = select(Order).where(*_scope(viewer))
    if status is not None:
        stmt = stmt.where(Order.status == clean_choice(
            OrderStatus, status, "status", lambda: DomainError(ErrorCode.INVALID, "Not an order status.", "status")))
    if person_id is not None:
        stmt = stmt.where(Order.person_id == person_id)
    if count_only:
        return await count_rows(session, stmt)
    if after is not None:
        stmt = stmt.where(Order.id < int(after))
    rows = await session.execute(stmt.order_by(Order.id.desc()).limit(first + 1))
    return list(rows.scalars())


async def list_service_logs(session: AsyncSession, viewer: Viewer, order_id: int) -> list[ServiceLog]:
    order = await get_order(session, viewer, order_id)
    rows = await session.execute(
        select(ServiceLog).where(ServiceLog.order_id == order.id)
        .order_by(ServiceLog.service_date, ServiceLog.start_time, ServiceLog.id)
    )
    return list(rows.scalars())
