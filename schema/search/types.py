"""Catalogue search results as GraphQL types."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from marketplace.orders.pricing import Coverage as CoverageModel
from schema.catalog.types import Listing
from schema.core.ids import to_global_id
from schema.core.pagination import PageInfo


@strawberry.type(description="What a listing would cost the signed-in recipient, and why not, if not covered.")
class Coverage:
    covered: bool
    partly_covered: bool
    entitlement_id: strawberry.ID | None
    state_pays: Decimal
    you_pay: Decimal
    reason: str | None = strawberry.field(
        description="NO_ENTITLEMENT, BALANCE_USED_UP, REGION_NOT_SERVED, NO_ACTIVE_RECORD or NEEDS_QUOTE"
    )

    @classmethod
    def from_model(cls, c: CoverageModel) -> "Coverage":
        return cls(
            covered=c.covered, partly_covered=c.partly_covered,
            entitlement_id=strawberry.ID(to_global_id("Entitlement", c.entitlement_id)) if c.entitlement_id else None,
            state_pays=c.state_pays, you_pay=c.you_pay, reason=c.reason,
        )


@strawberry.type
class ListingHit:
    listing: Listing
    coverage: Coverage | None = strawberry.field(description="For a recipient; null for other viewers.")


@strawberry.type
class ListingHitEdge:
    cursor: str
    node: ListingHit


@strawberry.type
class FacetValue:
    value: str = strawberry.field(description="A value of the filter field: a code, an enum value, a global id, "
                                              "or true/false for a Boolean field.")
    count: int


@strawberry.type(description="How the hits spread over one attribute; each value can be given back to "
                               "`filter` as it is, in the field `filter` names.")
class Facet:
    name: str
    filter: str = strawberry.field(description="The ListingFilter field these values narrow (`regionIds`, `inStock`).")
    values: list[FacetValue]


@strawberry.type
class ListingSearchConnection:
    edges: list[ListingHitEdge]
    page_info: PageInfo
    total_count: int
    facets: list[Facet]
    backend: str = strawberry.field(description="meilisearch, or database while the search server is down.")
