"""Faults injected on purpose, and what must hold through them.

- Meilisearch killed (SIGKILL, then SIGTERM) while listings change over the API:
  every write succeeds meanwhile, ``/readyz`` says search is down, search keeps
  answering from the database, and after the restart the index converges to
  the database (every published listing, at its latest version; nothing else).
- The index worker killed mid-batch, as a process (``tirek search-worker``,
  SIGKILL) and as a task (cancelled at random points): nothing is lost; after
  the restart the index equals the database and the outbox is empty.
- PostgreSQL restarted under load (a fast shutdown, then a crash): every
  request either succeeds or answers a clear RETRYABLE error (HTTP 503 or a
  payload error), never a 500; retrying with the same idempotency keys makes
  exactly one order per key; no order is half-applied (balances, reservations
  and audit events all agree).

All marked slow: they start their own Meilisearch and PostgreSQL servers.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select

from marketplace.catalog.models import Listing, ListingRegion, ListingStatus, SearchOutbox
from marketplace.db import Database
from marketplace.migrate import upgrade_sync
from marketplace.orders.models import Order
from marketplace.settings import PROJECT_ROOT, Settings
from search.client import make_client
from search.documents import build_documents, indexable_ids_after
from tests.graphql_client import GraphQLClient
from tests.security.conftest import make_app
from tests.security.hostile import STATS, invariant_violations
from tests.security.scene import Scene, gid, key
from tests.support.meilisearch import meilisearch_server

pytestmark = pytest.mark.slow

ERR = "errors { field code message }"


@pytest.fixture
def meilisearch() -> Any:
    """A Meilisearch server of this test's own, whatever TIREK_TEST_MEILI_URL says: the test kills it."""
    with meilisearch_server() as process:
        yield process


@pytest.fixture
async def search_client(meilisearch: Any) -> AsyncIterator[Any]:
    client = make_client(meilisearch.url, meilisearch.master_key, timeout=2)
    try:
        yield client
    finally:
        await client.aclose()


# -- convergence ---------------------------------------------------------------------------------
async def database_documents(db: Database) -> dict[int, tuple[Any, ...]]:
    async with db.session() as s:
        ids = await indexable_ids_after(s, 0, 100_000)
        docs = await build_documents(s, ids)
    return {i: (d["version"], d["stock"], d["lead_time_days"]) for i, d in docs.items()}


async def index_documents(client: Any, index: str) -> dict[int, tuple[Any, ...]] | None:
    try:
        page = await client.index(index).get_documents(limit=100_000, fields=["id", "version", "stock", "lead_time_days"])
    except Exception:  # noqa: BLE001 - down, or the index is not there yet
        return None
    return {int(d["id"]): (d["version"], d["stock"], d["lead_time_days"]) for d in page.results}


async def outbox_rows(db: Database) -> int:
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(SearchOutbox))).scalar_one())


async def converged(db: Database, client: Any, index: str, timeout: float = 90.0) -> dict[int, tuple[Any, ...]]:
    """Wait until the index holds exactly the database's indexable listings at their versions."""
    deadline = time.monotonic() + timeout
    while True:
        expected = await database_documents(db)
        if await index_documents(client, index) == expected and await outbox_rows(db) == 0:
            return expected
        if time.monotonic() > deadline:
            raise AssertionError(f"the index did not converge in {timeout:.0f}s: database {len(expected)} documents, "
                                 f"index {await index_documents(client, index)!r:.300}, "
                                 f"outbox {await outbox_rows(db)}")
        await asyncio.sleep(0.2)


