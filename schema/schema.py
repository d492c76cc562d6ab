"""The GraphQL schema: each domain's queries and mutations joined, and the guard rails."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.schema.config import StrawberryConfig

from marketplace.errors import DomainError
from marketplace.settings import Settings, get_settings
from schema.accounts.mutations import AccountMutations
from schema.accounts.queries import AccountQueries
from schema.administration import AdministrationMutations
from schema.applications.mutations import ApplicationMutations
from schema.applications.queries import ApplicationQueries
from schema.audit.queries import AuditQueries
from schema.catalog.mutations import CatalogMutations
from schema.catalog.queries import CatalogQueries
from schema.catalog.registration import ProviderRegistrationMutations, ProviderRegistrationQueries
from schema.orders.reviews import ReviewMutations
from schema.claims.mutations import ClaimMutations
from schema.claims.queries import ClaimQueries
from schema.orders.mutations import OrderMutations
from schema.notifications.mutations import NotificationMutations
from schema.notifications.queries import NotificationQueries
from schema.notifications.subscriptions import NotificationSubscription
from schema.orders.queries import OrderQueries
from schema.records.mutations import RecordMutations
from schema.quotes.mutations import QuoteMutations
from schema.quotes.queries import QuoteQueries
from schema.search.queries import SearchQueries
from schema.records.queries import RecordQueries
from schema.transport.mutations import TransportMutations
from schema.transport.queries import TransportQueries
from schema.core.cost import QueryLimiter
from schema.core.inputs import MESSAGE as NUL_MESSAGE
from schema.core.inputs import _has_nul, nul_rule
from schema.context import SharedSession
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
            ApplicationQueries, TransportQueries, NotificationQueries, QuoteQueries, ProviderRegistrationQueries,
            NodeQueries):
    pass


@strawberry.type
class Mutation(AccountMutations, CatalogMutations, RecordMutations, OrderMutations, ClaimMutations,
               ApplicationMutations, TransportMutations, NotificationMutations, QuoteMutations,
               ProviderRegistrationMutations, ReviewMutations, AdministrationMutations):
    pass


@strawberry.type
class Subscription(NotificationSubscription):
    pass


def _variables_without_nul(variables: Mapping[str, Any]) -> list[GraphQLError]:
    """PostgreSQL cannot store U+0000: refused as INVALID, not an INTERNAL error (schema/core/inputs.py);
    the document's own string literals are checked by ``nul_rule`` with the cached validation."""
    if variables and _has_nul(variables):
        return [GraphQLError(NUL_MESSAGE, extensions={"code": "INVALID"})]
    return []


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
            # limiters are exponential on fragment bombs; see schema/core/cost.py), together with
            # graphql-core's validation and the NUL check, cached per document: a request only
            # evaluates its page-size variables and checks its variables for NUL characters.
            lambda: QueryLimiter(max_depth=settings.max_query_depth, max_aliases=settings.max_aliases,
                                 max_cost=settings.max_query_cost, document_rules=(NO_NUL_IN_DOCUMENT,),
                                 variable_checks=(_variables_without_nul,)),
            MaskUnexpectedErrors,
            ParserCache,
            SharedSession,  # one database session per query, shared by its resolvers and DataLoaders
        ],
    )


NO_NUL_IN_DOCUMENT = nul_rule(None)


__all__ = ["DomainError", "Mutation", "Query", "build_schema"]
