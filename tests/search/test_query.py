"""searchListings backends, Meilisearch and the database fallback, held to the same oracle.

Every test here runs for each search backend × each database backend.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from marketplace.catalog.models import DeliveryOption, ItemCategory, ItemKind
from marketplace.db import Database
from search.fallback import DatabaseListingSearch
from search.indexer import reindex
from search.contract import ListingFilter, ListingSearch, ListingSort, MAX_WINDOW
from search.meili import MeilisearchListingSearch
from tests.search.conftest import Catalog, oracle_facets, oracle_match, oracle_order, oracle_rows


@pytest.fixture(params=["meilisearch", "database"])
async def searcher(
    request: pytest.FixtureRequest, db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> ListingSearch:
    if request.param == "database":
        return DatabaseListingSearch(db)
    await reindex(db, meili_client, index_name, progress=False)
    return MeilisearchListingSearch(meili_client, index_name)


FilterCase = Callable[[Catalog], ListingFilter]

FILTER_CASES: dict[str, FilterCase] = {
    "none": lambda c: ListingFilter(),
    "code": lambda c: ListingFilter(classifier_codes=["TSR-010101"]),
    "code_other_case_and_two": lambda c: ListingFilter(classifier_codes=["tsr-020202", "SRV-050505"]),
    "categories": lambda c: ListingFilter(categories=[ItemCategory.HEARING, ItemCategory.HYGIENE]),
    "kind_service": lambda c: ListingFilter(kind=ItemKind.SERVICE),
    "kind_product": lambda c: ListingFilter(kind="PRODUCT"),
    "region_r3": lambda c: ListingFilter(region_ids=[c.regions["r3"]]),
    "regions_r2_r3": lambda c: ListingFilter(region_ids=[c.regions["r2"], c.regions["r3"]]),
    "price_min": lambda c: ListingFilter(price_min=Decimal("120000.50")),
    "price_max_inclusive": lambda c: ListingFilter(price_max=Decimal("150000")),
    "price_range_cents": lambda c: ListingFilter(price_min=Decimal("95.50"), price_max=Decimal("120.00")),
    "verified": lambda c: ListingFilter(provider_verified=True),
    "unverified": lambda c: ListingFilter(provider_verified=False),
    "pickup": lambda c: ListingFilter(delivery_options=[DeliveryOption.PICKUP]),
    "remote_or_at_provider": lambda c: ListingFilter(delivery_options=["REMOTE", "AT_PROVIDER"]),
    "in_stock": lambda c: ListingFilter(in_stock=True),
    "out_of_stock": lambda c: ListingFilter(in_stock=False),
    "min_rating": lambda c: ListingFilter(min_rating=Decimal("4.5")),
    "provider": lambda c: ListingFilter(provider_id=c.providers["p2"]),
    "combined": lambda c: ListingFilter(
        categories=[ItemCategory.MOBILITY], region_ids=[c.regions["r2"]], in_stock=True
    ),
    "nothing": lambda c: ListingFilter(kind=ItemKind.SERVICE, categories=[ItemCategory.HEARING]),
}


@pytest.mark.parametrize("case", list(FILTER_CASES))
async def test_each_filter_narrows_and_facets_match_the_database(
    searcher: ListingSearch, db: Database, catalog: Catalog, case: str
) -> None:
    flt = FILTER_CASES[case](catalog)
    rows = [r for r in (await oracle_rows(db)).values() if oracle_match(r, flt)]

    result = await searcher.search("", flt, None, 100, 0)

    assert result.ids == oracle_order(rows, None)
    assert result.total == len(rows)
    assert result.facets == oracle_facets(rows)


async def test_the_oracle_is_not_trivial(db: Database, catalog: Catalog) -> None:
    rows = await oracle_rows(db)
    assert sorted(rows) == catalog.ids(*catalog.indexable_names)
    narrowed = {case: sum(oracle_match(r, fn(catalog)) for r in rows.values()) for case, fn in FILTER_CASES.items()}
    assert narrowed["none"] == 9
    assert all(0 < n < 9 for case, n in narrowed.items() if case not in ("none", "nothing")), str(narrowed)
    assert narrowed["nothing"] == 0


@pytest.mark.parametrize("sort", [None, *ListingSort])
async def test_sorts(searcher: ListingSearch, db: Database, catalog: Catalog, sort: ListingSort | None) -> None:
    rows = list((await oracle_rows(db)).values())
    result = await searcher.search("", ListingFilter(), sort, 100, 0)
    assert result.ids == oracle_order(rows, sort)


@pytest.mark.parametrize("first", [1, 2, 4])
async def test_paging_walks_every_hit_once(
    searcher: ListingSearch, db: Database, catalog: Catalog, first: int
) -> None:
    expected = oracle_order((await oracle_rows(db)).values(), ListingSort.PRICE_ASC)
    seen: list[int] = []
    offset = 0
    while True:
        page = await searcher.search("", ListingFilter(), ListingSort.PRICE_ASC, first, offset)
        assert page.total == len(expected)
        if not page.ids:
            break
        assert len(page.ids) <= first
        seen += page.ids
        offset += len(page.ids)
    assert seen == expected


async def test_unaligned_offsets_and_edges(searcher: ListingSearch, db: Database, catalog: Catalog) -> None:
    expected = oracle_order((await oracle_rows(db)).values(), ListingSort.PRICE_DESC)
    for offset, first in [(1, 3), (3, 2), (5, 4), (8, 5), (9, 3), (20, 3)]:
        page = await searcher.search("", ListingFilter(), ListingSort.PRICE_DESC, first, offset)
        assert page.ids == expected[offset : offset + first], (offset, first)
        assert page.total == len(expected)
    count_only = await searcher.search("", ListingFilter(), None, 0, 0)
    assert count_only.ids == [] and count_only.total == 9 and count_only.facets["kind"] == {"PRODUCT": 7, "SERVICE": 2}
    capped = await searcher.search("", ListingFilter(), None, 10_000, 0)
    assert len(capped.ids) == 9
    beyond = await searcher.search("", ListingFilter(), None, 10, MAX_WINDOW)
    assert beyond.ids == [] and beyond.total == 9


TEXT_CASES: list[tuple[str, list[str]]] = [
    # Across languages through synonyms: no listing says "wheelchair" except L2.
    ("wheelchair", ["L1", "L2", "L3"]),
    ("мүгедектер арбасы", ["L1", "L2", "L3"]),
    ("кресло-коляска", ["L1", "L2", "L3"]),
    ("hearing aid", ["L4", "L5"]),
    ("слуховой аппарат", ["L4", "L5"]),
    ("памперсы", ["L6", "L7"]),
    ("diapers", ["L6", "L7"]),
    ("жөргек", ["L6", "L7"]),
    ("sign language interpreter", ["L8"]),
    ("санаторий", ["L9"]),
    ("sanatorium", ["L9"]),
    # Case, the classifier code, the provider name, attribute values.
    ("КРЕСЛО", ["L1"]),
    ("TSR-020202", ["L4", "L5"]),
    ("Мейірім", ["L3", "L7"]),
    ("высокая", ["L6"]),
    ("складная кресло-коляска", ["L1"]),
    ("нетакогослова", []),
]


@pytest.mark.parametrize(("query", "names"), TEXT_CASES)
async def test_text_queries(
    searcher: ListingSearch, db: Database, catalog: Catalog, query: str, names: list[str]
) -> None:
    result = await searcher.search(query, ListingFilter(), None, 100, 0)
    assert sorted(result.ids) == catalog.ids(*names)
    assert result.total == len(names)
    rows = await oracle_rows(db)
    assert result.facets == oracle_facets(rows[i] for i in result.ids)


async def test_text_with_a_filter(searcher: ListingSearch, catalog: Catalog) -> None:
    result = await searcher.search("wheelchair", ListingFilter(region_ids=[catalog.regions["r1"]]), None, 100, 0)
    assert sorted(result.ids) == catalog.ids("L1", "L3")
    assert result.facets["region_ids"] == {str(catalog.regions["r1"]): 2, str(catalog.regions["r2"]): 1}
    priced = await searcher.search("wheelchair", ListingFilter(), ListingSort.PRICE_ASC, 100, 0)
    assert priced.ids == [catalog.listings[n] for n in ("L3", "L1", "L2")]


async def test_viewer_region_is_the_default_filter(searcher: ListingSearch, catalog: Catalog) -> None:
    r1, r3 = catalog.regions["r1"], catalog.regions["r3"]
    by_default = await searcher.search("", ListingFilter().with_default_region(r3), None, 100, 0)
    assert sorted(by_default.ids) == catalog.ids("L2", "L5", "L9")  # not L8: its provider does not serve r3
    chosen = await searcher.search("", ListingFilter(region_ids=[r1]).with_default_region(r3), None, 100, 0)
    assert sorted(chosen.ids) == catalog.ids("L1", "L3", "L4", "L6", "L7", "L8")
    unknown = await searcher.search("", ListingFilter().with_default_region(None), None, 100, 0)
    assert unknown.total == 9


@pytest.mark.parametrize(
    "code",
    ['x" OR status = "DRAFT', 'TSR-010101" OR kind != "', "\\", 'a\\" OR 1 = 1', "TSR-010101 OR"],
)
async def test_filter_values_cannot_inject(searcher: ListingSearch, catalog: Catalog, code: str) -> None:
    result = await searcher.search("", ListingFilter(classifier_codes=[code]), None, 100, 0)
    assert result.ids == [] and result.total == 0


async def test_drafts_archived_rejected_and_suspended_are_never_found(searcher: ListingSearch, catalog: Catalog) -> None:
    hidden = set(catalog.ids("D10", "A11", "R12", "P13", "S14"))
    for query in ["", "кресло-коляска", "слуховой аппарат", "черновик", "архивная", "паузе"]:
        result = await searcher.search(query, ListingFilter(), None, 100, 0)
        assert not hidden & set(result.ids), query
