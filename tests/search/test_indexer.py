"""The outbox worker and the full rebuild, against a real Meilisearch and both databases."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from sqlalchemy import delete, select

from marketplace.catalog.models import Listing, ListingStatus, ProviderRegion, VerificationStatus
from marketplace.db import Database
from search import indexer
from search.client import SearchTaskFailed, SearchUnavailable, index_exists, index_uids, make_client, prune_tasks
from search.client import read_fingerprint, wait_for_tasks
from search.documents import build_documents
from search.indexer import drain_outbox, outbox_size, reindex, run_worker
from search.contract import ListingFilter
from search.meili import MeilisearchListingSearch
from search.server import MeilisearchProcess, free_port
from search.settings import settings_fingerprint
from tests.search.conftest import Catalog, oracle_rows, set_listing, set_provider, touch


async def index_documents(client: Any, name: str) -> dict[int, dict[str, Any]]:
    docs: dict[int, dict[str, Any]] = {}
    offset = 0
    while True:
        page = await client.index(name).get_documents(offset=offset, limit=500)
        docs.update({int(d["id"]): d for d in page.results})
        offset += len(page.results)
        if offset >= page.total or not page.results:
            return docs


async def assert_index_equals_db(db: Database, client: Any, name: str) -> None:
    """Convergence: the index holds exactly the findable listings, each as the database has it now."""
    async with db.session() as s:
        all_ids = list((await s.execute(select(Listing.id))).scalars())
        expected = await build_documents(s, all_ids)
    assert set(expected) == set(await oracle_rows(db))
    assert await index_documents(client, name) == expected


async def assert_index_built(db: Database, client: Any, name: str) -> None:
    """A built index: it equals the database (``assert_index_equals_db``) and carries the settings of today's code."""
    await assert_index_equals_db(db, client, name)
    assert await read_fingerprint(client, name) == settings_fingerprint()


async def found(client: Any, name: str, query: str) -> list[int]:
    result = await MeilisearchListingSearch(client, name).search(query, ListingFilter(), None, 100, 0)
    return sorted(result.ids)


def dead_client() -> Any:
    return make_client(f"http://127.0.0.1:{free_port()}", "no-such-key-at-all", timeout=2)


