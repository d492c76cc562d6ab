"""The GraphQL schema: each domain's queries and mutations joined, and the guard rails."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from marketplace.errors import DomainError
from marketplace.settings import Settings, get_settings
from schema.accounts.mutations import AccountMutations
from schema.accounts.queries import AccountQueries
from schema.audit.queries import AuditQueries
from schema.catalog.mutations import CatalogMutations
from schema.catalog.queries import CatalogQueries
from schema.claims.mutations import ClaimMutations
from schema.claims.queries import ClaimQueries
from schema.orders.mutations import OrderMutations
from schema.orders.queries import OrderQueries
from schema.records.mutations import RecordMutations
from schema.search.queries import SearchQueries
from schema.records.queries import RecordQueries
from schema.core.cost import QueryCostLimiter
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
            NodeQueries):
    pass


@strawberry.type
class Mutation(AccountMutations, CatalogMutations, RecordMutations, OrderMutations, ClaimMutations):
    pass


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or get_settings()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(relay_max_results=100),
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            lambda: QueryCostLimiter(max_cost=settings.max_query_cost),
            MaskUnexpectedErrors,
            ParserCache,
            ValidationCache,
        ],
    )


__all__ = ["DomainError", "Mutation", "Query", "build_schema"]