# -- listings over the API -------------------------------------------------------------------------
class Catalogue:
    def __init__(self, api: GraphQLClient, scene: Scene) -> None:
        self.api, self.scene = api, scene

    async def call(self, role: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.api.post(document, variables, token=await self.scene.token(role))
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body
        payload = next(iter(body["data"].values()))
        assert payload["errors"] == [], payload
        return payload

    async def publish(self, title: str) -> str:
        sd = self.scene.sides["a"]
        created = await self.call("provider", f"""mutation($i: CreateListingInput!) {{ createListing(input: $i)
            {{ listing {{ id }} {ERR} }} }}""", {"i": {
            "classifierItemId": gid("ClassifierItem", self.scene.item.id), "unitPrice": "150000.00",
            "regionIds": [gid("Region", sd.region.id)], "deliveryOptions": ["HOME_DELIVERY"], "titleRu": title,
            "stock": 10}})
        listing_id = created["listing"]["id"]
        await self.call("provider", f"mutation($id: ID!) {{ submitListing(listingId: $id) {{ {ERR} }} }}", {"id": listing_id})
        await self.call("officer", f"mutation($id: ID!) {{ reviewListing(listingId: $id, decision: APPROVE) {{ {ERR} }} }}",
                        {"id": listing_id})
        return listing_id

    async def restock(self, listing_id: str, stock: int) -> None:
        await self.call("provider", f"""mutation($id: ID!, $s: Int) {{ updateListing(listingId: $id, input: {{stock: $s}})
            {{ {ERR} }} }}""", {"id": listing_id, "s": stock})

    async def archive(self, listing_id: str) -> None:
        await self.call("provider", f"mutation($id: ID!) {{ archiveListing(listingId: $id) {{ {ERR} }} }}", {"id": listing_id})

    async def change(self, round_: int) -> None:
        """Three listings published, one restocked, one archived: eleven writes."""
        published = [await self.publish(f"Коляска {round_}.{n}") for n in range(3)]
        await self.restock(published[0], 3 + round_)
        await self.archive(published[1])


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_meilisearch_killed_while_listings_change(db: Database, settings: Settings, meilisearch: Any,
                                                         search_client: Any) -> None:
    from tirek.wiring import search_services
    from search.indexer import run_worker

    index = f"t{uuid.uuid4().hex[:12]}"
    configured = settings.model_copy(update={"meili_url": meilisearch.url, "meili_key": meilisearch.master_key,
                                             "meili_index": index})
    scene = await Scene.build(db, configured)
    services = search_services(configured, db, run_indexer=False)
    app = make_app(db, configured, services)
    for start in services.on_startup:
        await start()  # the app's start-up: builds the index
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(db, search_client, index, interval=0.2, max_backoff=1.0, stop=stop))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
            api = GraphQLClient(http)
            catalogue = Catalogue(api, scene)
            await catalogue.change(0)
            before = await converged(db, search_client, index)
            assert (await http.get("/readyz")).json()["checks"] == {"database": "ok", "search": "ok"}

            for round_, fault in enumerate([meilisearch.kill, lambda: meilisearch.stop(timeout=10)], start=1):
                fault()
                STATS["faults injected"] += 1
                await catalogue.change(round_)  # every write succeeds (Catalogue.call asserts it)
                ready = await http.get("/readyz")
                assert ready.status_code == 503
                assert ready.json()["checks"] == {"database": "ok", "search": "down"}
                hits = await api.data('{ searchListings(query: "", first: 50) { totalCount backend } }')
                assert hits["searchListings"]["backend"] == "database"
                assert hits["searchListings"]["totalCount"] == len(await database_documents(db))
                assert await outbox_rows(db) > 0  # the changes wait in the outbox
                meilisearch.restart()
                after = await converged(db, search_client, index)
                assert (await http.get("/readyz")).status_code == 200
            assert len(after) == len(before) + 2 * 2  # two more published listings kept per round
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
        for shutdown in services.on_shutdown:
            await shutdown()


async def bulk_listings(scene: Scene, n: int) -> None:
    """``n`` published listings and their outbox rows, as a burst of catalogue changes would leave them."""
    sd = scene.sides["a"]
    async with scene.db.transaction() as s:
        rows = [{"provider_id": sd.provider.id, "classifier_item_id": scene.item.id,
                 "title_ru": f"Ходунки {i}", "title_kk": "", "title_en": f"Walker {i}", "description_ru": "",
                 "description_kk": "", "description_en": "", "unit_price": Decimal("1000.00") + i,
                 "status": ListingStatus.PUBLISHED, "delivery_options": ["HOME_DELIVERY"], "lead_time_days": 5,
                 "stock": i % 7, "attributes": {}} for i in range(n)]
        ids = list((await s.execute(insert(Listing).returning(Listing.id), rows)).scalars())
        await s.execute(insert(ListingRegion), [{"listing_id": i, "region_id": sd.region.id} for i in ids])
        await s.execute(insert(SearchOutbox), [{"entity": "listing", "entity_id": i} for i in ids])


