"""searchListings keeps answering, from the database, when Meilisearch cannot."""

from __future__ import annotations

import logging
from typing import Any

from marketplace.db import Database
from search.fallback import DatabaseListingSearch
from search.contract import ListingFilter
from search.meili import MeilisearchListingSearch
from search.resilient import make_listing_search, ResilientListingSearch
from search.server import free_port
from search.client import make_client
from tests.search.conftest import Catalog


async def test_down_meilisearch_falls_back_to_the_database_with_a_warning(
    db: Database, catalog: Catalog, caplog: Any
) -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}", "key", timeout=2)
    try:
        search = ResilientListingSearch(MeilisearchListingSearch(client, "listings"), DatabaseListingSearch(db))
        with caplog.at_level(logging.WARNING, logger="tirek.search"):
            result = await search.search("wheelchair", ListingFilter(), None, 10, 0)
        assert result.backend == "database"
        assert sorted(result.ids) == catalog.ids("L1", "L2", "L3")
        assert any("falls back to the database" in r.getMessage() for r in caplog.records)
        assert search.degraded
        again = await search.search("", ListingFilter(), None, 10, 0)
        assert again.backend == "database" and again.total == 9
    finally:
        await client.aclose()


async def test_a_missing_index_also_falls_back_and_meilisearch_is_used_once_there(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    from search.indexer import reindex

    search = ResilientListingSearch(
        MeilisearchListingSearch(meili_client, index_name), DatabaseListingSearch(db), retry_after=0
    )
    first = await search.search("памперсы", ListingFilter(), None, 10, 0)
    assert first.backend == "database" and sorted(first.ids) == catalog.ids("L6", "L7")
    await reindex(db, meili_client, index_name, progress=False)
    second = await search.search("памперсы", ListingFilter(), None, 10, 0)
    assert second.backend == "meilisearch" and sorted(second.ids) == catalog.ids("L6", "L7")
    assert second.facets == first.facets


async def test_no_meilisearch_configured_means_the_database(db: Database, catalog: Catalog, caplog: Any) -> None:
    with caplog.at_level(logging.WARNING, logger="tirek.search"):
        search = make_listing_search(db, None)
    assert isinstance(search, DatabaseListingSearch)
    assert any("no Meilisearch configured" in r.getMessage() for r in caplog.records)
    assert (await search.search("", ListingFilter(), None, 5, 0)).total == 9


async def test_a_refused_request_is_no_outage(db: Database, catalog: Catalog, meili_client: Any, index_name: str,
                                              caplog: Any) -> None:
    """Meilisearch refusing one request (a 4xx: here a filter the index was not set up for, like the
    lone-surrogate payload it refused in the attack) is answered from the database for that request
    only; the breaker opens for an unreachable server, never for a refused request."""
    from search.client import create_index
    from search.indexer import reindex

    await reindex(db, meili_client, index_name, progress=False)
    search = ResilientListingSearch(MeilisearchListingSearch(meili_client, index_name), DatabaseListingSearch(db))
    assert (await search.search("", ListingFilter(), None, 10, 0)).backend == "meilisearch"
    bare = f"{index_name}_bare"
    await create_index(meili_client, bare, apply_settings=False)  # nothing filterable: every search refused
    refusing = ResilientListingSearch(MeilisearchListingSearch(meili_client, bare), DatabaseListingSearch(db))
    with caplog.at_level(logging.WARNING, logger="tirek.search"):
        for _ in range(3):
            result = await refusing.search("wheelchair", ListingFilter(), None, 10, 0)
            assert result.backend == "database" and sorted(result.ids) == catalog.ids("L1", "L2", "L3")
            assert not refusing.degraded
    assert any("refused" in r.getMessage() for r in caplog.records)
    assert not any("falls back to the database for" in r.getMessage() for r in caplog.records)
    # The search the index can answer is still Meilisearch's, request after request.
    assert (await search.search("wheelchair", ListingFilter(), None, 10, 0)).backend == "meilisearch"
    assert not search.degraded
