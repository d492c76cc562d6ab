"""Documents are rebuilt from the database in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select

from marketplace.catalog.models import Listing
from marketplace.db import Database
from search.documents import build_documents, count_indexable, flatten_attributes, indexable_ids_after
from tests.search.conftest import Catalog


async def test_documents_hold_what_search_needs(db: Database, catalog: Catalog) -> None:
    L, R = catalog.listings, catalog.regions
    async with db.session() as s:
        docs = await build_documents(s, [*L.values(), 10_000_000])
    assert sorted(docs) == catalog.ids(*catalog.indexable_names)

    l1 = docs[L["L1"]]
    assert l1["title_ru"] == "Кресло-коляска складная" and l1["title_en"] == ""
    assert (l1["classifier_code"], l1["category"], l1["kind"]) == ("TSR-010101", "MOBILITY", "PRODUCT")
    assert l1["classifier_name_kk"] == "Қозғалу құралы"
    assert l1["provider_name"] == 'ТОО "Ортомед"' and l1["provider_verified"] is True
    assert l1["region_ids"] == sorted([R["r1"], R["r2"]])
    assert l1["unit_price"] == 180000.0 and l1["rating"] == 5.0 and l1["in_stock"] is True
    assert l1["delivery_options"] == ["HOME_DELIVERY", "PICKUP"]
    assert l1["status"] == "PUBLISHED"

    assert docs[L["L2"]]["in_stock"] is False and docs[L["L2"]]["rating"] is None
    assert docs[L["L2"]]["provider_verified"] is False
    assert docs[L["L3"]]["in_stock"] is True and docs[L["L3"]]["rating"] == 3.5  # stock not tracked
    assert docs[L["L5"]]["unit_price"] == 120000.5
    # A region the provider does not serve is not a region the listing is offered in.
    assert docs[L["L8"]]["region_ids"] == sorted([R["r1"], R["r2"]])
    assert set(docs[L["L6"]]["attributes_text"].split()) == {"L", "30", "Высокая", "ночные"}


def test_flatten_attributes() -> None:
    assert flatten_attributes({"a": "x", "b": [1, 2.5, {"c": "y"}], "flag_on": True, "off": False, "n": None}) == (
        "x 1 2.5 y flag on"
    )
    assert flatten_attributes([]) == ""


async def test_a_batch_costs_a_fixed_number_of_queries(db: Database, catalog: Catalog) -> None:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    async with db.session() as s:
        all_ids = list((await s.execute(select(Listing.id))).scalars())
    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.session() as s:
            await build_documents(s, all_ids[:2])
        few = len(statements)
        statements.clear()
        async with db.session() as s:
            docs = await build_documents(s, all_ids)
        many = len(statements)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert len(docs) == 9
    assert few == many == 4  # listings, providers, classifier items, regions


async def test_keyset_walk_over_indexable_listings(db: Database, catalog: Catalog) -> None:
    async with db.session() as s:
        assert await count_indexable(s) == 9
        seen: list[int] = []
        after = 0
        while ids := await indexable_ids_after(s, after, 4):
            seen += ids
            after = ids[-1]
    assert seen == catalog.ids(*catalog.indexable_names)
