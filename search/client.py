"""The Meilisearch connection: the client, task checks, and the index's settings.

Every failure to reach Meilisearch (connection refused, timeout, a 5xx) is
raised as ``SearchUnavailable``; a task Meilisearch accepted but could not
carry out is raised as ``SearchTaskFailed``. Callers never see the SDK's or
httpx's exception zoo.

``ensure_index`` creates the index if needed and applies
``search.settings.index_settings()`` when the stored fingerprint differs. The
fingerprint lives in a small side index (``META_INDEX``) with one document
per index uid, because a Meilisearch index has no metadata of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any, Final, Literal

import httpx2
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchCommunicationError, MeilisearchError
from meilisearch_python_sdk.errors import MeilisearchTimeoutError
from meilisearch_python_sdk.models.task import TaskResult

from search import settings as index_config

logger = logging.getLogger("tirek.search")

META_INDEX: Final = "tirek-search-meta"
DEFAULT_TIMEOUT_S: Final = 10
TASK_TIMEOUT_S: Final = 300.0
_INDEX_UID = re.compile(r"^[A-Za-z0-9_-]{1,400}$")


class SearchUnavailable(RuntimeError):
    """Meilisearch cannot be reached (down, unreachable, timing out, 5xx)."""


class SearchRefused(RuntimeError):
    """Meilisearch is there and refused this one request (a 4xx: a payload it cannot read, a filter
    the index's settings do not allow). Not an outage: other requests are unaffected."""


class SearchTaskFailed(RuntimeError):
    """Meilisearch accepted a task and then failed it (bad document, bad settings, ...)."""

    def __init__(self, message: str, tasks: list[TaskResult] | None = None) -> None:
        super().__init__(message)
        self.tasks = tasks or []


# Uncompressed answers. With httpx's default ``Accept-Encoding: gzip, deflate``
# Meilisearch gzips every search answer and sends it chunked, the last chunk in
# a write of its own; Nagle's algorithm on the server holds that write until the
# client's delayed ACK (40 ms on Linux), so one search in eight took 40-50 ms
# instead of 2 (bench/search.py found it). Our answers are ids and facet counts,
# a few kB: nothing to gain from compressing them.
CLIENT_HEADERS: Final = {"Accept-Encoding": "identity"}


def make_client(url: str, api_key: str | None = None, *, timeout: int = DEFAULT_TIMEOUT_S) -> AsyncClient:
    return AsyncClient(url, api_key or None, timeout=timeout, custom_headers=dict(CLIENT_HEADERS))


def client_from_settings(settings: Any, *, timeout: int = DEFAULT_TIMEOUT_S) -> AsyncClient | None:
    """A client for ``settings.meili_url`` (``marketplace.settings.Settings``), or None if unset."""
    url = getattr(settings, "meili_url", None)
    if not url:
        return None
    return make_client(url, getattr(settings, "meili_key", None), timeout=timeout)


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means "Meilisearch is not there right now", not "the request is wrong"."""
    if isinstance(exc, SearchUnavailable):
        return True
    if isinstance(exc, (MeilisearchCommunicationError, MeilisearchTimeoutError, httpx2.TransportError)):
        return True
    if isinstance(exc, MeilisearchApiError):
        return exc.status_code >= 500
    if isinstance(exc, httpx2.HTTPStatusError):
        return exc.response.status_code >= 500
    # The SDK wraps transport errors it does not classify (a read timeout) in the base class.
    return type(exc) is MeilisearchError


@asynccontextmanager
async def translated_errors(what: str) -> AsyncIterator[None]:
    """Re-raise "cannot reach Meilisearch" errors as ``SearchUnavailable``."""
    try:
        yield
    except (MeilisearchError, httpx2.HTTPError) as exc:
        if is_unavailable(exc):
            raise SearchUnavailable(f"Meilisearch unavailable during {what}: {exc}") from exc
        raise


def check_index_uid(uid: str) -> str:
    if not _INDEX_UID.match(uid):
        raise ValueError(f"invalid Meilisearch index uid {uid!r}: use letters, digits, - and _")
    return uid


# -- tasks -----------------------------------------------------------------------
async def wait_for_tasks(
    client: AsyncClient, task_uids: Iterable[int], *, timeout_s: float = TASK_TIMEOUT_S
) -> list[TaskResult]:
    """Wait for every task and check its status; raise ``SearchTaskFailed`` if any failed.

    Tasks of one index run in order, so after the first wait the rest are
    usually finished already and cost one GET each.
    """
    results: list[TaskResult] = []
    async with translated_errors("waiting for tasks"):
        for uid in task_uids:
            try:
                results.append(
                    await client.wait_for_task(uid, timeout_in_ms=int(timeout_s * 1000), interval_in_ms=25)
                )
            except MeilisearchTimeoutError as exc:
                raise SearchUnavailable(f"Meilisearch task {uid} not finished after {timeout_s:.0f}s") from exc
    failed = [r for r in results if r.status != "succeeded"]
    if failed:
        detail = "; ".join(f"task {r.uid} ({r.task_type}) {r.status}: {(r.error or {}).get('message', '')}" for r in failed)
        raise SearchTaskFailed(detail, failed)
    return results


async def prune_tasks(client: AsyncClient, *, keep: dt.timedelta = dt.timedelta(hours=1)) -> int | None:
    """Delete finished tasks older than ``keep`` (Meilisearch's task store has a size limit).

    Returns the uid of the deletion task, or None if Meilisearch refused or is down.
    It is housekeeping: a failure is logged, never raised.
    """
    # The SDK appends "Z" itself: it wants a naive UTC datetime.
    before = (dt.datetime.now(dt.UTC) - keep).replace(tzinfo=None)
    try:
        info = await client.delete_tasks(statuses=["succeeded", "failed", "canceled"], before_enqueued_at=before)
    except (MeilisearchError, httpx2.HTTPError) as exc:
        logger.warning("could not prune finished Meilisearch tasks: %s", exc)
        return None
    return info.task_uid


# -- indexes ---------------------------------------------------------------------
async def index_exists(client: AsyncClient, uid: str) -> bool:
    async with translated_errors(f"looking up index {uid}"):
        return await client.get_raw_index(check_index_uid(uid)) is not None


async def index_uids(client: AsyncClient) -> list[str]:
    uids: list[str] = []
    offset, limit = 0, 200
    async with translated_errors("listing indexes"):
        while True:
            page = await client.get_raw_indexes(offset=offset, limit=limit) or []
            uids.extend(i.uid for i in page)
            if len(page) < limit:
                return uids
            offset += limit


async def server_version(client: AsyncClient) -> tuple[int, ...]:
    async with translated_errors("reading the version"):
        version = await client.get_version()
    parts = re.findall(r"\d+", version.pkg_version)[:3]
    return tuple(int(p) for p in parts)


async def create_index(client: AsyncClient, uid: str, *, apply_settings: bool = True) -> None:
    """Create ``uid`` (primary key ``id``) and apply the settings; an existing index is fine."""
    check_index_uid(uid)
    async with translated_errors(f"creating index {uid}"):
        info = await client.http_client.post("indexes", json={"uid": uid, "primaryKey": index_config.PRIMARY_KEY})
        if info.status_code >= 500:
            raise SearchUnavailable(f"Meilisearch answered {info.status_code} creating {uid}")
        if info.status_code >= 400:
            raise SearchTaskFailed(f"cannot create index {uid}: {info.text}")
        task_uid = int(info.json()["taskUid"])
    try:
        await wait_for_tasks(client, [task_uid])
    except SearchTaskFailed as exc:
        if not all((t.error or {}).get("code") == "index_already_exists" for t in exc.tasks):
            raise
    if apply_settings:
        await apply_index_settings(client, uid)


async def apply_index_settings(client: AsyncClient, uid: str) -> None:
    """Apply the settings in code, wait for them, and record their fingerprint."""
    async with translated_errors(f"updating settings of {uid}"):
        task = await client.index(uid).update_settings(index_config.index_settings())
    await wait_for_tasks(client, [task.task_uid])
    await write_fingerprint(client, uid, index_config.settings_fingerprint())


async def ensure_index(client: AsyncClient, uid: str) -> Literal["created", "updated", "unchanged"]:
    """Make ``uid`` exist with the current settings, before documents are added to it.

    The fingerprint (``SETTINGS_VERSION`` + settings hash) is compared with the
    stored one; when it differs the settings are applied in place (Meilisearch
    keeps serving the old state until the settings task finishes). A changed
    ``SETTINGS_VERSION`` means the document shape changed too: run ``reindex``.
    """
    if not await index_exists(client, uid):
        await create_index(client, uid)
        logger.info("created Meilisearch index %s (%s)", uid, index_config.settings_fingerprint())
        return "created"
    stored = await read_fingerprint(client, uid)
    if stored == index_config.settings_fingerprint():
        return "unchanged"
    logger.info("applying search settings %s to %s (was %s)", index_config.settings_fingerprint(), uid, stored)
    await apply_index_settings(client, uid)
    return "updated"


async def delete_index(client: AsyncClient, uid: str, *, wait: bool = True) -> None:
    """Delete an index and its stored fingerprint; a missing index is fine."""
    check_index_uid(uid)
    async with translated_errors(f"deleting index {uid}"):
        task = await client.index(uid).delete()
        meta = await client.index(META_INDEX).delete_document(uid) if await _meta_exists(client) else None
    if wait:
        results = await _wait_lenient(client, [task.task_uid] + ([meta.task_uid] if meta else []))
        for r in results:
            if r.status != "succeeded" and (r.error or {}).get("code") not in ("index_not_found",):
                raise SearchTaskFailed(f"deleting {uid}: {(r.error or {}).get('message')}", [r])


async def _wait_lenient(client: AsyncClient, uids: list[int]) -> list[TaskResult]:
    try:
        return await wait_for_tasks(client, uids)
    except SearchTaskFailed as exc:
        return exc.tasks


# -- the fingerprint store -------------------------------------------------------
async def _meta_exists(client: AsyncClient) -> bool:
    return await client.get_raw_index(META_INDEX) is not None


async def read_fingerprint(client: AsyncClient, uid: str) -> str | None:
    async with translated_errors("reading the settings fingerprint"):
        try:
            doc = await client.index(META_INDEX).get_document(uid)
        except MeilisearchApiError as exc:
            if exc.code in ("document_not_found", "index_not_found"):
                return None
            raise
    value = doc.get("fingerprint")
    return value if isinstance(value, str) else None


async def write_fingerprint(client: AsyncClient, uid: str, fingerprint: str) -> None:
    doc = {
        "id": uid,
        "fingerprint": fingerprint,
        "settings_version": index_config.SETTINGS_VERSION,
        "updated_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    async with translated_errors("writing the settings fingerprint"):
        task = await client.index(META_INDEX).add_documents([doc], primary_key="id")
    await wait_for_tasks(client, [task.task_uid])


async def stored_settings_version(client: AsyncClient, uid: str) -> int | None:
    fingerprint = await read_fingerprint(client, uid)
    match = re.match(r"^v(\d+)-", fingerprint or "")
    return int(match.group(1)) if match else None
