"""The search a deployment uses: Meilisearch first, the database when Meilisearch is down.

``ResilientListingSearch`` tries Meilisearch; when it is down, a logged warning and the database,
and Meilisearch is retried after a pause. ``make_listing_search`` builds the right one for a
deployment.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from meilisearch_python_sdk import AsyncClient

from search.client import SearchRefused, SearchUnavailable
from search.contract import CleanListingSearch, ListingFilter, ListingSearch, ListingSort, Page, SearchResult
from search.fallback import DatabaseListingSearch
from search.meili import MeilisearchListingSearch

logger = logging.getLogger("tirek.search")


class ResilientListingSearch(CleanListingSearch):
    """Meilisearch when it answers; the database (with a logged warning) when it does not.

    After Meilisearch could not be reached it is skipped for ``retry_after`` seconds, so a
    down server does not cost every request a connection timeout. A request Meilisearch
    refused (``SearchRefused``, a 4xx) is answered by the database alone and opens nothing.
    """

    def __init__(
        self, primary: CleanListingSearch, fallback: CleanListingSearch, *, retry_after: float = 15.0
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_after = retry_after
        self._skip_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._skip_until

    async def search_page(self, page: Page, filters: ListingFilter, sort: ListingSort | None) -> SearchResult:
        # Validated once, by ``search``: a refusal reads the same whichever backend answers.
        if not self.degraded:
            try:
                result = await self.primary.search_page(page, filters, sort)
            except SearchRefused as exc:
                # Said loudly (the index's settings may be behind the code's), but no outage: only an
                # unreachable server opens the breaker, or one request every 15 s would keep it open.
                logger.error("Meilisearch refused a search on its own; the database answers it: %s", exc)
                return await self.fallback.search_page(page, filters, sort)
            except SearchUnavailable as exc:
                logger.warning(
                    "search falls back to the database for %.0fs: %s", self.retry_after, exc
                )
                self._skip_until = time.monotonic() + self.retry_after
            else:
                if self._skip_until:
                    logger.info("search is served by Meilisearch again")
                    self._skip_until = 0.0
                return result
        return await self.fallback.search_page(page, filters, sort)


def make_listing_search(
    db: Any, client: AsyncClient | None, index_name: str = "listings", *, retry_after: float = 15.0
) -> ListingSearch:
    """The search a deployment uses: Meilisearch with the database as fallback,
    or the database alone (with a warning) when no Meilisearch is configured."""
    database = DatabaseListingSearch(db)
    if client is None:
        logger.warning("no Meilisearch configured (TIREK_MEILI_URL): searchListings uses the database")
        return database
    return ResilientListingSearch(
        MeilisearchListingSearch(client, index_name), database, retry_after=retry_after
    )
