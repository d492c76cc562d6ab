"""``searchListings``: the search backend interface and its Meilisearch implementation.

``ListingSearch.search(query, filters, sort, first, offset)`` returns the ids
of one page of published listings, the total number of hits, and facet
counts over all hits. Two implementations answer it the same way:

* ``MeilisearchListingSearch`` (this module) — the index built by ``search.indexer``;
* ``DatabaseListingSearch`` (``search.fallback``) — SQL over the same fields,
  used when no Meilisearch is configured or it cannot be reached.

``ResilientListingSearch`` puts them together: Meilisearch first; when it is
down, a logged warning and the database, and Meilisearch is retried after a
pause. ``make_listing_search`` builds the right one for a deployment.

Filters reach Meilisearch as an expression built from typed, validated
values: enums are checked against their members, numbers are rendered by
Python, and the only free text (classifier codes) is quoted and escaped, so
no user string is ever spliced into the filter syntax.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Protocol, runtime_checkable

from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchApiError
from meilisearch_python_sdk.models.search import SearchResults
from meilisearch_python_sdk.types import JsonDict

from marketplace.catalog.models import DeliveryOption, ItemCategory, ItemKind, ListingStatus
from marketplace.errors import DomainError, ErrorCode
from search.client import SearchRefused, SearchUnavailable, translated_errors
from search.settings import FACETS, MAX_TOTAL_HITS

logger = logging.getLogger("tirek.search")

MAX_FIRST: Final = 100
MAX_QUERY_LENGTH: Final = 200
MAX_FILTER_VALUES: Final = 100
MAX_CODE_LENGTH: Final = 32
MAX_PRICE: Final = Decimal("1000000000000")  # the Money column holds 14 digits
MAX_RATING: Final = Decimal(5)
# How far into a result list paging goes (Meilisearch's maxTotalHits); the
# database fallback stops at the same depth so both backends page alike.
MAX_WINDOW: Final = MAX_TOTAL_HITS


class ListingSort(str, enum.Enum):
    """Orders besides relevance. Every order breaks ties by listing id."""

    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    RATING_DESC = "RATING_DESC"
    LEAD_TIME_ASC = "LEAD_TIME_ASC"


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


def _invalid(code: ErrorCode, message: str, field_name: str, **params: Any) -> DomainError:
    return DomainError(code, message, field_name, **params)


def _bounded(values: Any, field_name: str) -> Any:
    """Refuse a list longer than the limit before any work on it (40,000 codes took seconds to de-duplicate)."""
    if isinstance(values, list | tuple) and len(values) > MAX_FILTER_VALUES:
        raise _invalid(ErrorCode.OUT_OF_RANGE, "At most {count} values.", field_name, count=MAX_FILTER_VALUES)
    return values


def _enum_tuple(values: Any, enum_cls: type[enum.Enum], field_name: str) -> tuple[Any, ...]:
    if values is None:
        return ()
    if isinstance(values, (str, enum.Enum)):
        values = [values]
    values = _bounded(values, field_name)
    out: list[Any] = []
    for value in values:
        try:
            member = value if isinstance(value, enum_cls) else enum_cls(str(value))
        except ValueError:
            raise _invalid(ErrorCode.INVALID, "Unknown value '{value}'.", field_name, value=str(value)[:40]) from None
        if member not in out:
            out.append(member)
    if len(out) > MAX_FILTER_VALUES:
        raise _invalid(ErrorCode.OUT_OF_RANGE, "At most {count} values.", field_name, count=MAX_FILTER_VALUES)
    return tuple(out)


def _id_tuple(values: Any, field_name: str) -> tuple[int, ...]:
    if values is None:
        return ()
    if isinstance(values, int):
        values = [values]
    values = _bounded(values, field_name)
    out: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > 2**53:
            raise _invalid(ErrorCode.INVALID, "Ids are positive integers.", field_name)
        if value not in out:
            out.append(value)
    if len(out) > MAX_FILTER_VALUES:
        raise _invalid(ErrorCode.OUT_OF_RANGE, "At most {count} values.", field_name, count=MAX_FILTER_VALUES)
    return tuple(out)


def _decimal(value: Any, field_name: str, *, upper: Decimal) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _invalid(ErrorCode.INVALID, "A number is expected.", field_name)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(ErrorCode.INVALID, "A number is expected.", field_name) from None
    if not number.is_finite() or number < 0 or number > upper:
        raise _invalid(ErrorCode.OUT_OF_RANGE, "Between 0 and {most}.", field_name, most=upper)
    # Prices and ratings have two decimals; more digits would only be noise.
    return number.quantize(Decimal("0.01"))


def _codes(values: Any) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    values = _bounded(values, "classifier_codes")
    out: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise _invalid(ErrorCode.INVALID, "Classifier codes are strings.", "classifier_codes")
        code = value.strip()
        if not code:
            continue
        if len(code) > MAX_CODE_LENGTH:
            raise _invalid(ErrorCode.TOO_LONG, "At most {count} characters.", "classifier_codes",
                           count=MAX_CODE_LENGTH)
        if any(ord(ch) < 32 for ch in code):
            raise _invalid(ErrorCode.INVALID, "Control characters are not allowed.", "classifier_codes")
        if code not in out:
            out.append(code)
    if len(out) > MAX_FILTER_VALUES:
        raise _invalid(ErrorCode.OUT_OF_RANGE, "At most {count} values.", "classifier_codes",
                       count=MAX_FILTER_VALUES)
    return tuple(out)


def _optional_bool(value: Any, field_name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise _invalid(ErrorCode.INVALID, "true or false is expected.", field_name)


@dataclass(frozen=True)
class ListingFilter:
    """What a buyer narrows the catalogue by. Empty tuples and None mean "any".

    Multi-valued fields match any of their values (a listing in region 1 OR 2;
    offering HOME_DELIVERY OR PICKUP); different fields all apply (AND).
    Values are validated and normalised on construction; a bad value raises
    ``DomainError`` naming the field.
    """

    classifier_codes: tuple[str, ...] = ()
    categories: tuple[ItemCategory, ...] = ()
    kind: ItemKind | None = None
    region_ids: tuple[int, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    provider_verified: bool | None = None
    delivery_options: tuple[DeliveryOption, ...] = ()
    in_stock: bool | None = None
    min_rating: Decimal | None = None
    provider_id: int | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "classifier_codes", _codes(self.classifier_codes))
        put(self, "categories", _enum_tuple(self.categories, ItemCategory, "categories"))
        kinds = _enum_tuple(self.kind, ItemKind, "kind")
        if len(kinds) > 1:
            raise _invalid(ErrorCode.INVALID, "One kind at most.", "kind")
        put(self, "kind", kinds[0] if kinds else None)
        put(self, "region_ids", _id_tuple(self.region_ids, "region_ids"))
        put(self, "price_min", _decimal(self.price_min, "price_min", upper=MAX_PRICE))
        put(self, "price_max", _decimal(self.price_max, "price_max", upper=MAX_PRICE))
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise _invalid(ErrorCode.OUT_OF_RANGE, "The minimum price is above the maximum.", "price_min")
        put(self, "provider_verified", _optional_bool(self.provider_verified, "provider_verified"))
        put(self, "delivery_options", _enum_tuple(self.delivery_options, DeliveryOption, "delivery_options"))
        put(self, "in_stock", _optional_bool(self.in_stock, "in_stock"))
        put(self, "min_rating", _decimal(self.min_rating, "min_rating", upper=MAX_RATING))
        ids = _id_tuple(self.provider_id, "provider_id")
        put(self, "provider_id", ids[0] if ids else None)

    def with_default_region(self, region_id: int | None) -> ListingFilter:
        """The viewer's region as the default: used only when no region was asked for."""
        if region_id is None or self.region_ids:
            return self
        return replace(self, region_ids=(region_id,))


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Which backend answered: "meilisearch" or "database".
    backend: str = "meilisearch"


