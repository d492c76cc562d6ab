"""Keeping the index equal to the database: the outbox worker and the full rebuild.

The catalogue services add a ``SearchOutbox`` row (entity "listing" or
"provider", and its id) in the same transaction as each change. Here:

``drain_outbox`` reads the rows in id order, collapses them per entity (a
provider row stands for all of that provider's listings), rebuilds those
documents from the database, upserts the indexable ones and deletes the rest,
waits for the Meilisearch tasks and checks that they succeeded, and only
then deletes exactly the rows it read. Meilisearch down or a failed task:
an exception, and every row is still there for the next attempt. Replaying a
row is harmless, since each document is rebuilt from the current database.

``run_worker`` drains in a loop, backing off while Meilisearch is unreachable.

``reindex`` rebuilds everything into a new index ``<name>_<timestamp>``, swaps
it with the live one (atomically: readers see the old index, then the new,
never an empty one), replays the outbox, and drops the old index.

Outbox consumers are serialised by ``consumer_lock`` (an in-process lock plus
a PostgreSQL advisory lock, or a lock file next to the SQLite database): two
consumers could otherwise send an older rebuild of a document after a newer
one, and a worker running during a rebuild would apply (and delete) rows the
new index never sees. A rebuild therefore holds the lock from the moment it
notes the outbox position until it has replayed the rows after it; the worker
waits meanwhile, and readers keep the live index, a little stale.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import logging
import os
import re
import time
import weakref
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal

from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchApiError
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from marketplace.catalog.models import SearchOutbox
from search import settings as index_config
from search.versions import count_change
from search.client import SearchTaskFailed, SearchUnavailable, check_index_uid, create_index, delete_index, ensure_index
from search.client import index_exists, index_uids, prune_tasks, server_version, stored_settings_version
from search.client import translated_errors, wait_for_tasks, write_fingerprint
from search.documents import Document, build_documents, count_indexable, indexable_ids_after
from search.documents import listing_ids_of_classifier_items, listing_ids_of_providers

logger = logging.getLogger("tirek.search")

DOCUMENTS_PER_TASK: Final = 1000
DELETE_CHUNK: Final = 500
RENAME_SWAP_SINCE: Final = (1, 18)  # Meilisearch accepts {"rename": true} in swap-indexes


# -- the consumer lock ----------------------------------------------------------------
_local_locks: weakref.WeakValueDictionary[tuple[int, str, str], asyncio.Lock] = weakref.WeakValueDictionary()


@asynccontextmanager
async def consumer_lock(db: Any, index_name: str) -> AsyncIterator[None]:
    """Only one outbox consumer (drain or reindex) per database and index at a time."""
    key = (id(asyncio.get_running_loop()), str(db.url), index_name)
    lock = _local_locks.get(key)
    if lock is None:
        lock = _local_locks[key] = asyncio.Lock()
    async with lock:
        if db.dialect == "postgresql":
            async with _pg_advisory_lock(db, index_name):
                yield
        elif db.dialect == "sqlite":
            async with _sqlite_file_lock(db, index_name):
                yield
        else:
            yield


@asynccontextmanager
async def _pg_advisory_lock(db: Any, index_name: str) -> AsyncIterator[None]:
    key = zlib.crc32(f"tirek-search-outbox:{index_name}".encode())
    engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            try:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            except SQLAlchemyError:
                # Never return a connection holding the lock to the pool.
                await conn.invalidate()


@asynccontextmanager
async def _sqlite_file_lock(db: Any, index_name: str) -> AsyncIterator[None]:
    path = db.engine.url.database
    if not path or path == ":memory:":
        yield
        return
    fd = os.open(f"{path}.search-{index_name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- the outbox worker -------------------------------------------------------------------
async def _committed_rows(db: Any) -> list[int]:
    """The ids of the outbox rows committed so far, in order."""
    async with db.session() as session:
        return [int(i) for i in (await session.execute(select(SearchOutbox.id).order_by(SearchOutbox.id))).scalars()]


async def outbox_size(db: Any) -> int:
    async with db.session() as session:
        return int((await session.execute(select(func.count()).select_from(SearchOutbox))).scalar_one())


async def drain_outbox(db: Any, client: AsyncClient, index_name: str, batch_size: int = 500) -> int:
    """Bring the index up to date with the outbox; return the number of rows processed.

    Raises ``SearchUnavailable`` (Meilisearch down) or ``SearchTaskFailed`` (a
    task failed); the rows of the batch in hand stay in the outbox either way.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    check_index_uid(index_name)
    async with consumer_lock(db, index_name):
        return await _drain(db, client, index_name, batch_size)


