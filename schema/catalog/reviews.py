"""Reviews as people read them on a listing and a provider: rating, text, date, the "confirmed
order" mark, the provider's one reply. Loaded per page of owners by one DataLoader."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from marketplace.db import Database
from marketplace.orders import models as m
from marketplace.orders import reviews as services
from schema.core.ids import to_global_id
from schema.core.node import Node
from schema.core.pagination import Connection, build_connection, decode_id_cursor, page_size


@strawberry.type(description="The provider's one reply to a review.")
class ReviewReply:
    text: str
    replied_at: dt.datetime


@strawberry.type(description="A recipient's review of a confirmed order.")
class Review(Node):
    rating: int
    text: str
    created_at: dt.datetime
    confirmed_order: bool = strawberry.field(description="Written for an order the recipient confirmed receiving.")
    reply: ReviewReply | None

    @classmethod
    def from_model(cls, r: m.Review) -> Review:
        reply = ReviewReply(text=r.reply_text, replied_at=r.replied_at) if r.reply_text and r.replied_at else None
        # review_order takes CONFIRMED orders only: every review is of a confirmed order.
        return cls(id=strawberry.ID(to_global_id("Review", r.id)), rating=r.rating, text=r.text,
                   created_at=r.created_at, confirmed_order=True, reply=reply)


ReviewKey = tuple[str, int, int, int | None]  # owner ("listing" or "provider"), its id, first, after


def reviews_loader(db: Database) -> DataLoader[ReviewKey, list[Any]]:
    """Visible reviews of many owners: one statement per (owner kind, page size, cursor) in a batch."""

    async def load(keys: list[ReviewKey]) -> list[list[Any]]:
        groups: dict[tuple[str, int, int | None], list[int]] = defaultdict(list)
        for owner, pk, first, after in keys:
            groups[(owner, first, after)].append(pk)
        found: dict[ReviewKey, list[Any]] = {}
        async with db.session() as session:
            for (owner, first, after), ids in groups.items():
                pages = await services.visible_reviews(session, owner, ids, first=first, after=after)
                for pk, rows in pages.items():
                    found[(owner, pk, first, after)] = rows
        return [found.get(k, []) for k in keys]

    return DataLoader(load)


def reviews_field(owner: str) -> Any:
    """The ``reviews`` connection of a listing or a provider (``owner``), on its ``pk``."""

    async def reviews(self: Any, info: strawberry.Info, first: int | None = None, after: str | None = None
                      ) -> Connection[Review]:
        return await reviews_of(info, owner, self.pk, first, after)

    return strawberry.field(resolver=reviews,
                            description="Its visible reviews, newest first (the rating counts only these).")


async def reviews_of(info: strawberry.Info, owner: str, pk: int, first: int | None, after: str | None
                     ) -> Connection[Review]:
    size = page_size(first)
    rows = await info.context.loaders.visible_reviews.load((owner, pk, size, decode_id_cursor(after)))

    async def count() -> int:
        async with info.context.db.session() as session:
            return await services.count_visible_reviews(session, owner, pk)

    return build_connection(rows, size, key=lambda r: [r.id], wrap=Review.from_model, count=count,
                            has_previous=after is not None)

