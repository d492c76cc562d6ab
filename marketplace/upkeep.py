"""Upkeep the served app runs on an hourly beat: work that falls due by the calendar (quotes past
their term expire, price caps set ahead take effect). Each job is idempotent, so several API
processes (or cron running the same ``tirek`` command) may run it at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("tirek.upkeep")


async def run_periodically(work: Callable[[], Awaitable[int]], what: str, *, every_seconds: float,
                           stop: asyncio.Event) -> None:
    """``work()`` now and then every ``every_seconds`` until ``stop`` is set; a failed round is
    logged and retried at the next one. ``work`` returns how many things it did."""
    while not stop.is_set():
        try:
            done = await work()
            if done:
                log.info("%s: %d", what, done)
        except Exception:  # noqa: BLE001 - a background loop logs and goes on
            log.warning("%s failed; retrying in %.0f s", what, every_seconds, exc_info=True)
        try:
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)
        except TimeoutError:
            pass