async def _drain(db: Any, client: AsyncClient, index_name: str, batch_size: int) -> int:
    if not await index_exists(client, index_name):
        # No live index yet: build it fully (which replays the outbox) rather
        # than create an empty one that readers would take for "no results".
        report = await _reindex_locked(db, client, index_name, progress=False, batch_size=1000, on_batch=None)
        return report.replayed
    await ensure_index(client, index_name)
    processed = 0
    while True:
        async with db.session() as session:
            rows = (
                await session.execute(
                    select(SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id)
                    .order_by(SearchOutbox.id)
                    .limit(batch_size)
                )
            ).all()
            if not rows:
                return processed
            listing_ids = await _affected_listings(session, rows)
            documents = await build_documents(session, listing_ids)
        await apply_documents(client, index_name, documents, listing_ids - documents.keys())
        await _delete_rows(db, [row.id for row in rows], counted_for=index_name)
        processed += len(rows)
        logger.debug(
            "search outbox: %d rows up to id %d -> %d upserts, %d deletes",
            len(rows), rows[-1].id, len(documents), len(listing_ids) - len(documents),
        )
        if len(rows) < batch_size:
            return processed


async def _affected_listings(session: Any, rows: Sequence[Any]) -> set[int]:
    listing_ids: set[int] = set()
    provider_ids: set[int] = set()
    item_ids: set[int] = set()
    for row in rows:
        if row.entity == "listing":
            listing_ids.add(int(row.entity_id))
        elif row.entity == "provider":
            provider_ids.add(int(row.entity_id))
        elif row.entity in ("classifier_item", "classifier"):
            item_ids.add(int(row.entity_id))
        else:
            logger.warning("search outbox row %s has an unknown entity %r; skipped", row.id, row.entity)
    if provider_ids:
        listing_ids |= await listing_ids_of_providers(session, provider_ids)
    if item_ids:
        listing_ids |= await listing_ids_of_classifier_items(session, item_ids)
    return listing_ids


async def apply_documents(
    client: AsyncClient, index_name: str, documents: dict[int, Document], delete_ids: Iterable[int]
) -> None:
    """Upsert ``documents`` and delete ``delete_ids``; wait and check every task."""
    index = client.index(index_name)
    docs = list(documents.values())
    deletes = sorted(set(delete_ids))
    task_uids: list[int] = []
    try:
        async with translated_errors(f"indexing into {index_name}"):
            for start in range(0, len(docs), DOCUMENTS_PER_TASK):
                info = await index.add_documents(docs[start : start + DOCUMENTS_PER_TASK], primary_key="id")
                task_uids.append(info.task_uid)
            for start in range(0, len(deletes), DOCUMENTS_PER_TASK):
                info = await index.delete_documents([str(i) for i in deletes[start : start + DOCUMENTS_PER_TASK]])
                task_uids.append(info.task_uid)
    except MeilisearchApiError as exc:  # refused when enqueued (4xx): as bad as a failed task
        raise SearchTaskFailed(f"Meilisearch refused an indexing request: {exc}") from exc
    await wait_for_tasks(client, task_uids)


async def _delete_rows(db: Any, ids: list[int], *, counted_for: str) -> None:
    """Delete the outbox rows the index now reflects, and count the index's change
    (search/versions.py) in the same transaction."""
    # Exactly the rows read, not "id <= max": on PostgreSQL a transaction can
    # commit a lower id after a higher one is visible; that row must survive.
    async with db.transaction() as session:
        await count_change(session, counted_for)
        for start in range(0, len(ids), DELETE_CHUNK):
            await session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids[start : start + DELETE_CHUNK])))


