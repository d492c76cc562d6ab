"""The GraphQL schema: each domain's queries and mutations joined, and the guard rails."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from marketplace.errors import DomainError
from marketplace.settings import Settings, get_settings
from schema.accounts.mutations import AccountMutations
from schema.accounts.queries import AccountQueries
from schema.applications.mutations import ApplicationMutations
from schema.applications.queries import ApplicationQueries
from schema.audit.queries import AuditQueries
from schema.catalog.mutations import CatalogMutations
from schema.catalog.queries import CatalogQueries
from schema.claims.mutations import ClaimMutations
from schema.claims.queries import ClaimQueries
from schema.orders.mutations import OrderMutations
from schema.notifications.mutations import NotificationMutations
from schema.notifications.queries import NotificationQueries
from schema.notifications.subscriptions import NotificationSubscription
from schema.orders.queries import OrderQueries
from schema.records.mutations import RecordMutations
from schema.search.queries import SearchQueries
from schema.records.queries import RecordQueries
from schema.transport.mutations import TransportMutations
from schema.transport.queries import TransportQueries
from schema.core.cost import QueryLimiter
from schema.core.inputs import RefuseNulCharacters
from schema.core.errors import MaskUnexpectedErrors
from schema.core.ids import parse_global_id
from schema.core.node import NODE_FETCHERS, Node


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id, if the viewer may see it.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node:
        type_name, pk = parse_global_id(id)
        fetch = NODE_FETCHERS.get(type_name)
        if fetch is None:
            from marketplace.errors import not_found

            raise not_found("object")
        return await fetch(info, pk)


@strawberry.type
class Query(AccountQueries, CatalogQueries, RecordQueries, OrderQueries, ClaimQueries, AuditQueries, SearchQueries,
            ApplicationQueries, TransportQueries, NotificationQueries, NodeQueries):
    pass


@strawberry.type
class Mutation(AccountMutations, CatalogMutations, RecordMutations, OrderMutations, ClaimMutations,
               ApplicationMutations, TransportMutations, NotificationMutations):
    pass


@strawberry.type
class Subscription(NotificationSubscription):
    pass


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or get_settings()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(relay_max_results=100),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            # Depth, aliases and cost in one memoised pass (strawberry's depth and alias
            # limiters are exponential on fragment bombs; see schema/core/cost.py).
            lambda: QueryLimiter(max_depth=settings.max_query_depth, max_aliases=settings.max_aliases,
                                 max_cost=settings.max_query_cost),
            RefuseNulCharacters,  # PostgreSQL cannot store U+0000: refused as INVALID, not an INTERNAL error
            MaskUnexpectedErrors,
            ParserCache,
            ValidationCache,
        ],
    )


__all__ = ["DomainError", "Mutation", "Query", "build_schema"]
