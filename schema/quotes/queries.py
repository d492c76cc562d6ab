"""Queries of quotes: each role's list (the officer's queue soonest due first) and one quote."""

from __future__ import annotations

import strawberry

from marketplace import clock
from marketplace.quotes import services
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.core.pagination import Connection, service_connection
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
        return await service_connection(info, services.list_quotes, status=status, overdue_only=overdue_only,
                                        first=first, after=after, key=services.quote_cursor, wrap=quote_type)

    @strawberry.field(description="One quote in the viewer's scope.")
    async def quote(self, info: strawberry.Info, id: strawberry.ID) -> Quote:
        return await fetch_quote(info, decode_id(id, "Quote"))
