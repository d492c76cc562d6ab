"""Helpers for the order tests: a world per test, services in fresh transactions."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import ItemCategory, ItemKind, Unit
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.records.models import DisabilityGroup, Entitlement
from tests import factories as f

_keys = itertools.count(1)


def new_key() -> str:
    return f"key-{next(_keys)}"


@pytest.fixture
async def world(db: Database) -> f.World:
    async with db.transaction() as s:
        return await f.build_world(s)


async def run(db: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service in a transaction of its own (committed unless it raises)."""
    async with db.transaction() as s:
        return await fn(s, *args, **kwargs)


async def refused(db: Database, code: ErrorCode, fn: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        await run(db, fn, *args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value!r}"
    return info.value


async def entitlement(db: Database, ent_id: int) -> Entitlement:
    async with db.session() as s:
        ent = await s.get(Entitlement, ent_id)
        assert ent is not None
        return ent


async def order_count(db: Database) -> int:
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(Order))).scalar_one())


async def actions(db: Database, subject_type: str, subject_id: int) -> list[str]:
    async with db.session() as s:
        rows = await s.execute(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
        return list(rows.scalars())


async def place(db: Database, w: f.World, who: str = "recipient_a", **kw: Any) -> Order:
    kw.setdefault("listing_id", w.listing_a.id)
    kw.setdefault("entitlement_id", w.entitlement_a.id)
    kw.setdefault("quantity", Decimal("1"))
    kw.setdefault("idempotency_key", new_key())
    viewer = kw.pop("viewer", None) or w.viewer(who)
    return await run(db, orders.place_order, viewer, **kw)


async def hours_world(db: Database, *, quantity: int = 200, daily_limit: Decimal | None = Decimal("8"),
                      category: ItemCategory = ItemCategory.PERSONAL_ASSISTANT) -> Any:
    """A personal-assistant setup in region A: a group I person who has difficulty
    moving, two providers with hourly listings, an entitlement; and a second such person."""
    async with db.transaction() as s:
        w = await f.build_world(s)
        h = SimpleNamespace(world=w)
        h.item = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.HOUR, category=category,
                                         price_cap=Decimal("1500.00"))
        h.person = await f.person(s, w.region_a, has_mobility_difficulty=True)
        await f.disability_record(s, h.person, group=DisabilityGroup.I)
        h.entitlement = await f.entitlement(s, h.person, h.item, quantity=quantity, daily_limit=daily_limit)
        h.account = await f.account(s, Role.RECIPIENT, person_id=h.person.id)
        h.provider_1 = w.provider_a
        h.provider_2 = await f.provider(s, [w.region_a])
        h.provider_1_account = w.provider_a_account
        h.provider_2_account = await f.account(s, Role.PROVIDER, provider_id=h.provider_2.id)
        h.listing_1 = await f.listing(s, h.provider_1, h.item, [w.region_a], unit_price=Decimal("1500.00"),
                                      delivery_options=["AT_HOME_SERVICE"])
        h.listing_2 = await f.listing(s, h.provider_2, h.item, [w.region_a], unit_price=Decimal("1400.00"),
                                      delivery_options=["AT_HOME_SERVICE"])
        # A second person, for a worker who would be in two places at once.
        h.other = await f.person(s, w.region_a, has_mobility_difficulty=True)
        await f.disability_record(s, h.other, group=DisabilityGroup.I)
        h.other_entitlement = await f.entitlement(s, h.other, h.item, quantity=quantity, daily_limit=daily_limit)
        h.other_account = await f.account(s, Role.RECIPIENT, person_id=h.other.id)
    h.viewer = f.viewer_of(h.account)
    h.other_viewer = f.viewer_of(h.other_account)
    h.provider_1_viewer = f.viewer_of(h.provider_1_account)
    h.provider_2_viewer = f.viewer_of(h.provider_2_account)
    return h


async def accepted_order(db: Database, recipient: Any, provider: Any, listing_id: int, entitlement_id: int,
                         quantity: Decimal) -> Order:
    order = await run(db, orders.place_order, recipient, listing_id=listing_id, entitlement_id=entitlement_id,
                      quantity=quantity, idempotency_key=new_key())
    return await run(db, orders.accept_order, provider, order.id)


def t(hhmm: str) -> dt.time:
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))
