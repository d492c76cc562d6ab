"""The GraphQL schema: each domain's queries and mutations joined, and the guard rails."""

from __future__ import annotations


import logging

import strawberry
from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaxTokensLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from marketplace.errors import DomainError, ErrorCode, not_found
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
from schema.reports.queries import ReportQueries
from schema.transport.mutations import TransportMutations
from schema.transport.queries import TransportQueries
from schema.core.cost import OffLoopParser, QueryLimiter
from schema.core.inputs import DocumentInputRule, variables_refusals
from schema.context import SharedSession
from schema.core.errors import MaskUnexpectedErrors, TranslateErrors
from schema.core.execution import direct_resolvers, plain_fields_executor
from schema.core.ids import parse_global_id
from schema.core.scalars import STRICT_SCALARS
from schema.core.node import NODE_FETCHERS, Node


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id, if the viewer may see it.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node:
        type_name, pk = parse_global_id(id)
        fetch = NODE_FETCHERS.get(type_name)
        if fetch is None:
            raise not_found("object")
        return await fetch(info, pk)


@strawberry.type
class Query(AccountQueries, CatalogQueries, RecordQueries, OrderQueries, ClaimQueries, AuditQueries, SearchQueries,
            ApplicationQueries, TransportQueries, NotificationQueries, QuoteQueries, ProviderRegistrationQueries,
            ReportQueries, NodeQueries):
    pass


@strawberry.type
class Mutation(AccountMutations, CatalogMutations, RecordMutations, OrderMutations, ClaimMutations,
               ApplicationMutations, TransportMutations, NotificationMutations, QuoteMutations,
               ProviderRegistrationMutations, ReviewMutations, AdministrationMutations):
    pass


@strawberry.type
class Subscription(NotificationSubscription):
    pass


class TirekSchema(strawberry.Schema):
    """The schema, with its own account of errors (strawberry logs every error with a stack trace:
    2 KB of log for a 36-byte query refused as NOT_FOUND, 14 MB after minutes of hostile traffic)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            original = error.original_error
            extensions = error.extensions or {}
            if not error.path and not extensions.get("code"):
                # graphql-core's own refusals before anything runs (a syntax error, an unknown field, a
                # wrong argument, "Validation aborted."): the request is invalid, and says so.
                error.extensions = extensions = {**extensions, "code": ErrorCode.INVALID.value}
            if original is None or isinstance(original, DomainError | GraphQLError | StrawberryInputCoercionError):
                refusals.info("refused %s at %s: %s", extensions.get("code"), error.path or "-",
                              " ".join(error.message.split())[:300])
            else:  # unexpected: the stack trace is kept (and masked in the answer, schema/core/errors.py)
                StrawberryLogger.error(error, execution_context)


refusals = logging.getLogger("tirek.refusals")


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or get_settings()
    schema = TirekSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(relay_max_results=100),
        scalar_overrides=STRICT_SCALARS,  # one strict reading of decimals, times and dates (marketplace/syntax.py)
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            # Depth, aliases and cost in one memoised pass (strawberry's depth and alias
            # limiters are exponential on fragment bombs; see schema/core/cost.py), together with
            # graphql-core's validation and the input refusals (NUL, lone surrogates, long lists:
            # schema/core/inputs.py), cached per document: a request only evaluates its page-size
            # variables and walks its variables for those refusals.
            lambda: QueryLimiter(max_depth=settings.max_query_depth, max_aliases=settings.max_aliases,
                                 max_cost=settings.max_query_cost, document_rules=(DocumentInputRule,),
                                 variable_checks=(variables_refusals,)),
            MaskUnexpectedErrors,
            TranslateErrors,
            OffLoopParser,  # strawberry's ParserCache, parsing new texts off the event loop
            SharedSession,  # one database session per query, shared by its resolvers and DataLoaders
        ],
    )
    # Plain leaf fields (no resolver) read directly, everything else by graphql-core (schema/core/execution.py).
    schema.execution_context_class = plain_fields_executor(schema._schema)
    direct_resolvers(schema)
    return schema



__all__ = ["DomainError", "Mutation", "Query", "build_schema"]