def start_worker(settings: Settings, meilisearch: Any, index: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TIREK_DATABASE_URL": settings.database_url, "TIREK_MEILI_URL": meilisearch.url,
           "TIREK_MEILI_KEY": meilisearch.master_key, "TIREK_MEILI_INDEX": index,
           "TIREK_SECRET_KEY": settings.secret_key or "", "TIREK_VAR_DIR": str(settings.var_dir)}
    return subprocess.Popen([sys.executable, "-m", "tirek.cli", "search-worker", "--interval", "0.1"],
                            cwd=PROJECT_ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_index_worker_killed_mid_batch_loses_nothing(db: Database, settings: Settings, meilisearch: Any,
                                                            search_client: Any, tmp_path: Path) -> None:
    from search.indexer import drain_outbox, reindex

    index = f"t{uuid.uuid4().hex[:12]}"
    scene = await Scene.build(db, settings)
    await reindex(db, search_client, index, progress=False)
    log = tmp_path / "worker.log"

    # As a process: SIGKILL while a batch is in flight (the outbox partly drained), three times.
    kills = 0
    for burst in range(3):
        await bulk_listings(scene, 1500)
        total = await outbox_rows(db)
        worker = start_worker(settings, meilisearch, index, log)
        try:
            deadline = time.monotonic() + 60
            while (left := await outbox_rows(db)) == total and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            await asyncio.sleep(random.uniform(0, 0.05))
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            kills += 1
            STATS["faults injected"] += 1
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)
        assert 0 <= left < total, (left, total)  # it was killed mid-way (or just after the last batch)
    worker = start_worker(settings, meilisearch, index, log)  # the restart
    try:
        expected = await converged(db, search_client, index, timeout=120)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert kills == 3 and len(expected) >= 4500

    # As a task: cancelled at random points of a drain, ten times; then one drain to the end.
    await bulk_listings(scene, 600)
    for _ in range(10):
        task = asyncio.create_task(drain_outbox(db, search_client, index, batch_size=100))
        await asyncio.sleep(random.uniform(0.0, 0.3))
        task.cancel()
        STATS["faults injected"] += 1
        try:
            await task
        except asyncio.CancelledError:
            pass
    await drain_outbox(db, search_client, index, batch_size=100)
    assert len(await converged(db, search_client, index, timeout=30)) == len(expected) + 600


# -- the database restarted under load --------------------------------------------------------------
@pytest.fixture
async def own_postgres(tmp_path: Path) -> AsyncIterator[tuple[Any, Database, Settings]]:
    from tests.support.postgres import PostgresServer, PostgresUnavailable

    # A server of this test's own (private: whatever TIREK_TEST_POSTGRES_URL or TIREK_TEST_DATABASES
    # say, the shared one is never restarted). Durable like production: the shared test server runs
    # with fsync and synchronous_commit off, and a crash there loses commits the client was told
    # about -- not what is tested here.
    server = PostgresServer(settings={"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"},
                            private=True)
    try:
        server.start()
    except PostgresUnavailable as exc:  # pragma: no cover - scripts/test.sh installs postgresql-15
        pytest.fail(f"a private PostgreSQL server cannot start (install postgresql-15): {exc}")
    try:
        url = server.create_database("tirek")
        await asyncio.to_thread(upgrade_sync, url)
        db = Database(url, pool_timeout=5)
        settings = Settings(database_url=url, secret_key="restart-" + uuid.uuid4().hex, var_dir=tmp_path / "var")
        try:
            yield server, db, settings
        finally:
            await db.dispose()
    finally:
        server.stop()