def _backoff(interval: float, failures: int, max_backoff: float) -> float:
    return float(min(max(interval, 0.1) * 2 ** min(failures, 30), max_backoff))


async def run_worker(
    db: Any,
    client: AsyncClient,
    index_name: str,
    *,
    interval: float = 1.0,
    batch_size: int = 500,
    max_backoff: float = 60.0,
    prune_every: float = 3600.0,
    stop: asyncio.Event | None = None,
) -> None:
    """Drain the outbox every ``interval`` seconds until ``stop`` is set (or the task is cancelled).

    While Meilisearch is unreachable, or a task keeps failing, the pause doubles
    up to ``max_backoff``; the rows wait in the outbox. Finished Meilisearch
    tasks are pruned every ``prune_every`` seconds.
    """
    stop = stop or asyncio.Event()
    delay = interval
    failures = 0
    last_prune = time.monotonic()
    while not stop.is_set():
        try:
            await drain_outbox(db, client, index_name, batch_size)
        except SearchUnavailable as exc:
            failures += 1
            delay = _backoff(interval, failures, max_backoff)
            log = logger.warning if failures == 1 else logger.debug
            log("search index worker: Meilisearch unavailable (attempt %d, retry in %.1fs): %s", failures, delay, exc)
        except SearchTaskFailed as exc:
            failures += 1
            delay = _backoff(interval, failures, max_backoff)
            logger.error("search index worker: a Meilisearch task failed; rows kept, retry in %.1fs: %s", delay, exc)
        except SQLAlchemyError:
            failures += 1
            delay = _backoff(interval, failures, max_backoff)
            logger.exception("search index worker: database error; retry in %.1fs", delay)
        else:
            if failures:
                logger.info("search index worker: caught up after %d failed attempts", failures)
            failures = 0
            delay = interval
            if time.monotonic() - last_prune >= prune_every:
                await prune_tasks(client)
                last_prune = time.monotonic()
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            pass


# -- the full rebuild ----------------------------------------------------------------------
@dataclass(frozen=True)
class ReindexReport:
    index_name: str
    built_as: str
    documents: int
    outbox_position: int
    replayed: int
    seconds: float


def _leftover_pattern(index_name: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(index_name)}_\d{{20}}$")


async def reindex(
    db: Any,
    client: AsyncClient,
    index_name: str,
    progress: bool = True,
    *,
    batch_size: int = 1000,
    on_batch: Callable[[int], Awaitable[None]] | None = None,
) -> ReindexReport:
    """Rebuild the index from the database without a moment of empty results.

    Safe to re-run, and to run after an interrupted run (its half-built
    ``<name>_<timestamp>`` index is dropped first). ``on_batch`` is awaited
    after each loaded batch with the number of documents so far.
    """
    check_index_uid(index_name)
    async with consumer_lock(db, index_name):
        report = await _reindex_locked(
            db, client, index_name, progress=progress, batch_size=batch_size, on_batch=on_batch
        )
    await prune_tasks(client)
    return report


