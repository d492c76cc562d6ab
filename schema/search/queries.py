"""searchListings: the catalogue, in kk/ru/en with typos, with each hit's cost for a recipient."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from marketplace.errors import DomainError, ErrorCode
from schema.catalog.types import DeliveryOption, ItemCategory, ItemKind, Listing
from schema.core.ids import decode_id, to_global_id
from schema.core.pagination import PageInfo, decode_cursor, encode_cursor, page_size
from schema.search.types import Coverage, Facet, FacetValue, ListingHit, ListingHitEdge, ListingSearchConnection
from search.catalogue import Hit, search_catalogue
from search.contract import ListingFilter as ListingFilterModel
from search.contract import ListingSort as ListingSortModel

ListingSort = strawberry.enum(ListingSortModel, name="ListingSort")


@strawberry.input(description="Every field narrows; lists match any of their values.")
class ListingFilter:
    classifier_codes: list[str] | None = None
    categories: list[ItemCategory] | None = None  # type: ignore[valid-type]
    kind: ItemKind | None = None  # type: ignore[valid-type]
    region_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Default: the signed-in recipient's or officer's region.")
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    provider_verified: bool | None = None
    delivery_options: list[DeliveryOption] | None = None  # type: ignore[valid-type]
    in_stock: bool | None = None
    min_rating: Decimal | None = None
    provider_id: strawberry.ID | None = None


# A facet of the index -> the ListingFilter field its values narrow, and the value that field takes.
FACET_FILTERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "classifier_code": ("classifierCodes", str),
    "category": ("categories", str),
    "kind": ("kind", str),
    "region_ids": ("regionIds", lambda v: to_global_id("Region", int(v))),
    "delivery_options": ("deliveryOptions", str),
    "provider_verified": ("providerVerified", str.lower),
    "in_stock": ("inStock", str.lower),
}


def facet(name: str, counts: dict[str, int]) -> Facet:
    field, value_of = FACET_FILTERS[name]
    return Facet(name=name, filter=field,
                 values=[FacetValue(value=value_of(str(v)), count=c) for v, c in sorted(counts.items())])


def _offset(after: str | None) -> int:
    values = decode_cursor(after)
    if values is None:
        return 0
    if len(values) != 1 or not isinstance(values[0], int) or values[0] < 0:
        raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
    return values[0] + 1


def _filters(f: ListingFilter | None) -> ListingFilterModel:
    if f is None:
        return ListingFilterModel()
    if f.region_ids is not None and len(f.region_ids) > 20:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most 20 regions.", "regionIds")
    return ListingFilterModel(
        classifier_codes=tuple(f.classifier_codes or ()),
        categories=tuple(f.categories or ()),
        kind=f.kind,
        region_ids=tuple(decode_id(r, "Region", "regionIds") for r in f.region_ids or ()),
        price_min=f.price_min,
        price_max=f.price_max,
        provider_verified=f.provider_verified,
        delivery_options=tuple(f.delivery_options or ()),
        in_stock=f.in_stock,
        min_rating=f.min_rating,
        provider_id=decode_id(f.provider_id, "Provider", "providerId") if f.provider_id else None,
    )


def _prime_loaders(ctx: Any, hits: list[Hit]) -> None:
    """The hits' providers and classifier items came with the listings: give them to the
    request's DataLoaders, so ``listing { provider classifierItem }`` costs no more queries."""
    if not hits:
        return
    ctx.loaders.provider.prime_many({h.provider.id: h.provider for h in hits if h.provider is not None})
    ctx.loaders.classifier_item.prime_many(
        {h.classifier_item.id: h.classifier_item for h in hits if h.classifier_item is not None}
    )


@strawberry.type
class SearchQueries:
    @strawberry.field(description="Published listings, by default those serving the viewer's region. For a "
                                  "recipient each hit carries its coverage: which entitlement, what the state "
                                  "pays, what they pay, or why it is not covered.")
    async def search_listings(
        self,
        info: strawberry.Info,
        query: str = "",
        filter: ListingFilter | None = None,
        sort: ListingSort | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        for_person_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="A person the recipient represents (a child, a ward).")
        ] = None,
    ) -> ListingSearchConnection:
        size = page_size(first)
        offset = _offset(after)
        ctx = info.context
        person = decode_id(for_person_id, "Person", "forPersonId") if for_person_id else None
        if person is not None and person not in ctx.viewer.person_ids:
            raise DomainError(ErrorCode.NOT_FOUND, "No such person.", "forPersonId")
        results = await search_catalogue(
            ctx.db, ctx.services.listing_search, ctx.viewer, query=query, filters=_filters(filter),
            sort=sort, first=size, offset=offset, for_person_id=person,
        )
        ctx.search_backends.add(results.backend)
        _prime_loaders(ctx, results.hits)
        edges = [
            ListingHitEdge(
                cursor=encode_cursor([offset + n]),
                node=ListingHit(listing=Listing.from_model(hit.listing),
                                coverage=Coverage.from_model(hit.coverage) if hit.coverage else None),
            )
            for n, hit in enumerate(results.hits)
        ]
        return ListingSearchConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=offset + len(edges) < results.total, has_previous_page=offset > 0,
                start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=results.total,
            facets=[facet(name, values) for name, values in sorted(results.facets.items())],
            backend=results.backend,
        )
