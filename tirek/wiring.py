"""The services of a served process, put together: the catalogue search with its health probe and outbox worker, and the upkeep loops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from marketplace.catalog.administration import apply_scheduled_caps
from marketplace.db import Database
from marketplace.notifications.services import run_term_reminders
from marketplace.quotes.services import expire_quotes
from marketplace.settings import Settings
from marketplace.upkeep import run_periodically
from schema.services import Services
from search.client import client_from_settings
from search.indexer import prepare_index, run_worker
from search.resilient import make_listing_search
from search.versions import IndexVersion

log = logging.getLogger("tirek.wiring")


def search_services(settings: Settings, db: Database, *, run_indexer: bool = True) -> Services:
    """The catalogue search of this process, its health probe, and the outbox worker.

    Without TIREK_MEILI_URL search is served from the database, with a warning.
    """
    client = client_from_settings(settings)
    services = Services(listing_search=make_listing_search(db, client, settings.meili_index))
    if client is None:
        return services

    async def search_health() -> bool:
        try:
            return (await client.health()).status == "available"
        except Exception:  # noqa: BLE001 - a probe reports, it does not raise
            return False

    services.search_health = search_health
    services.index_version = IndexVersion(db, settings.meili_index).current

    async def prepare() -> None:
        try:
            outcome = await prepare_index(db, client, settings.meili_index)
            log.info("search index %s: %s", settings.meili_index, outcome)
        except Exception:  # noqa: BLE001 - the worker retries; search falls back meanwhile
            log.warning("search index not prepared at start-up; the worker will catch up", exc_info=True)

    async def close() -> None:
        await client.aclose()

    services.on_startup.append(prepare)
    if run_indexer:
        _add_background_loop(services, lambda stop: run_worker(db, client, settings.meili_index, stop=stop))
    services.on_shutdown.append(close)  # after the worker has stopped
    return services


def _add_background_loop(services: Services, loop: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Start ``loop(stop)`` as a task at start-up; at shutdown set ``stop`` and give it 10 s to finish."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start() -> None:
        tasks.append(asyncio.create_task(loop(stop)))

    async def shutdown() -> None:
        stop.set()
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()

    services.on_startup.append(start)
    services.on_shutdown.append(shutdown)


def reminder_services(settings: Settings, db: Database) -> Services:
    """The background loops that tell officers of terms about to be missed (see
    ``marketplace.notifications.services.run_term_reminders``) and expire quotes past their term
    and apply the price caps set ahead (``marketplace.upkeep``); nothing when the interval is 0."""
    services = Services()
    if settings.term_reminder_interval <= 0:
        return services
    every = settings.term_reminder_interval
    _add_background_loop(services, lambda stop: run_term_reminders(db, every_seconds=every, stop=stop))
    # On the same hourly beat: quotes left unanswered or unordered past their term expire, and
    # price caps set ahead take effect on their date.
    _add_background_loop(services, lambda stop: run_periodically(
        lambda: expire_quotes(db), "quotes expired", every_seconds=every, stop=stop))
    _add_background_loop(services, lambda stop: run_periodically(
        lambda: apply_scheduled_caps(db), "price caps taking effect", every_seconds=every, stop=stop))
    return services


def process_services(settings: Settings, db: Database) -> Services:
    """Everything a served process runs besides answering requests: search and reminders."""
    return search_services(settings, db).extend(reminder_services(settings, db))
