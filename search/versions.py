"""The search index's change count (``search_index_versions``): counted up by the outbox worker
and by a reindex once Meilisearch has confirmed a change, read by whatever may reuse an answer
of the index until it changes (``schema.public_answers``).

The count is the database's, not Meilisearch's: Meilisearch has no number that moves with every
change of an index (``updatedAt`` stays put on a document upsert; tasks are renamed by a swap).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.catalog.models import SearchIndexVersion

#: How long a process keeps the count it read before reading it again: an answer may be served
#: for that long after the index changed (the index itself follows the database within a second).
READ_EVERY_SECONDS = 0.25


async def count_change(session: AsyncSession, index_name: str) -> None:
    """One more change of ``index_name`` (in the caller's transaction)."""
    counted = await session.execute(
        update(SearchIndexVersion).where(SearchIndexVersion.index_name == index_name)
        .values(version=SearchIndexVersion.version + 1, changed_at=clock.now())
    )
    if not counted.rowcount:  # type: ignore[attr-defined]
        session.add(SearchIndexVersion(index_name=index_name, version=1, changed_at=clock.now()))
        await session.flush()  # a second count in the same transaction then finds the row


class IndexVersion:
    """The change count of one index as this process knows it: read from the database at most
    every ``READ_EVERY_SECONDS`` (concurrent callers share one read); None while it cannot be
    read, so nothing is reused then."""

    def __init__(self, db: Any, index_name: str, read_every: float = READ_EVERY_SECONDS) -> None:
        self.db = db
        self.index_name = index_name
        self.read_every = read_every
        self._value: int | None = None
        self._read_at = float("-inf")
        self._reading: asyncio.Future[int | None] | None = None

    async def current(self) -> int | None:
        if time.monotonic() - self._read_at < self.read_every:
            return self._value
        if self._reading is not None:
            return await asyncio.shield(self._reading)
        reading = self._reading = asyncio.get_running_loop().create_future()
        value: int | None = None
        try:
            value = await self._read()
            self._value, self._read_at = value, time.monotonic()
        except Exception:  # noqa: BLE001 - unknown: nothing is reused until it can be read again
            self._value, self._read_at = None, time.monotonic()
        finally:  # also when the reading request is cancelled: the others get None, never a hang
            self._reading = None
            reading.set_result(value)
        return value

    async def _read(self) -> int | None:
        async with self.db.session() as session:
            found = (await session.execute(select(SearchIndexVersion.version).where(
                SearchIndexVersion.index_name == self.index_name))).scalar()
        return None if found is None else int(found)
