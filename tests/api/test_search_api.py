"""searchListings over HTTP, on Meilisearch and on the database fallback, with each recipient's coverage."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest

from marketplace.catalog.models import SearchOutbox
from tirek.app import create_app
from schema.core.ids import to_global_id
from search.client import make_client
from search.indexer import reindex
from search.resilient import make_listing_search
from tests import factories as f
from tests.graphql_client import GraphQLClient
from schema.services import Services

SEARCH = """query($q: String!, $f: ListingFilter, $first: Int, $after: String) {
  searchListings(query: $q, filter: $f, first: $first, after: $after) {
    totalCount backend pageInfo { hasNextPage endCursor }
    facets { name values { value count } }
    edges { cursor node { listing { id titleRu unitPrice } coverage { covered partlyCovered statePays youPay reason entitlementId } } }
  }
}"""


@pytest.fixture
async def world(db):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await f.build_world(s)
        # Cap 250,000. listing_a: 200,000 (covered in full); a dearer one (partly); another item (no entitlement).
        w.dear = await f.listing(s, w.provider_a, w.item, [w.region_a], unit_price=Decimal("300000"),
                                 title_ru="Кресло-коляска активная Küschall", title_en="", title_kk="")
        other_item = await f.classifier_item(s, name_ru="Слуховой аппарат", name_en="Hearing aid",
                                             name_kk="Есту аппараты", price_cap=Decimal("150000"))
        w.hearing = await f.listing(s, w.provider_a, other_item, [w.region_a], unit_price=Decimal("120000"),
                                    title_ru="Слуховой аппарат заушный", title_en="", title_kk="")
        w.draft = await f.listing(s, w.provider_a, w.item, [w.region_a], status=f.ListingStatus.DRAFT,
                                  title_ru="Кресло-коляска черновик")
        for listing_id in (w.listing_a.id, w.listing_b.id, w.dear.id, w.hearing.id, w.draft.id):
            s.add(SearchOutbox(entity="listing", entity_id=listing_id))
    return w


async def test_recipient_sees_covered_partly_covered_and_uncovered_hits(search_api, world):  # type: ignore[no-untyped-def]
    await search_api.sync_index()
    token = await search_api.login(world.recipient_a_account.username)
    data = (await search_api.data(SEARCH, {"q": ""}, token=token))["searchListings"]
    assert data["backend"] == search_api.backend
    hits = {e["node"]["listing"]["id"]: e["node"]["coverage"] for e in data["edges"]}
    # Default region: the recipient's. Region B's listing and the draft are not there.
    assert set(hits) == {to_global_id("Listing", x.id) for x in (world.listing_a, world.dear, world.hearing)}
    assert data["totalCount"] == 3
    full = hits[to_global_id("Listing", world.listing_a.id)]
    assert full == {"covered": True, "partlyCovered": False, "statePays": "200000.00", "youPay": "0.00",
                    "reason": None, "entitlementId": to_global_id("Entitlement", world.entitlement_a.id)}
    partly = hits[to_global_id("Listing", world.dear.id)]
    assert partly["covered"] and partly["partlyCovered"]
    assert partly["statePays"] == "250000.00" and partly["youPay"] == "50000.00"
    none = hits[to_global_id("Listing", world.hearing.id)]
    assert not none["covered"] and none["reason"] == "NO_ENTITLEMENT" and none["youPay"] == "120000.00"


async def test_synonyms_typos_filters_facets_and_paging(search_api, world):  # type: ignore[no-untyped-def]
    await search_api.sync_index()
    region_a = to_global_id("Region", world.region_a.id)
    wheelchairs = (await search_api.data(SEARCH, {"q": "wheelchair", "f": {"regionIds": [region_a]}}))["searchListings"]
    assert {e["node"]["listing"]["id"] for e in wheelchairs["edges"]} == {
        to_global_id("Listing", world.listing_a.id), to_global_id("Listing", world.dear.id)}
    assert all(e["node"]["coverage"] is None for e in wheelchairs["edges"])  # anonymous: no coverage
    if search_api.backend == "meilisearch":
        typo = (await search_api.data(SEARCH, {"q": "слуховй", "f": {"regionIds": [region_a]}}))["searchListings"]
        assert [e["node"]["listing"]["id"] for e in typo["edges"]] == [to_global_id("Listing", world.hearing.id)]
    cheap = (await search_api.data(SEARCH, {"q": "", "f": {"regionIds": [region_a], "priceMax": "250000"}}))["searchListings"]
    assert cheap["totalCount"] == 2
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in cheap["facets"]}
    assert sum(facets["classifier_code"].values()) == 2
    first = (await search_api.data(SEARCH, {"q": "", "f": {"regionIds": [region_a]}, "first": 2}))["searchListings"]
    assert len(first["edges"]) == 2 and first["pageInfo"]["hasNextPage"]
    rest = (await search_api.data(SEARCH, {"q": "", "f": {"regionIds": [region_a]}, "first": 2,
                                           "after": first["pageInfo"]["endCursor"]}))["searchListings"]
    assert len(rest["edges"]) == 1 and not rest["pageInfo"]["hasNextPage"]
    seen = {e["node"]["listing"]["id"] for e in first["edges"] + rest["edges"]}
    assert len(seen) == 3
    bad = await search_api.execute(SEARCH, {"q": "", "first": 101})
    assert bad["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


async def test_archived_listing_leaves_the_results_after_the_worker_runs(search_api, world, db):  # type: ignore[no-untyped-def]
    await search_api.sync_index()
    provider = await search_api.login(world.provider_a_account.username)
    archive = """mutation($id: ID!) { archiveListing(listingId: $id) { listing { status } errors { code } } }"""
    assert (await search_api.data(archive, {"id": to_global_id("Listing", world.dear.id)}, token=provider)
            )["archiveListing"]["listing"]["status"] == "ARCHIVED"
    await search_api.sync_index()
    region_a = to_global_id("Region", world.region_a.id)
    data = (await search_api.data(SEARCH, {"q": "", "f": {"regionIds": [region_a]}}))["searchListings"]
    assert to_global_id("Listing", world.dear.id) not in {e["node"]["listing"]["id"] for e in data["edges"]}
    assert data["totalCount"] == 2


async def test_reindex_then_search(db, settings, meili, world):  # type: ignore[no-untyped-def]
    index = f"test_{uuid.uuid4().hex[:10]}"
    client = make_client(meili.url, meili.master_key)
    try:
        report = await reindex(db, client, index, progress=False)
        assert report is not None
        app = create_app(settings=settings, db=db, services=Services(listing_search=make_listing_search(db, client, index)))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            data = (await GraphQLClient(http).data(SEARCH, {"q": "кресло"}))["searchListings"]
        assert data["backend"] == "meilisearch" and data["totalCount"] == 3  # both regions, anonymous
    finally:
        await client.index(index).delete()
        await client.aclose()
