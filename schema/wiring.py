"""Putting the process together: settings, database, search, and the ASGI app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette

from marketplace.db import Database
from marketplace.settings import Settings, get_settings
from schema.app import create_app

log = logging.getLogger("tirek.wiring")


def search_services(settings: Settings, db: Database, *, run_indexer: bool = True) -> dict[str, Any]:
    """The catalogue search of this process, its health probe, and the outbox worker.

    Without TIREK_MEILI_URL search is served from the database, with a warning.
    """
    from search.client import client_from_settings
    from search.query import make_listing_search

    client = client_from_settings(settings)
    services: dict[str, Any] = {"on_startup": [], "on_shutdown": []}
    services["listing_search"] = make_listing_search(db, client, settings.meili_index)
    if client is None:
        return services

    async def search_health() -> bool:
        try:
            return (await client.health()).status == "available"
        except Exception:  # noqa: BLE001 - a probe reports, it does not raise
            return False

    services["search_health"] = search_health

    async def prepare() -> None:
        from search.indexer import prepare_index

        try:
            outcome = await prepare_index(db, client, settings.meili_index)
            log.info("search index %s: %s", settings.meili_index, outcome)
        except Exception:  # noqa: BLE001 - the worker retries; search falls back meanwhile
            log.warning("search index not prepared at start-up; the worker will catch up", exc_info=True)

    async def close() -> None:
        await client.aclose()

    services["on_startup"].append(prepare)
    if run_indexer:
        from search.indexer import run_worker

        _add_background_loop(services, lambda stop: run_worker(db, client, settings.meili_index, stop=stop))
    services["on_shutdown"].append(close)  # after the worker has stopped
    return services


def _add_background_loop(services: dict[str, Any], loop: Callable[[asyncio.Event], Awaitable[None]]) -> None:
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

    services["on_startup"].append(start)
    services["on_shutdown"].append(shutdown)


def reminder_services(settings: Settings, db: Database) -> dict[str, Any]:
    """The background loops that tell officers of terms about to be missed (see
    ``marketplace.notifications.services.run_term_reminders``) and expire quotes past their term
    and apply the price caps set ahead (``marketplace.upkeep``); nothing when the interval is 0."""
    services: dict[str, Any] = {"on_startup": [], "on_shutdown": []}
    if settings.term_reminder_interval <= 0:
        return services
    from marketplace.notifications.services import run_term_reminders

    from marketplace.catalog.administration import apply_scheduled_caps
    from marketplace.quotes.services import expire_quotes
    from marketplace.upkeep import run_periodically

    every = settings.term_reminder_interval
    _add_background_loop(services, lambda stop: run_term_reminders(db, every_seconds=every, stop=stop))
    # On the same hourly beat: quotes left unanswered or unordered past their term expire, and
    # price caps set ahead take effect on their date.
    _add_background_loop(services, lambda stop: run_periodically(
        lambda: expire_quotes(db), "quotes expired", every_seconds=every, stop=stop))
    _add_background_loop(services, lambda stop: run_periodically(
        lambda: apply_scheduled_caps(db), "price caps taking effect", every_seconds=every, stop=stop))
    return services


def process_services(settings: Settings, db: Database) -> dict[str, Any]:
    """Everything a served process runs besides answering requests: search and reminders."""
    services = search_services(settings, db)
    reminders = reminder_services(settings, db)
    services["on_startup"] += reminders["on_startup"]
    services["on_shutdown"] += reminders["on_shutdown"]
    return services


def build_application(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    db = Database(settings.database_url, **settings.engine_options())
    return create_app(settings=settings, db=db, services=process_services(settings, db))
