"""Reviews of confirmed orders: once, by the recipient, rating carried to listing and provider."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.catalog.models import Listing, Provider, SearchOutbox
from marketplace.errors import ErrorCode
from marketplace.orders import services as orders
from tests.orders.conftest import place
from tests.factories import actions, refused, run


async def confirmed(db, world, quantity=Decimal(1)):
    order = await place(db, world, quantity=quantity)
    await run(db, orders.accept_order, world.viewer("provider_a"), order.id)
    await run(db, orders.mark_delivered, world.viewer("provider_a"), order.id)
    return await run(db, orders.confirm_receipt, world.viewer("recipient_a"), order.id)


async def test_review_updates_ratings_and_the_search_outbox(db, world):
    one = await confirmed(db, world)
    two = await confirmed(db, world)
    review = await run(db, orders.review_order, world.viewer("recipient_a"), one.id, 5, "  Отличная коляска  ")
    assert (review.rating, review.text) == (5, "Отличная коляска")
    await run(db, orders.review_order, world.viewer("recipient_a"), two.id, 2)
    async with db.session() as s:
        listing = await s.get(Listing, world.listing_a.id)
        provider = await s.get(Provider, world.provider_a.id)
        assert (listing.rating_sum, listing.rating_count, listing.rating) == (7, 2, Decimal("3.50"))
        assert (provider.rating_sum, provider.rating_count) == (7, 2)
        outbox = (await s.execute(select(SearchOutbox.entity, SearchOutbox.entity_id))).all()
    assert ("listing", world.listing_a.id) in outbox
    assert ("provider", world.provider_a.id) in outbox
    assert await actions(db, "Review", review.id) == ["review.created"]


async def test_an_order_is_reviewed_once(db, world):
    order = await confirmed(db, world)
    await run(db, orders.review_order, world.viewer("recipient_a"), order.id, 4)
    await refused(db, ErrorCode.DUPLICATE, orders.review_order, world.viewer("recipient_a"), order.id, 1)
    async with db.session() as s:
        assert (await s.get(Listing, world.listing_a.id)).rating_count == 1


async def test_only_confirmed_orders_are_reviewed(db, world):
    order = await place(db, world)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.review_order, world.viewer("recipient_a"), order.id, 5)
    await run(db, orders.accept_order, world.viewer("provider_a"), order.id)
    await run(db, orders.mark_delivered, world.viewer("provider_a"), order.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, orders.review_order, world.viewer("recipient_a"), order.id, 5)


@pytest.mark.parametrize(("rating", "text", "code"), [
    (0, "", ErrorCode.OUT_OF_RANGE), (6, "", ErrorCode.OUT_OF_RANGE), (True, "", ErrorCode.OUT_OF_RANGE),
    (4.5, "", ErrorCode.OUT_OF_RANGE), (5, "x" * 2001, ErrorCode.TOO_LONG),
])
async def test_bad_review_input(db, world, rating, text, code):
    order = await confirmed(db, world)
    await refused(db, code, orders.review_order, world.viewer("recipient_a"), order.id, rating, text)
    async with db.session() as s:
        assert (await s.get(Listing, world.listing_a.id)).rating_count == 0


async def test_review_text_of_2000_characters_is_fine(db, world):
    order = await confirmed(db, world)
    review = await run(db, orders.review_order, world.viewer("recipient_a"), order.id, 3, "я" * 2000)
    assert len(review.text) == 2000


async def test_only_the_recipient_reviews(db, world):
    order = await confirmed(db, world)
    await refused(db, ErrorCode.NOT_FOUND, orders.review_order, world.viewer("recipient_b"), order.id, 1)
    await refused(db, ErrorCode.FORBIDDEN, orders.review_order, world.viewer("provider_a"), order.id, 5)
    await refused(db, ErrorCode.FORBIDDEN, orders.review_order, world.viewer("admin"), order.id, 5)
