"""Meilisearch only: typo tolerance on words, none on classifier codes."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.db import Database
from search.indexer import reindex
from search.contract import ListingFilter
from search.meili import MeilisearchListingSearch
from tests.search.conftest import Catalog


@pytest.fixture
async def meili_search(db: Database, catalog: Catalog, meili_client: Any, index_name: str) -> MeilisearchListingSearch:
    await reindex(db, meili_client, index_name, progress=False)
    return MeilisearchListingSearch(meili_client, index_name)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("каляска", "L1"),  # one letter replaced
        ("слуховй аппарат", "L4"),  # one letter missing
        ("подгузникки", "L6"),  # one letter too many
        ("weelchair", "L2"),
        ("сурдопереводчек", "L8"),
        ("санаторей", "L9"),
    ],
)
async def test_a_one_letter_typo_still_finds_the_item(
    meili_search: MeilisearchListingSearch, catalog: Catalog, query: str, name: str
) -> None:
    result = await meili_search.search(query, ListingFilter(), None, 100, 0)
    assert catalog.listings[name] in result.ids


async def test_classifier_codes_take_no_typos(meili_search: MeilisearchListingSearch, catalog: Catalog) -> None:
    exact = await meili_search.search("TSR-010101", ListingFilter(), None, 100, 0)
    assert sorted(exact.ids) == catalog.ids("L1", "L2", "L3")
    near = await meili_search.search("TSR-010102", ListingFilter(), None, 100, 0)
    assert near.ids == [] and near.total == 0
