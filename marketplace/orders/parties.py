"""An order as each party reaches it (the provider's, the recipient's), locked, and the advisory locks that queue
the writers of one person's item, one key or one order (PostgreSQL; SQLite serialises its writers)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import literal, text
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_of_provider, fetch_of_recipient
from marketplace.catalog.models import ClassifierItem, ItemKind, Unit
from marketplace.db import Quantity, select_for_update
from marketplace.orders.models import Order


MAX_REASON = 1000


def quantity_param(value: Decimal) -> Any:
    """A bound quantity typed as the column (on SQLite that means scaled to hundredths)."""
    return literal(value, Quantity)


def is_hourly(item: ClassifierItem) -> bool:
    return item.kind == ItemKind.SERVICE and item.unit == Unit.HOUR


# -- transitions ----------------------------------------------------------------
async def order_of_provider(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    return await fetch_of_provider(session, viewer, Order, order_id, "order", "orderId")


async def order_of_recipient(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    return await fetch_of_recipient(session, viewer, Order, order_id, "order", "orderId")


async def lock_order(session: AsyncSession, order: Order) -> None:
    """SELECT ... FOR UPDATE on the order (a no-op on SQLite, whose writers are serialised), refreshing it."""
    (await session.execute(select_for_update(Order, order.id))).scalar_one()


def lock_key(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def advisory_locks(session: AsyncSession, keys: Iterable[tuple[object, ...]]) -> None:
    """Transaction-scoped locks on PostgreSQL (taken in a fixed order, so no deadlock);
    on SQLite the write transaction (BEGIN IMMEDIATE) already serialises writers."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(lock_key(*k) for k in keys):
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
