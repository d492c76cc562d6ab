"""``searchListings``: the search backend's contract, whichever backend answers.

``ListingSearch.search(query, filters, sort, first, offset)`` returns the ids of one page of
published listings, the total number of hits, and facet counts over all hits. Two backends answer
it the same way: ``search.meili`` (the index built by ``search.indexer``) and ``search.fallback``
(SQL over the same fields, used when no Meilisearch is configured or it cannot be reached);
``search.resilient`` puts them together. The filters, the sort and the page are validated here,
once, as typed values.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import enum
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Protocol, runtime_checkable

from marketplace.catalog.models import DeliveryOption, ItemCategory, ItemKind
from marketplace.errors import DomainError, ErrorCode
from search.settings import MAX_TOTAL_HITS

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


class CleanListingSearch(ABC):
    """A backend's ``ListingSearch.search``: the page and the order are validated here
    (``clean_page``, ``clean_sort``), then ``search_page`` answers them."""

    async def search(
        self,
        query: str,
        filters: ListingFilter,
        sort: ListingSort | None = None,
        first: int = 20,
        offset: int = 0,
    ) -> SearchResult:
        return await self.search_page(clean_page(query, first, offset), filters, clean_sort(sort))

    @abstractmethod
    async def search_page(self, page: Page, filters: ListingFilter, sort: ListingSort | None) -> SearchResult:
        """The hits of a validated page and order: each backend's own search."""


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
