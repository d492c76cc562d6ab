"""An order's lifecycle: accept, decline, cancel, mark delivered, confirm receipt (``marketplace.lifecycle.ORDER``);
declining and cancelling release the reservation and return the stock, confirming consumes it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.catalog.models import ClassifierItem, Listing, SearchOutbox
from marketplace.cleaning import clean_required_text
from marketplace.db import utcnow
from marketplace.errors import DomainError, ErrorCode
from marketplace.lifecycle import ORDER, transition
from marketplace.orders.models import Order, OrderStatus, ServiceLog, ServiceLogStatus
from marketplace.orders.parties import MAX_REASON, is_hourly, lock_order, order_of_provider, order_of_recipient
from marketplace.orders.placing import stock_units
from marketplace.orders.service_hours import logged_minutes
from marketplace.records.balance import consume_balance, release_balance


async def _return_stock(session: AsyncSession, order: Order) -> None:
    result = await session.execute(
        update(Listing)
        .where(Listing.id == order.listing_id, Listing.stock.is_not(None))
        .values(stock=Listing.stock + stock_units(order.quantity), updated_at=Listing.updated_at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        session.add(SearchOutbox(entity="listing", entity_id=order.listing_id))


async def _transition(
    session: AsyncSession,
    viewer: Viewer,
    order: Order,
    old: Sequence[OrderStatus],
    new: OrderStatus,
    action: str,
    **values: Any,
) -> dict[str, Any]:
    """old → new along the order's lifecycle (race-safe, audited); returns the snapshot before."""
    return await transition(
        session, viewer, ORDER, order, new, old=old, action=action,
        refusal=lambda now: DomainError(ErrorCode.INVALID_TRANSITION, "The order is {status}; it cannot be {new} now.",
                                        "orderId", status=now.status, new=new),
        **values,
    )


async def accept_order(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Provider: PLACED → ACCEPTED."""
    order = await order_of_provider(session, viewer, order_id)
    await _transition(session, viewer, order, [OrderStatus.PLACED], OrderStatus.ACCEPTED, "order.accepted",
                      accepted_at=utcnow())
    return order


async def decline_order(session: AsyncSession, viewer: Viewer, order_id: int, reason: str) -> Order:
    """Provider: PLACED → DECLINED, with a reason; the reservation returns to the balance."""
    order = await order_of_provider(session, viewer, order_id)
    why = clean_required_text(reason, "reason", MAX_REASON, multiline=True)
    await _transition(session, viewer, order, [OrderStatus.PLACED], OrderStatus.DECLINED, "order.declined",
                      decline_reason=why, closed_at=utcnow())
    await release_balance(session, viewer, order.entitlement_id, order.quantity, note={"order_id": order.id})
    await _return_stock(session, order)
    return order


async def cancel_order(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Recipient: PLACED or ACCEPTED → CANCELLED; the reservation returns to the balance.
    Refused once hours were logged on it (they are settled by delivery and confirmation)."""
    order = await order_of_recipient(session, viewer, order_id)
    # Lock the order first: a provider logging hours holds the same lock while it checks the status.
    await lock_order(session, order)
    logged = await session.execute(
        select(ServiceLog.id).where(ServiceLog.order_id == order.id, ServiceLog.status != ServiceLogStatus.DISPUTED)
    )
    if order.status in (OrderStatus.PLACED, OrderStatus.ACCEPTED) and logged.first() is not None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            "Hours were already logged on this order; it is settled by delivery and confirmation.",
            "orderId",
        )
    await _transition(session, viewer, order, [OrderStatus.PLACED, OrderStatus.ACCEPTED], OrderStatus.CANCELLED,
                      "order.cancelled", closed_at=utcnow())
    await release_balance(session, viewer, order.entitlement_id, order.quantity, note={"order_id": order.id})
    await _return_stock(session, order)
    return order


async def mark_delivered(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Provider: ACCEPTED → DELIVERED (for a service: the service is finished; no more hours can be logged)."""
    order = await order_of_provider(session, viewer, order_id)
    await _transition(session, viewer, order, [OrderStatus.ACCEPTED], OrderStatus.DELIVERED, "order.delivered",
                      delivered_at=utcnow())
    return order


async def confirm_receipt(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Recipient: DELIVERED → CONFIRMED; the reservation is consumed.

    For an hourly service the consumption is the CONFIRMED hours on its logs
    (the rest of the booking returns to the balance); it is refused while any
    logged hours await the recipient's confirmation or dispute.
    """
    order = await order_of_recipient(session, viewer, order_id)
    # Lock the order first: confirming or disputing its hours takes the same lock.
    await lock_order(session, order)
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    consume = order.quantity
    if is_hourly(item) and order.status == OrderStatus.DELIVERED:
        pending = await session.execute(
            select(ServiceLog.id).where(ServiceLog.order_id == order.id, ServiceLog.status == ServiceLogStatus.LOGGED)
        )
        if pending.first() is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "Confirm or dispute the logged hours before confirming the service.",
                "orderId",
            )
        confirmed = await logged_minutes(
            session, [ServiceLog.order_id == order.id, ServiceLog.status == ServiceLogStatus.CONFIRMED]
        )
        consume = min(order.quantity, (Decimal(confirmed) / 60).quantize(Decimal("0.01")))
    now = utcnow()
    await _transition(session, viewer, order, [OrderStatus.DELIVERED], OrderStatus.CONFIRMED, "order.confirmed",
                      confirmed_at=now, closed_at=now)
    await consume_balance(session, viewer, order.entitlement_id, consume, reserved=order.quantity,
                          note={"order_id": order.id})
    return order