# -- the worker ------------------------------------------------------------------------------
async def test_archived_rejected_leave_and_edits_appear_after_the_worker_drains(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    await reindex(db, meili_client, index_name, progress=False)
    L = catalog.listings
    await set_listing(db, L["L1"], status=ListingStatus.ARCHIVED)
    await set_listing(db, L["L4"], status=ListingStatus.REJECTED)
    await set_listing(db, L["L2"], title_en="Titanium wheelchair")
    await set_listing(db, L["P13"], status=ListingStatus.PUBLISHED)

    # Until the worker runs, the index still has the old state.
    assert L["L1"] in await found(meili_client, index_name, "wheelchair")
    assert await found(meili_client, index_name, "titanium") == []

    assert await drain_outbox(db, meili_client, index_name) == 4
    assert await outbox_size(db) == 0
    assert await found(meili_client, index_name, "wheelchair") == catalog.ids("L2", "L3", "P13")
    assert await found(meili_client, index_name, "titanium") == catalog.ids("L2")
    assert await found(meili_client, index_name, "слуховой аппарат") == catalog.ids("L5")
    await assert_index_equals_db(db, meili_client, index_name)

    # A draft goes back to the provider: out of the index too.
    await set_listing(db, L["L2"], status=ListingStatus.DRAFT)
    assert await drain_outbox(db, meili_client, index_name) == 1
    assert await found(meili_client, index_name, "titanium") == []
    await assert_index_equals_db(db, meili_client, index_name)


async def test_a_provider_change_rebuilds_all_its_listings(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    await reindex(db, meili_client, index_name, progress=False)
    P, L = catalog.providers, catalog.listings
    await set_provider(db, P["p2"], verification_status=VerificationStatus.SUSPENDED)
    await set_provider(db, P["p3"], name='ТОО "Жаңа Өмір"')
    async with db.transaction() as s:  # p1 stops serving r2
        await s.execute(
            delete(ProviderRegion).where(ProviderRegion.provider_id == P["p1"], ProviderRegion.region_id == catalog.regions["r2"])
        )
    await touch(db, "provider", P["p1"])

    assert await drain_outbox(db, meili_client, index_name) == 3
    assert await found(meili_client, index_name, "wheelchair") == catalog.ids("L1", "L3")
    assert await found(meili_client, index_name, "жаңа өмір") == catalog.ids("L3", "L7")
    docs = await index_documents(meili_client, index_name)
    assert docs[L["L1"]]["region_ids"] == [catalog.regions["r1"]]
    assert L["L2"] not in docs and L["L5"] not in docs and L["L9"] not in docs
    await assert_index_equals_db(db, meili_client, index_name)

    await set_provider(db, P["p2"], verification_status=VerificationStatus.VERIFIED)
    assert await drain_outbox(db, meili_client, index_name) == 1
    docs = await index_documents(meili_client, index_name)
    assert docs[L["L2"]]["provider_verified"] is True
    await assert_index_equals_db(db, meili_client, index_name)


async def test_rows_collapse_and_only_the_rows_read_are_deleted(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    await reindex(db, meili_client, index_name, progress=False)
    L = catalog.listings
    await touch(db, "listing", L["L1"], L["L1"], L["L1"], L["L2"], 10_000_000)  # and one that never existed
    await touch(db, "provider", catalog.providers["p1"])
    await touch(db, "mystery", 1)
    assert await drain_outbox(db, meili_client, index_name, batch_size=3) == 7
    assert await outbox_size(db) == 0
    await assert_index_equals_db(db, meili_client, index_name)


async def test_drain_builds_a_missing_index_instead_of_an_empty_one(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    assert not await index_exists(meili_client, index_name)
    await touch(db, "listing", catalog.listings["L1"])
    await drain_outbox(db, meili_client, index_name)
    assert await outbox_size(db) == 0
    await assert_index_built(db, meili_client, index_name)


async def test_a_failed_task_raises_and_keeps_the_rows(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await reindex(db, meili_client, index_name, progress=False)
    real = indexer.build_documents

    async def corrupt(session: Any, ids: Any) -> dict[int, dict[str, Any]]:
        docs = await real(session, ids)
        for doc in docs.values():
            doc["id"] = "not a valid id!"  # Meilisearch fails the task: invalid_document_id
        return docs

    await set_listing(db, catalog.listings["L2"], title_en="Carbon wheelchair")
    monkeypatch.setattr(indexer, "build_documents", corrupt)
    with pytest.raises(SearchTaskFailed) as failure:
        await drain_outbox(db, meili_client, index_name)
    assert "invalid" in str(failure.value).lower()
    assert await outbox_size(db) == 1
    assert await found(meili_client, index_name, "carbon") == []

    monkeypatch.setattr(indexer, "build_documents", real)
    assert await drain_outbox(db, meili_client, index_name) == 1
    assert await found(meili_client, index_name, "carbon") == catalog.ids("L2")


async def test_meilisearch_unreachable_keeps_every_row(db: Database, catalog: Catalog, caplog: Any) -> None:
    client = dead_client()
    try:
        await touch(db, "listing", catalog.listings["L1"], catalog.listings["L2"])
        with pytest.raises(SearchUnavailable):
            await drain_outbox(db, client, "listings")
        with pytest.raises(SearchUnavailable):
            await reindex(db, client, "listings", progress=False)
        assert await outbox_size(db) == 2

        stop = asyncio.Event()
        caplog.set_level(logging.DEBUG, logger="tirek.search")
        worker = asyncio.create_task(
            run_worker(db, client, "listings", interval=0.01, max_backoff=0.05, stop=stop)
        )
        await asyncio.sleep(0.4)
        stop.set()
        await asyncio.wait_for(worker, 5)
        assert await outbox_size(db) == 2
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "unavailable" in r.getMessage()]
        assert len(warnings) == 1  # one warning per outage, not one per attempt
    finally:
        await client.aclose()


@pytest.mark.slow
async def test_meilisearch_down_then_back_converges(db: Database, catalog: Catalog) -> None:
    """A second Meilisearch process we can stop: rows wait during the outage, and the
    worker, backing off meanwhile, brings the index level with the database once it is back."""
    server = MeilisearchProcess()
    await asyncio.to_thread(server.start)
    client = make_client(server.url, server.master_key, timeout=5)
    name = "listings"
    try:
        await reindex(db, client, name, progress=False)
        await assert_index_equals_db(db, client, name)
        await asyncio.to_thread(server.stop)

        L = catalog.listings
        await set_listing(db, L["L1"], status=ListingStatus.ARCHIVED)
        await set_listing(db, L["L2"], title_en="Folding wheelchair, light")
        await set_provider(db, catalog.providers["p3"], verification_status=VerificationStatus.SUSPENDED)
        with pytest.raises(SearchUnavailable):
            await drain_outbox(db, client, name)
        assert await outbox_size(db) == 3

        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(db, client, name, interval=0.05, max_backoff=0.3, stop=stop))
        await asyncio.sleep(0.5)
        assert await outbox_size(db) == 3
        await asyncio.to_thread(server.restart)
        deadline = time.monotonic() + 30
        while await outbox_size(db) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(worker, 10)
        assert await outbox_size(db) == 0
        await assert_index_equals_db(db, client, name)
        assert await found(client, name, "wheelchair") == catalog.ids("L2")
    finally:
        await client.aclose()
        await asyncio.to_thread(server.stop, cleanup=True)


async def test_run_worker_drains_until_stopped(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    await reindex(db, meili_client, index_name, progress=False)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(db, meili_client, index_name, interval=0.05, stop=stop, prune_every=0))
    try:
        await set_listing(db, catalog.listings["L9"], title_en="Sanatorium by the lake")
        deadline = time.monotonic() + 20
        while await outbox_size(db) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert await found(meili_client, index_name, "lake") == catalog.ids("L9")
    finally:
        stop.set()
        await asyncio.wait_for(worker, 10)


# -- the full rebuild --------------------------------------------------------------------------
async def test_reindex_swaps_without_a_moment_of_empty_results(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    await reindex(db, meili_client, index_name, progress=False)
    # Something stale in the live index that the rebuild must not carry over.
    task = await meili_client.index(index_name).add_documents(
        [{"id": 987654, "title_ru": "Устаревшая запись", "status": "PUBLISHED"}]
    )
    await wait_for_tasks(meili_client, [task.task_uid])

    search = MeilisearchListingSearch(meili_client, index_name)
    totals: list[int] = []
    stop = asyncio.Event()

    async def reader() -> None:
        while not stop.is_set():
            totals.append((await search.search("", ListingFilter(), None, 100, 0)).total)
            await asyncio.sleep(0)

    changed: list[int] = []

    async def change_during_the_load(loaded: int) -> None:
        if not changed:  # after the first batch: written after the noted outbox position
            await set_listing(db, catalog.listings["L3"], status=ListingStatus.ARCHIVED)
            await set_listing(db, catalog.listings["P13"], status=ListingStatus.PUBLISHED)
            changed.append(loaded)

    reading = asyncio.create_task(reader())
    try:
        report = await reindex(
            db, meili_client, index_name, progress=True, batch_size=2, on_batch=change_during_the_load
        )
    finally:
        stop.set()
        await reading
    assert totals and min(totals) >= 9, totals  # never empty, never an error
    assert report.replayed >= 2 and report.outbox_position == 0
    assert await outbox_size(db) == 0
    await assert_index_equals_db(db, meili_client, index_name)
    assert await found(meili_client, index_name, "устаревшая") == []
    assert [u for u in await index_uids(meili_client) if u.startswith(f"{index_name}_")] == []

    # Re-runnable: the same again, and the same result.
    await reindex(db, meili_client, index_name, progress=False)
    await assert_index_equals_db(db, meili_client, index_name)
    assert [u for u in await index_uids(meili_client) if u.startswith(f"{index_name}_")] == []


async def test_reindex_creates_the_live_index_and_drops_leftovers(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    leftover = f"{index_name}_20200101000000000000"
    task = await meili_client.create_index(leftover, primary_key="id")
    assert task is not None
    report = await reindex(db, meili_client, index_name, progress=False)
    assert report.documents == 9
    assert leftover not in await index_uids(meili_client)
    await assert_index_built(db, meili_client, index_name)


async def test_a_failed_reindex_leaves_the_live_index_alone(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await reindex(db, meili_client, index_name, progress=False)
    before = await index_documents(meili_client, index_name)

    async def boom(session: Any, ids: Any) -> dict[int, dict[str, Any]]:
        raise RuntimeError("database went away mid-load")

    monkeypatch.setattr(indexer, "build_documents", boom)
    with pytest.raises(RuntimeError):
        await reindex(db, meili_client, index_name, progress=False)
    assert await index_documents(meili_client, index_name) == before
    assert [u for u in await index_uids(meili_client) if u.startswith(f"{index_name}_")] == []


async def test_finished_tasks_are_pruned(meili_client: Any) -> None:
    uid = await prune_tasks(meili_client)
    assert uid is not None
    (result,) = await wait_for_tasks(meili_client, [uid])
    assert result.task_type == "taskDeletion"
    dead = dead_client()
    try:
        assert await prune_tasks(dead) is None  # housekeeping never raises
    finally:
        await dead.aclose()
