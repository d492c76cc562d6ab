"""Anonymous searches answered again from memory until the index changes (schema/public_answers.py):
the same request gets the same bytes without a search, a change of a listing reaches the next
answer once the index has it, and nothing of a signed-in viewer, of another root field, of an
answer with errors or of the database fallback is ever kept."""

from __future__ import annotations

import uuid

import httpx
import pytest

from marketplace.catalog.models import SearchOutbox
from marketplace.settings import Settings
from schema.core.ids import to_global_id
from schema.public_answers import PublicAnswers, StoredAnswer, only_public_fields
from schema.services import Services
from search.client import make_client
from search.contract import ListingSearch
from search.indexer import drain_outbox
from search.resilient import make_listing_search
from search.versions import IndexVersion, count_change
from tests import factories as f
from tests.graphql_client import GraphQLClient
from tirek.app import create_app

SEARCH = """query($q: String!) { searchListings(query: $q, first: 10) {
  totalCount backend edges { node { listing { id titleRu unitPrice stock } coverage { covered } } } } }"""
UPDATE = """mutation($id: ID!, $input: UpdateListingInput!) { updateListing(listingId: $id, input: $input) {
  listing { unitPrice stock status } errors { code } } }"""


class CountedSearch:
    """The deployment's search, counting the searches that reached it."""

    def __init__(self, inner: ListingSearch) -> None:
        self.inner = inner
        self.calls = 0

    async def search(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.calls += 1
        return await self.inner.search(*args, **kwargs)


@pytest.fixture
async def served(db, settings, meili):  # type: ignore[no-untyped-def]
    index = f"test_{uuid.uuid4().hex[:10]}"
    client = make_client(meili.url, meili.master_key)
    search = CountedSearch(make_listing_search(db, client, index))
    services = Services(listing_search=search, index_version=IndexVersion(db, index, read_every=0).current)
    app = create_app(settings=Settings(**{**settings.model_dump(), "meili_index": index}), db=db, services=services)
    async with db.transaction() as s:
        w = await f.build_world(s)
        for listing in (w.listing_a, w.listing_b):
            s.add(SearchOutbox(entity="listing", entity_id=listing.id))
    await drain_outbox(db, client, index)  # builds the index: its first change
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        api = GraphQLClient(http)
        api.world, api.search, api.app = w, search, app  # type: ignore[attr-defined]
        api.answers = next(r.app for r in app.routes if getattr(r, "path", "") == "/graphql").public_answers  # type: ignore[attr-defined]

        async def sync_index() -> None:
            await drain_outbox(db, client, index)

        api.sync_index = sync_index  # type: ignore[attr-defined]
        yield api
    try:
        await client.index(index).delete()
    finally:
        await client.aclose()


async def test_the_same_anonymous_search_is_answered_again_until_a_listing_changes(served) -> None:  # type: ignore[no-untyped-def]
    first = await served.post(SEARCH, {"q": ""})
    again = await served.post(SEARCH, {"q": ""})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["content-type"] == first.headers["content-type"]
    assert first.json()["data"]["searchListings"]["backend"] == "meilisearch"
    assert served.search.calls == 1 and (served.answers.hits, served.answers.misses) == (1, 1)
    assert "x-content-type-options" in again.headers  # the guard's headers on a reused answer too

    # Another request (other variables, another language, another media type) is its own answer.
    await served.post(SEARCH, {"q": "кресло"})
    await served.http.post("/graphql", json={"query": SEARCH, "variables": {"q": ""}},
                           headers={"accept-language": "kk"})
    graphql_response = await served.http.post("/graphql", json={"query": SEARCH, "variables": {"q": ""}},
                                              headers={"accept": "application/graphql-response+json"})
    assert graphql_response.headers["content-type"].startswith("application/graphql-response+json")
    assert served.search.calls == 4

    # The provider restocks: the next answer has it once the index has the change.
    provider = await served.login(served.world.provider_a_account.username)
    listing_id = to_global_id("Listing", served.world.listing_a.id)
    changed = (await served.data(UPDATE, {"id": listing_id, "input": {"stock": 7}},
                                 token=provider))["updateListing"]
    assert changed["errors"] == [] and changed["listing"]["status"] == "PUBLISHED", changed
    stale = await served.post(SEARCH, {"q": ""})  # the index has not got it yet: nor has the answer
    assert stale.content == first.content and served.search.calls == 4
    await served.sync_index()
    fresh = (await served.post(SEARCH, {"q": ""})).json()["data"]["searchListings"]["edges"]
    assert {e["node"]["listing"]["id"]: e["node"]["listing"]["stock"] for e in fresh}[listing_id] == 7
    assert served.search.calls == 5


async def test_nothing_of_a_viewer_another_field_or_an_error_is_kept(served) -> None:  # type: ignore[no-untyped-def]
    token = await served.login(served.world.recipient_a_account.username)
    for _ in range(2):
        mine = (await served.data(SEARCH, {"q": ""}, token=token))["searchListings"]
        assert any(e["node"]["coverage"] is not None for e in mine["edges"])
    with_regions = "query { searchListings(first: 5) { totalCount } regions { id } }"
    for _ in range(2):
        await served.data(with_regions)
    refused = 'query { searchListings(first: 5, forPersonId: "UGVyc29uOjE") { totalCount } }'
    for _ in range(2):
        assert (await served.execute(refused))["errors"]
    assert served.search.calls == 4  # two searches of the recipient's, two with regions; the refusal ran none
    assert len(served.answers) == 0 and served.answers.hits == 0


async def test_an_answer_of_the_database_fallback_is_not_kept(db, settings) -> None:  # type: ignore[no-untyped-def]
    """With Meilisearch out of reach the database answers, and that answer is made afresh each time."""
    search = CountedSearch(make_listing_search(db, make_client("http://127.0.0.1:9", None), "nowhere"))
    async with db.transaction() as s:
        await f.build_world(s)
        await count_change(s, "nowhere")
    services = Services(listing_search=search, index_version=IndexVersion(db, "nowhere", read_every=0).current)
    app = create_app(settings=Settings(**{**settings.model_dump(), "meili_index": "nowhere"}), db=db, services=services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        api = GraphQLClient(http)
        for _ in range(2):
            assert (await api.data(SEARCH, {"q": ""}))["searchListings"]["backend"] == "database"
    assert search.calls == 2


def test_the_store_is_bounded_in_bytes_least_recently_used_out_first() -> None:
    store = PublicAnswers(max_bytes=3 * (1000 + 20))
    keys = [PublicAnswers.key(1, "application/json", "ru", "application/json", f"{n}".encode()) for n in range(4)]
    for key in keys[:3]:
        store.put(key, StoredAnswer(b"x" * 1000, "application/json"))
    assert store.get(keys[0]) is not None  # now the most recently used
    store.put(keys[3], StoredAnswer(b"x" * 1000, "application/json"))
    assert store.get(keys[1]) is None and store.get(keys[0]) is not None and store.get(keys[3]) is not None
    assert store.bytes <= store.max_bytes and len(store) == 3
    store.put(PublicAnswers.key(1, "", "", "", b"big"), StoredAnswer(b"x" * 5000, "application/json"))
    assert len(store) == 3  # larger than the store: not kept
    assert PublicAnswers.key(2, "application/json", "ru", "application/json", b"0") != keys[0]
    assert not PublicAnswers(0).enabled


@pytest.mark.parametrize(("document", "public"), [
    ("{ searchListings { totalCount } }", True),
    ("query Q { __typename searchListings(query: \"x\") { totalCount } }", True),
    ("{ searchListings { totalCount } me { role } }", False),
    ("mutation { logout { ok } }", False),
    ("{ ...F } fragment F on Query { searchListings { totalCount } }", False),
    ("{ searchListings @include(if: true) { totalCount } }", False),
    ("{ searchListings { totalCount", False),
    ("query A { searchListings { totalCount } } query B { me { role } }", False),  # which one: not said
])
def test_only_a_search_is_public(document: str, public: bool) -> None:
    assert only_public_fields(document, None, 4000) is public


async def test_the_change_count_is_read_once_for_concurrent_callers_and_never_hangs(db) -> None:  # type: ignore[no-untyped-def]
    """Callers that ask while a read is under way share it; a read cancelled half-way (its request
    gone) leaves the others with None (nothing reused), and the next caller reads again."""
    import asyncio

    async with db.transaction() as s:
        await count_change(s, "idx")
        await count_change(s, "idx")
    version = IndexVersion(db, "idx", read_every=60)
    reads = 0
    release = asyncio.Event()
    real_read = version._read

    async def slow_read() -> int | None:
        nonlocal reads
        reads += 1
        await release.wait()
        return await real_read()

    version._read = slow_read  # type: ignore[method-assign]
    callers = [asyncio.create_task(version.current()) for _ in range(3)]
    await asyncio.sleep(0.05)
    release.set()
    assert await asyncio.gather(*callers) == [2, 2, 2] and reads == 1
    assert await version.current() == 2 and reads == 1  # kept for read_every

    version._read_at = float("-inf")
    release.clear()
    first, second = asyncio.create_task(version.current()), None
    await asyncio.sleep(0.05)
    second = asyncio.create_task(version.current())
    await asyncio.sleep(0.05)
    first.cancel()
    assert await asyncio.wait_for(second, 5) is None
    release.set()
    assert await asyncio.wait_for(version.current(), 5) == 2 and reads == 3
