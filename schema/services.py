"""What a served process hands the API besides its database (built by ``tirek.wiring``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from search.contract import ListingSearch

#: Seconds between the polls of a live notification subscription (the bus wakes it sooner).
NOTIFICATION_POLL_INTERVAL = 1.0

Hook = Callable[[], Awaitable[None]]


@dataclass
class Services:
    """The catalogue search, the search's health probe (None: no search server to probe), how
    often live subscriptions poll, and the work started with the process and stopped with it
    (the outbox worker, the reminder loops), in order. ``index_version`` reads the search index's
    change count (search/versions.py; None: no index whose answers may be reused)."""

    listing_search: ListingSearch | None = None
    search_health: Callable[[], Awaitable[bool]] | None = None
    index_version: Callable[[], Awaitable[int | None]] | None = None
    notification_poll_interval: float = NOTIFICATION_POLL_INTERVAL
    on_startup: list[Hook] = field(default_factory=list)
    on_shutdown: list[Hook] = field(default_factory=list)

    def extend(self, other: Services) -> Services:
        """Also start and stop ``other``'s work, after this one's."""
        self.on_startup += other.on_startup
        self.on_shutdown += other.on_shutdown
        return self
