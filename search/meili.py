"""The Meilisearch backend of ``searchListings`` (``search.contract.ListingSearch``).

Filters reach Meilisearch as an expression built from typed, validated values: enums are checked
against their members, numbers are rendered by Python, and the only free text (classifier codes)
is quoted and escaped, so no user string is ever spliced into the filter syntax.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, Final

from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchApiError
from meilisearch_python_sdk.models.search import SearchResults
from meilisearch_python_sdk.types import JsonDict

from marketplace.catalog.models import ListingStatus
from search.client import SearchRefused, SearchUnavailable, translated_errors
from search.contract import CleanListingSearch, ListingFilter, ListingSort, Page, SearchResult
from search.settings import FACETS
from search.wording import has_code, search_words

# Meilisearch sort expressions per order; ``id:asc`` is the tie-break.
MEILI_SORT: Final[dict[ListingSort, list[str]]] = {
    ListingSort.PRICE_ASC: ["unit_price:asc", "id:asc"],
    ListingSort.PRICE_DESC: ["unit_price:desc", "id:asc"],
    ListingSort.RATING_DESC: ["rating:desc", "id:asc"],
    ListingSort.LEAD_TIME_ASC: ["lead_time_days:asc", "id:asc"],
}
# With no query and no sort there is no relevance: list by id, like the fallback.
BROWSE_SORT: Final = ["id:asc"]

# The SDK parses every answer into ``SearchResults[JsonDict]``. pydantic keeps such a
# parametrised class in a weak cache only, so after each full garbage collection the
# next search built the class again (~1 ms, most searches: bench/search.py's profile).
# This reference keeps the cached class alive.
_SEARCH_RESULTS_MODEL: Final = SearchResults[JsonDict]


# -- the Meilisearch filter expression --------------------------------------------
def quote(value: str) -> str:
    """A Meilisearch filter string literal: double quotes, with ``\\`` and ``"`` escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(int(value))


def _literal(value: Any) -> str:
    """A filter value as Meilisearch reads it: a tuple as a list (for ``IN``), an enum by its value."""
    if isinstance(value, tuple):
        return f"[{', '.join(_literal(v) for v in value)}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return quote(value.value)
    if isinstance(value, str):
        return quote(value)
    return _number(value)


def meili_filter(filters: ListingFilter) -> list[str]:
    """The filter as a list of expressions Meilisearch ANDs together: one per field given (a
    field of many values matches any of them)."""
    conditions: list[tuple[str, str, Any]] = [
        ("classifier_code", "IN", filters.classifier_codes),
        ("category", "IN", filters.categories),
        ("kind", "=", filters.kind),
        ("region_ids", "IN", filters.region_ids),
        ("unit_price", ">=", filters.price_min),
        ("unit_price", "<=", filters.price_max),
        ("provider_verified", "=", filters.provider_verified),
        ("delivery_options", "IN", filters.delivery_options),
        ("in_stock", "=", filters.in_stock),
        ("rating", ">=", filters.min_rating),
        ("provider_id", "=", filters.provider_id),
    ]
    return [f"status = {quote(ListingStatus.PUBLISHED.value)}"] + [
        f"{attribute} {operator} {_literal(value)}" for attribute, operator, value in conditions
        if value is not None and value != ()
    ]


def _facet_counts(distribution: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    distribution = distribution or {}
    return {name: {str(k): int(v) for k, v in (distribution.get(name) or {}).items()} for name in FACETS}


class MeilisearchListingSearch(CleanListingSearch):
    """Search the listings index. Raises ``SearchUnavailable`` when Meilisearch is
    down or the index does not exist yet (nothing has been indexed)."""

    backend = "meilisearch"

    def __init__(self, client: AsyncClient, index_name: str) -> None:
        self.client = client
        self.index_name = index_name

    async def search_page(self, page: Page, filters: ListingFilter, sort: ListingSort | None) -> SearchResult:
        if sort is not None:
            sort_by: list[str] | None = MEILI_SORT[sort]
        else:
            sort_by = None if page.query else BROWSE_SORT
        # Page-based requests give an exhaustive totalHits (offset/limit only an
        # estimate). An offset that is a multiple of the page size is one page;
        # any other offset asks for the first offset+first hits (ids only) and slices.
        limit = page.limit
        if limit == 0:
            hits_per_page, number, skip = 1, 1, 0  # a count and facets only
        elif page.offset % limit == 0:
            hits_per_page, number, skip = limit, page.offset // limit + 1, 0
        else:
            hits_per_page, number, skip = page.offset + limit, 1, page.offset
        # Every word must match; when that finds nothing, the rarer words are kept and the
        # commoner ones let go, then (Meilisearch 1.21's "frequency" can still find nothing when
        # the words are equally rare: "лупа для чтения") the last words; never in a query
        # naming a code, which must not turn into its neighbours.
        words = search_words(page.query)
        text = " ".join(words)
        strategies = ["all", "frequency", "last"] if len(words) > 1 and not has_code(words) else ["all"]
        try:
            for strategy in strategies:
                async with translated_errors("search"):
                    result = await self.client.index(self.index_name).search(
                        text or None,
                        filter=meili_filter(filters),
                        facets=list(FACETS),
                        sort=sort_by,
                        page=number,
                        hits_per_page=hits_per_page,
                        attributes_to_retrieve=["id"],
                        matching_strategy=strategy,
                    )
                if result.total_hits:
                    break
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                raise SearchUnavailable(f"the search index {self.index_name} does not exist yet") from exc
            # A 4xx: this request was refused (a payload it cannot read, "attribute not filterable"
            # when the index's settings are behind the code's). Meilisearch itself is up: the
            # database answers this one request, and the others still go to Meilisearch.
            raise SearchRefused(f"Meilisearch refused the search: {exc.code}") from exc
        ids = [int(hit["id"]) for hit in result.hits][skip : skip + limit] if limit else []
        return SearchResult(
            ids=ids,
            total=int(result.total_hits or 0),
            facets=_facet_counts(result.facet_distribution),
            backend=self.backend,
        )