@runtime_checkable
class ListingSearch(Protocol):
    async def search(
        self, query: str, filters: ListingFilter, sort: ListingSort | None, first: int, offset: int
    ) -> SearchResult: ...


@dataclass(frozen=True)
class Page:
    """Validated paging and query text, shared by the backends."""

    query: str
    first: int
    offset: int

    @property
    def limit(self) -> int:
        """``first``, shortened so the page never reaches past ``MAX_WINDOW``."""
        return max(0, min(self.first, MAX_WINDOW - self.offset))


def clean_page(query: str | None, first: int, offset: int) -> Page:
    text = " ".join((query or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        raise _invalid(ErrorCode.TOO_LONG, "At most {count} characters.", "query", count=MAX_QUERY_LENGTH)
    if any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):  # a lone surrogate: no valid text
        raise _invalid(ErrorCode.INVALID, "Control characters are not allowed.", "query")
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise _invalid(ErrorCode.OUT_OF_RANGE, "first must be 0 or more.", "first")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise _invalid(ErrorCode.OUT_OF_RANGE, "The cursor is out of range.", "after")
    return Page(query=text, first=min(first, MAX_FIRST), offset=offset)


def clean_sort(sort: ListingSort | str | None) -> ListingSort | None:
    if sort is None or isinstance(sort, ListingSort):
        return sort
    try:
        return ListingSort(sort)
    except ValueError:
        raise _invalid(ErrorCode.INVALID, "Unknown order '{value}'.", "sort", value=str(sort)[:40]) from None


# -- the Meilisearch filter expression --------------------------------------------
def quote(value: str) -> str:
    """A Meilisearch filter string literal: double quotes, with ``\\`` and ``"`` escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(int(value))


def _in(attribute: str, literals: Sequence[str]) -> str:
    return f"{attribute} IN [{', '.join(literals)}]"


def meili_filter(filters: ListingFilter) -> list[str]:
    """The filter as a list of expressions Meilisearch ANDs together."""
    parts = [f"status = {quote(ListingStatus.PUBLISHED.value)}"]
    if filters.classifier_codes:
        parts.append(_in("classifier_code", [quote(c) for c in filters.classifier_codes]))
    if filters.categories:
        parts.append(_in("category", [quote(c.value) for c in filters.categories]))
    if filters.kind is not None:
        parts.append(f"kind = {quote(filters.kind.value)}")
    if filters.region_ids:
        parts.append(_in("region_ids", [_number(r) for r in filters.region_ids]))
    if filters.price_min is not None:
        parts.append(f"unit_price >= {_number(filters.price_min)}")
    if filters.price_max is not None:
        parts.append(f"unit_price <= {_number(filters.price_max)}")
    if filters.provider_verified is not None:
        parts.append(f"provider_verified = {'true' if filters.provider_verified else 'false'}")
    if filters.delivery_options:
        parts.append(_in("delivery_options", [quote(d.value) for d in filters.delivery_options]))
    if filters.in_stock is not None:
        parts.append(f"in_stock = {'true' if filters.in_stock else 'false'}")
    if filters.min_rating is not None:
        parts.append(f"rating >= {_number(filters.min_rating)}")
    if filters.provider_id is not None:
        parts.append(f"provider_id = {_number(filters.provider_id)}")
    return parts


def _facet_counts(distribution: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    distribution = distribution or {}
    return {name: {str(k): int(v) for k, v in (distribution.get(name) or {}).items()} for name in FACETS}


class MeilisearchListingSearch:
    """Search the listings index. Raises ``SearchUnavailable`` when Meilisearch is
    down or the index does not exist yet (nothing has been indexed)."""

    backend = "meilisearch"

    def __init__(self, client: AsyncClient, index_name: str) -> None:
        self.client = client
        self.index_name = index_name

    async def search(
        self,
        query: str,
        filters: ListingFilter,
        sort: ListingSort | None = None,
        first: int = 20,
        offset: int = 0,
    ) -> SearchResult:
        page = clean_page(query, first, offset)
        sort = clean_sort(sort)
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
        try:
            async with translated_errors("search"):
                result = await self.client.index(self.index_name).search(
                    page.query or None,
                    filter=meili_filter(filters),
                    facets=list(FACETS),
                    sort=sort_by,
                    page=number,
                    hits_per_page=hits_per_page,
                    attributes_to_retrieve=["id"],
                    matching_strategy="all",
                )
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


class ResilientListingSearch:
    """Meilisearch when it answers; the database (with a logged warning) when it does not.

    After Meilisearch could not be reached it is skipped for ``retry_after`` seconds, so a
    down server does not cost every request a connection timeout. A request Meilisearch
    refused (``SearchRefused``, a 4xx) is answered by the database alone and opens nothing.
    """

    def __init__(
        self, primary: ListingSearch, fallback: ListingSearch, *, retry_after: float = 15.0
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_after = retry_after
        self._skip_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._skip_until

    async def search(
        self,
        query: str,
        filters: ListingFilter,
        sort: ListingSort | None = None,
        first: int = 20,
        offset: int = 0,
    ) -> SearchResult:
        if not self.degraded:
            try:
                result = await self.primary.search(query, filters, sort, first, offset)
            except SearchRefused as exc:
                # Said loudly (the index's settings may be behind the code's), but no outage: only an
                # unreachable server opens the breaker, or one request every 15 s would keep it open.
                logger.error("Meilisearch refused a search on its own; the database answers it: %s", exc)
                return await self.fallback.search(query, filters, sort, first, offset)
            except SearchUnavailable as exc:
                logger.warning(
                    "search falls back to the database for %.0fs: %s", self.retry_after, exc
                )
                self._skip_until = time.monotonic() + self.retry_after
            else:
                if self._skip_until:
                    logger.info("search is served by Meilisearch again")
                    self._skip_until = 0.0
                return result
        return await self.fallback.search(query, filters, sort, first, offset)


def make_listing_search(
    db: Any, client: AsyncClient | None, index_name: str = "listings", *, retry_after: float = 15.0
) -> ListingSearch:
    """The search a deployment uses: Meilisearch with the database as fallback,
    or the database alone (with a warning) when no Meilisearch is configured."""
    from search.fallback import DatabaseListingSearch

    database = DatabaseListingSearch(db)
    if client is None:
        logger.warning("no Meilisearch configured (TIREK_MEILI_URL): searchListings uses the database")
        return database
    return ResilientListingSearch(
        MeilisearchListingSearch(client, index_name), database, retry_after=retry_after
    )


__all__ = [
    "MAX_FIRST",
    "ListingFilter",
    "ListingSearch",
    "ListingSort",
    "MeilisearchListingSearch",
    "ResilientListingSearch",
    "SearchResult",
    "clean_page",
    "clean_sort",
    "make_listing_search",
    "meili_filter",
    "quote",
]