async def _reindex_locked(
    db: Any,
    client: AsyncClient,
    index_name: str,
    *,
    progress: bool,
    batch_size: int,
    on_batch: Callable[[int], Awaitable[None]] | None,
) -> ReindexReport:
    started = time.monotonic()
    for uid in await index_uids(client):
        if _leftover_pattern(index_name).match(uid):
            logger.info("dropping %s, left over by an interrupted reindex", uid)
            await delete_index(client, uid)
    built_as = f"{index_name}_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"
    await create_index(client, built_as)  # settings first, then documents
    try:
        # The outbox rows committed before the load reads the database: what they announce is in
        # the documents it builds, so they are dropped after the swap, not replayed.
        covered = await _committed_rows(db)
        position = covered[-1] if covered else 0
        loaded = await _bulk_load(db, client, index_name, built_as, batch_size, progress, on_batch)
        old_left_behind = await _swap_in(client, index_name, built_as)
    except BaseException:
        # The live index is untouched (or, if a swap was enqueued, this drops
        # whichever index ends up under the built name: the old one).
        await _drop_quietly(client, built_as)
        raise
    await write_fingerprint(client, index_name, index_config.settings_fingerprint())
    await _delete_rows(db, covered, counted_for=index_name)  # the swap is a change, with or without rows
    # Replay what was committed since: rows above the position, and a lower id that a
    # PostgreSQL transaction committed after the covered rows were read (it is not among them).
    replayed = await _drain(db, client, index_name, batch_size=500)
    if old_left_behind:
        await delete_index(client, built_as)  # after the swap it holds the old index
    report = ReindexReport(index_name, built_as, loaded, position, replayed, time.monotonic() - started)
    logger.info(
        "reindexed %s: %d documents, %d outbox rows replayed, %.1fs",
        index_name, report.documents, report.replayed, report.seconds,
    )
    return report


async def _bulk_load(
    db: Any,
    client: AsyncClient,
    index_name: str,
    uid: str,
    batch_size: int,
    progress: bool,
    on_batch: Callable[[int], Awaitable[None]] | None,
) -> int:
    async with db.session() as session:
        total = await count_indexable(session)
    index = client.index(uid)
    task_uids: list[int] = []
    loaded = 0
    last_id = 0
    with tqdm(total=total, unit="listing", desc=f"reindex {index_name}", disable=not progress) as bar:
        while True:
            async with db.session() as session:
                ids = await indexable_ids_after(session, last_id, batch_size)
                if not ids:
                    break
                documents = await build_documents(session, ids)
            if documents:
                async with translated_errors(f"loading {uid}"):
                    info = await index.add_documents(list(documents.values()), primary_key="id")
                task_uids.append(info.task_uid)
            loaded += len(documents)
            last_id = ids[-1]
            bar.update(len(ids))
            if on_batch is not None:
                await on_batch(loaded)
        # Enqueued without waiting per batch; every task is checked here.
        await wait_for_tasks(client, task_uids)
    return loaded


async def _swap_in(client: AsyncClient, index_name: str, built_as: str) -> bool:
    """Make ``built_as`` the live ``index_name``.

    Returns True when the indexes were swapped (``built_as`` now holds the old
    index, to be dropped), False when ``built_as`` was renamed (nothing left).
    """
    async with translated_errors(f"swapping {built_as} in as {index_name}"):
        if await index_exists(client, index_name):
            info = await client.swap_indexes([(index_name, built_as)])
            swapped = True
        elif await server_version(client) >= RENAME_SWAP_SINCE:
            # No live index yet: a rename, so that readers go from "no index"
            # (the database fallback answers) straight to the full one.
            info = await client.swap_indexes([(built_as, index_name)], rename=True)
            swapped = False
        else:
            await create_index(client, index_name)  # an empty live index to swap with
            info = await client.swap_indexes([(index_name, built_as)])
            swapped = True
    await wait_for_tasks(client, [info.task_uid])
    return swapped


async def _drop_quietly(client: AsyncClient, uid: str) -> None:
    try:
        await delete_index(client, uid)
    except (SearchUnavailable, SearchTaskFailed) as exc:
        logger.warning("could not drop the half-built index %s (the next reindex will): %s", uid, exc)


async def prepare_index(
    db: Any, client: AsyncClient, index_name: str, *, progress: bool = False
) -> Literal["reindexed", "updated", "unchanged", "created"]:
    """At start-up: build the index if it is missing or its SETTINGS_VERSION is old
    (the document shape changed), else apply changed settings in place."""
    if not await index_exists(client, index_name) or (
        await stored_settings_version(client, index_name) != index_config.SETTINGS_VERSION
    ):
        await reindex(db, client, index_name, progress=progress)
        return "reindexed"
    return await ensure_index(client, index_name)


__all__ = [
    "ReindexReport",
    "apply_documents",
    "consumer_lock",
    "drain_outbox",
    "outbox_size",
    "prepare_index",
    "reindex",
    "run_worker",
]
