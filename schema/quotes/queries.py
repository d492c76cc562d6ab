"""Queries of quotes: each role's list (the officer's queue soonest due first) and one quote."""

from __future__ import annotations

import strawberry

from marketplace import clock
from marketplace.quotes import services
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.core.pagination import Connection, build_connection, counter, decode_cursor, page_size
from schema.quotes.types import Quote, QuoteStatus


def quote_type(q) -> Quote:  # type: ignore[no-untyped-def]
    return Quote.from_model(q, clock.today())


fetch_quote = node_from_service("Quote", services.get_quote, quote_type)


@strawberry.type
class QuoteQueries:
    @strawberry.field(description="Quotes in the viewer's scope, soonest due first: the officer's queue "
                                  "(status: QUOTED, each with its due date and isOverdue), the provider's "
                                  "requests, the recipient's own.")
    async def quotes(
        self,
        info: strawberry.Info,
        status: QuoteStatus | None = None,  # type: ignore[valid-type]
        overdue_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Quote]:
        size = page_size(first)
        async with info.context.db.session() as session:
            rows = await services.list_quotes(session, info.context.viewer, status=status, overdue_only=overdue_only,
                                              first=size, after=decode_cursor(after))
        return build_connection(rows, size, key=services.quote_cursor, wrap=quote_type,
                                count=counter(info, services.list_quotes, status=status, overdue_only=overdue_only),
                                has_previous=after is not None)

    @strawberry.field(description="One quote in the viewer's scope.")
    async def quote(self, info: strawberry.Info, id: strawberry.ID) -> Quote:
        return await fetch_quote(info, decode_id(id, "Quote"))
