"""Reviews people can read: listed on the listing and the provider (visible ones, newest first, in
pages), the provider's one reply, an officer hiding an abusive review (the rating then counts
only the visible ones); refusals per role; over the services and over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.catalog.models import Listing, Provider, SearchOutbox
from marketplace.errors import DomainError, ErrorCode
from marketplace.notifications.models import Notification
from marketplace.orders import reviews
from marketplace.orders import services as orders
from marketplace.orders.models import Review
from schema.core.ids import to_global_id
from tests.graphql_client import GraphQLClient
from tests.orders.conftest import place
from tests.factories import actions, change, refused, run


async def reviewed(db, world, rating: int, text: str = "") -> Review:  # type: ignore[no-untyped-def]
    await _enough(db, world)
    order = await place(db, world, quantity=Decimal(1))
    await run(db, orders.accept_order, world.viewer("provider_a"), order.id)
    await run(db, orders.mark_delivered, world.viewer("provider_a"), order.id)
    await run(db, orders.confirm_receipt, world.viewer("recipient_a"), order.id)
    return await run(db, orders.review_order, world.viewer("recipient_a"), order.id, rating, text)


async def _enough(db, world) -> None:  # type: ignore[no-untyped-def]
    from marketplace.records.models import Entitlement

    await change(db, Entitlement, Entitlement.id == world.entitlement_a.id, quantity=50)


async def ratings(db, world) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    async with db.session() as s:
        listing = await s.get(Listing, world.listing_a.id)
        provider = await s.get(Provider, world.provider_a.id)
        return (listing.rating_sum, listing.rating_count), (provider.rating_sum, provider.rating_count)


async def test_the_provider_replies_once(db, world) -> None:  # type: ignore[no-untyped-def]
    review = await reviewed(db, world, 4, "Хорошая коляска")
    await refused(db, ErrorCode.FORBIDDEN, reviews.reply_to_review, world.viewer("recipient_a"), review.id, "x")
    await refused(db, ErrorCode.FORBIDDEN, reviews.reply_to_review, world.viewer("officer_a"), review.id, "x")
    await refused(db, ErrorCode.NOT_FOUND, reviews.reply_to_review, world.viewer("provider_b"), review.id, "x")
    await refused(db, ErrorCode.REQUIRED, reviews.reply_to_review, world.viewer("provider_a"), review.id, "  ")
    await refused(db, ErrorCode.TOO_LONG, reviews.reply_to_review, world.viewer("provider_a"), review.id, "x" * 2001)
    replied = await run(db, reviews.reply_to_review, world.viewer("provider_a"), review.id, "Спасибо за отзыв!")
    assert replied.reply_text == "Спасибо за отзыв!" and replied.replied_at is not None
    await refused(db, ErrorCode.DUPLICATE, reviews.reply_to_review, world.viewer("provider_a"), review.id, "Ещё")
    assert await actions(db, "Review", review.id) == ["review.created", "review.replied"]
    async with db.session() as s:
        kinds = list((await s.execute(select(Notification.kind).where(
            Notification.account_id == world.recipient_a_account.id, Notification.kind.like("review.%")))).scalars())
    assert kinds == ["review.replied"]


async def test_an_officer_hides_an_abusive_review_and_the_rating_drops_it(db, world) -> None:  # type: ignore[no-untyped-def]
    keep = await reviewed(db, world, 5)
    abusive = await reviewed(db, world, 1, "оскорбление")
    assert await ratings(db, world) == ((6, 2), (6, 2))
    for who, code in (("recipient_a", ErrorCode.FORBIDDEN), ("provider_a", ErrorCode.FORBIDDEN),
                      ("officer_b", ErrorCode.NOT_FOUND)):
        await refused(db, code, reviews.hide_review, world.viewer(who), abusive.id, "Оскорбления")
    await refused(db, ErrorCode.REQUIRED, reviews.hide_review, world.viewer("officer_a"), abusive.id, "")
    await refused(db, ErrorCode.NOT_FOUND, reviews.hide_review, world.viewer("officer_a"), 10**6, "Оскорбления")
    assert await ratings(db, world) == ((6, 2), (6, 2))
    async with db.transaction() as s:
        await s.execute(SearchOutbox.__table__.delete())
    hidden = await run(db, reviews.hide_review, world.viewer("officer_a"), abusive.id, "Оскорбления")
    assert (hidden.hidden_reason, hidden.hidden_by_account_id) == ("Оскорбления", world.officer_a_account.id)
    assert await ratings(db, world) == ((5, 1), (5, 1))
    async with db.session() as s:
        outbox = set((await s.execute(select(SearchOutbox.entity, SearchOutbox.entity_id))).all())
        pages = await reviews.visible_reviews(s, "listing", [world.listing_a.id])
        by_provider = await reviews.visible_reviews(s, "provider", [world.provider_a.id])
    assert outbox == {("listing", world.listing_a.id), ("provider", world.provider_a.id)}
    assert [r.id for r in pages[world.listing_a.id]] == [keep.id]
    assert [r.id for r in by_provider[world.provider_a.id]] == [keep.id]
    await refused(db, ErrorCode.INVALID_TRANSITION, reviews.hide_review, world.viewer("admin"), abusive.id, "Снова")
    assert await ratings(db, world) == ((5, 1), (5, 1))
    await refused(db, ErrorCode.NOT_FOUND, reviews.reply_to_review, world.viewer("provider_a"), abusive.id, "?")
    assert await actions(db, "Review", abusive.id) == ["review.created", "review.hidden"]


async def test_reviews_are_listed_newest_first_in_pages_for_many_owners_at_once(db, world) -> None:  # type: ignore[no-untyped-def]
    made = [await reviewed(db, world, r) for r in (3, 4, 5)]
    async with db.session() as s:
        pages = await reviews.visible_reviews(s, "listing", [world.listing_a.id, world.listing_b.id], first=2)
        assert [r.id for r in pages[world.listing_a.id]] == [made[2].id, made[1].id, made[0].id]  # first + 1
        assert pages[world.listing_b.id] == []
        rest = await reviews.visible_reviews(s, "listing", [world.listing_a.id], first=2, after=made[1].id)
        assert [r.id for r in rest[world.listing_a.id]] == [made[0].id]
        with pytest.raises(DomainError) as exc:
            await reviews.visible_reviews(s, "listing", [world.listing_a.id], first=101)
        assert (exc.value.code, exc.value.field) == (ErrorCode.OUT_OF_RANGE, "first")


READ = """query($l: ID!, $p: ID!, $after: String) {
  listing(id: $l) { rating ratingCount reviews(first: 1, after: $after) {
    edges { node { id rating text createdAt confirmedOrder reply { text } } } pageInfo { hasNextPage endCursor } totalCount } }
  provider(id: $p) { rating reviews(first: 5) { edges { node { id } } totalCount } } }"""
REPLY = "mutation($r: ID!) { replyToReview(reviewId: $r, text: \"Спасибо!\") { review { reply { text } } errors { code } } }"
HIDE = "mutation($r: ID!) { hideReview(reviewId: $r, reason: \"Оскорбления\") { review { id } errors { code } } }"


async def test_reviews_over_http(api: GraphQLClient, db, world) -> None:  # type: ignore[no-untyped-def]
    good = await reviewed(db, world, 5, "Отлично")
    bad = await reviewed(db, world, 1, "оскорбление")
    ids = {"l": to_global_id("Listing", world.listing_a.id), "p": to_global_id("Provider", world.provider_a.id)}
    page = (await api.data(READ, ids))["listing"]  # anyone, signed in or not, reads them
    assert (page["rating"], page["ratingCount"]) == ("3.00", 2)
    edges = page["reviews"]["edges"]
    assert [e["node"]["id"] for e in edges] == [to_global_id("Review", bad.id)]
    assert edges[0]["node"]["confirmedOrder"] is True and page["reviews"]["pageInfo"]["hasNextPage"] is True
    assert page["reviews"]["totalCount"] == 2
    nxt = (await api.data(READ, {**ids, "after": page["reviews"]["pageInfo"]["endCursor"]}))["listing"]["reviews"]
    assert [e["node"]["id"] for e in nxt["edges"]] == [to_global_id("Review", good.id)]

    provider, officer, other_officer = await api.logins(world, "provider_a", "officer_a", "officer_b")
    got = (await api.data(REPLY, {"r": to_global_id("Review", good.id)}, provider))["replyToReview"]
    assert got == {"review": {"reply": {"text": "Спасибо!"}}, "errors": []}
    denied = (await api.data(HIDE, {"r": to_global_id("Review", bad.id)}, other_officer))["hideReview"]
    assert denied["errors"] == [{"code": "NOT_FOUND"}]
    hidden = (await api.data(HIDE, {"r": to_global_id("Review", bad.id)}, officer))["hideReview"]
    assert hidden["errors"] == []
    after = await api.data(READ, ids)
    assert (after["listing"]["rating"], after["listing"]["ratingCount"], after["provider"]["rating"]) == (
        "5.00", 1, "5.00")
    assert [e["node"]["id"] for e in after["provider"]["reviews"]["edges"]] == [to_global_id("Review", good.id)]
    assert (after["listing"]["reviews"]["totalCount"], after["provider"]["reviews"]["totalCount"]) == (1, 1)
    assert after["listing"]["reviews"]["edges"][0]["node"]["reply"] == {"text": "Спасибо!"}