PLACE = f"""mutation($l: ID!, $e: ID!, $k: String!) {{ placeOrder(listingId: $l, entitlementId: $e, quantity: "1",
  idempotencyKey: $k) {{ order {{ id }} {ERR} }} }}"""


def outcome(response: httpx.Response) -> tuple[str, str | None]:
    """("ok", order id) or ("retry", None); anything else fails the test."""
    if response.status_code == 503:
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "RETRYABLE", body
        assert response.headers.get("retry-after")
        return "retry", None
    assert response.status_code == 200, (response.status_code, response.text[:500])
    body = response.json()
    assert not body.get("errors"), body
    payload = body["data"]["placeOrder"]
    if payload["errors"]:
        assert [e["code"] for e in payload["errors"]] == ["RETRYABLE"], payload
        return "retry", None
    return "ok", payload["order"]["id"]


async def test_database_restarted_under_load(own_postgres: tuple[Any, Database, Settings]) -> None:
    server, db, settings = own_postgres
    scene = await Scene.build(db, settings)
    sd = scene.sides["a"]
    app = make_app(db, settings)
    results: dict[str, list[tuple[str, str | None]]] = {}
    reads: list[str] = []
    done = asyncio.Event()

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test",
                                 timeout=60) as http:
        api = GraphQLClient(http)
        token = await scene.token("recipient")

        async def place(k: str) -> tuple[str, str | None]:
            return outcome(await api.post(PLACE, {"l": gid("Listing", sd.listing.id),
                                                  "e": gid("Entitlement", sd.entitlement.id), "k": k}, token=token))

        async def orderer() -> None:
            """A client that meets RETRYABLE the way it should: the same request, same key, a bit later."""
            while not done.is_set():
                k = key()
                attempts = results[k] = [await place(k)]
                while attempts[-1][0] == "retry" and not done.is_set():
                    await asyncio.sleep(0.2)
                    attempts.append(await place(k))

        async def reader() -> None:
            while not done.is_set():
                response = await api.post("{ orders(first: 5) { edges { node { id status } } } }", token=token)
                if response.status_code == 503:
                    reads.append("RETRYABLE")
                else:
                    assert response.status_code == 200, response.text[:300]
                    errors = response.json().get("errors") or []
                    reads.append(errors[0]["extensions"]["code"] if errors else "ok")
                await asyncio.sleep(0.01)

        async def faults() -> None:
            try:
                await asyncio.sleep(1.0)
                for mode in ("fast", "immediate"):  # a clean shutdown, then a crash
                    await asyncio.to_thread(server.restart, 1.5, mode=mode)
                    STATS["faults injected"] += 1
                    await asyncio.sleep(1.0)
            finally:
                done.set()

        await asyncio.gather(faults(), reader(), *(orderer() for _ in range(4)))

        first = [attempts[0][0] for attempts in results.values()]
        assert first.count("ok") > 0 and first.count("retry") > 0, first  # the outage was felt, and survived
        assert set(reads) <= {"ok", "RETRYABLE"} and "RETRYABLE" in reads, sorted(set(reads))

        async def finish(k: str, attempts: list[tuple[str, str | None]]) -> None:
            while attempts[-1][0] == "retry":  # the database is back: the retries go through
                assert len(attempts) < 100, (k, attempts)
                await asyncio.sleep(0.1)
                attempts.append(await place(k))

        await asyncio.gather(*(finish(k, a) for k, a in results.items()))
        order_of_key = {k: attempts[-1][1] for k, attempts in results.items()}
        for k, attempts in results.items():  # a key that once succeeded keeps answering the same order
            assert {o for status, o in attempts if status == "ok"} == {order_of_key[k]}, (k, attempts)

    async with db.session() as s:
        orders = (await s.execute(select(func.count()).select_from(Order))).scalar_one()
    assert orders == len(set(order_of_key.values())) == len(results)  # one order per key: none lost, none twice
    assert await invariant_violations(db) == []
    STATS["requests under database faults"] += sum(len(a) for a in results.values()) + len(reads)
