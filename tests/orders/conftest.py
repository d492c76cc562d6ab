"""Helpers for the order tests (the world, ``run`` and ``refused`` are tests/factories.py's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from marketplace.accounts.access import Viewer
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.records.models import Entitlement
from tests import factories as f
from tests.factories import new_key, refused, run


async def entitlement(db: Database, ent_id: int) -> Entitlement:
    async with db.session() as s:
        ent = await s.get(Entitlement, ent_id)
        assert ent is not None
        return ent


async def order_count(db: Database) -> int:
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(Order))).scalar_one())


def _order_request(w: f.World, who: str, kw: dict[str, Any]) -> tuple[Viewer, dict[str, Any]]:
    """The viewer and arguments of ``place_order``: one unit of listing A on entitlement A, a new key."""
    viewer = kw.pop("viewer", None) or w.viewer(who)
    return viewer, {"listing_id": w.listing_a.id, "entitlement_id": w.entitlement_a.id, "quantity": Decimal("1"),
                    "idempotency_key": new_key(), **kw}


async def place(db: Database, w: f.World, who: str = "recipient_a", **kw: Any) -> Order:
    viewer, request = _order_request(w, who, kw)
    return await run(db, orders.place_order, viewer, **request)


async def refused_placing(db: Database, w: f.World, code: ErrorCode, who: str = "recipient_a",
                          **kw: Any) -> DomainError:
    """``place`` refused with ``code``."""
    viewer, request = _order_request(w, who, kw)
    return await refused(db, code, orders.place_order, viewer, **request)


async def accepted_order(db: Database, recipient: Any, provider: Any, listing_id: int, entitlement_id: int,
                         quantity: Decimal) -> Order:
    order = await run(db, orders.place_order, recipient, listing_id=listing_id, entitlement_id=entitlement_id,
                      quantity=quantity, idempotency_key=new_key())
    return await run(db, orders.accept_order, provider, order.id)


def t(hhmm: str) -> dt.time:
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))
