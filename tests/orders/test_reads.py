"""Reading orders: each role sees its scope, keyset pages newest first."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.errors import ErrorCode
from marketplace.orders import services as orders
from marketplace.orders.models import OrderStatus
from tests import factories as f
from tests.orders.conftest import place
from tests.factories import refused, run


@pytest.fixture
async def placed(db, world):
    async with db.transaction() as s:
        from sqlalchemy import update

        from marketplace.records.models import Entitlement

        await s.execute(update(Entitlement).values(quantity=Decimal(10)))
    a = [await place(db, world) for _ in range(3)]
    b = [await place(db, world, who="recipient_b", listing_id=world.listing_b.id,
                     entitlement_id=world.entitlement_b.id) for _ in range(2)]
    return a, b


async def ids(db, viewer, **kw):
    return [o.id for o in await run(db, orders.list_orders, viewer, **kw)]


async def test_each_role_sees_its_scope(db, world, placed):
    a, b = placed
    a_ids = sorted((o.id for o in a), reverse=True)
    b_ids = sorted((o.id for o in b), reverse=True)
    assert await ids(db, world.viewer("recipient_a")) == a_ids
    assert await ids(db, world.viewer("recipient_b")) == b_ids
    assert await ids(db, world.viewer("provider_a")) == a_ids
    assert await ids(db, world.viewer("provider_b")) == b_ids
    assert await ids(db, world.viewer("officer_a")) == a_ids
    assert await ids(db, world.viewer("officer_b")) == b_ids
    assert await ids(db, world.viewer("admin")) == sorted(a_ids + b_ids, reverse=True)


async def test_filtering_by_an_out_of_scope_person_shows_nothing(db, world, placed):
    assert await ids(db, world.viewer("recipient_a"), person_id=world.recipient_b.id) == []
    assert await ids(db, world.viewer("officer_a"), person_id=world.recipient_b.id) == []


async def test_keyset_pages(db, world, placed):
    viewer = world.viewer("admin")
    every = await ids(db, viewer)
    first = await ids(db, viewer, first=2)
    assert first == every[:3]  # two plus one telling there is more
    second = await ids(db, viewer, first=2, after=every[1])
    assert second == every[2:5]
    last = await ids(db, viewer, first=2, after=every[3])
    assert last == every[4:]


async def test_status_filter(db, world, placed):
    a, _ = placed
    await run(db, orders.accept_order, world.viewer("provider_a"), a[0].id)
    assert await ids(db, world.viewer("recipient_a"), status=OrderStatus.ACCEPTED) == [a[0].id]
    assert len(await ids(db, world.viewer("recipient_a"), status=OrderStatus.PLACED)) == 2


async def test_page_size_is_bounded(db, world):
    await refused(db, ErrorCode.OUT_OF_RANGE, orders.list_orders, world.viewer("admin"), first=101)
    await refused(db, ErrorCode.OUT_OF_RANGE, orders.list_orders, world.viewer("admin"), first=-1)


async def test_get_order_scope(db, world, placed):
    a, _ = placed
    for who in ("recipient_a", "provider_a", "officer_a", "admin"):
        assert (await run(db, orders.get_order, world.viewer(who), a[0].id)).id == a[0].id
    for who in ("recipient_b", "provider_b", "officer_b"):
        await refused(db, ErrorCode.NOT_FOUND, orders.get_order, world.viewer(who), a[0].id)
    await refused(db, ErrorCode.NOT_FOUND, orders.get_order, world.viewer("admin"), 999999)
    await refused(db, ErrorCode.UNAUTHENTICATED, orders.get_order, Viewer.anonymous(), a[0].id)
    await refused(db, ErrorCode.UNAUTHENTICATED, orders.list_orders, Viewer.anonymous())


async def test_representative_sees_the_represented_persons_orders(db, world):
    async with db.transaction() as s:
        child = await f.person(s, world.region_a, legal_representative_id=world.recipient_a.id)
        await f.disability_record(s, child, group="CHILD")
        ent = await f.entitlement(s, child, world.item, quantity=1)
        other = await f.account(s, Role.RECIPIENT, person_id=child.id)
    parent = f.viewer_of(world.recipient_a_account, represented=frozenset({child.id}))
    order = await place(db, world, viewer=parent, entitlement_id=ent.id)
    assert order.id in await ids(db, parent)
    assert await ids(db, parent, person_id=child.id) == [order.id]
    assert order.id not in await ids(db, world.viewer("recipient_a"))
    assert await ids(db, f.viewer_of(other)) == [order.id]


async def test_unknown_status_filter_is_invalid(db, world):
    await refused(db, ErrorCode.INVALID, orders.list_orders, world.viewer("admin"), status="LOST")
