"""DataLoader plumbing: one loader per relation, one IN (...) query per batch.

``db`` is the request's ``schema.context.RequestDatabase``: during a query its
``session()`` is the request's one shared session, handed to one batch at a
time (an AsyncSession must never be used by two fields concurrently), so a
request's batches share one connection and one transaction; otherwise (a
mutation's payload, a subscription) each batch opens a session of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement
from strawberry.dataloader import DataLoader

from marketplace.db import Database

M = TypeVar("M")


def by_primary_key(db: Database, model: type[M]) -> DataLoader[int, M | None]:
    async def load(keys: list[int]) -> list[M | None]:
        async with db.session() as session:
            rows = (await session.execute(select(model).where(model.id.in_(keys)))).scalars().all()  # type: ignore[attr-defined]
        found = {row.id: row for row in rows}  # type: ignore[attr-defined]
        return [found.get(k) for k in keys]

    return DataLoader(load)


def known(loader: DataLoader[Any, Any], key: Any) -> Any | None:
    """What ``loader`` already holds for ``key`` (primed, or loaded earlier in the request), or
    None: a resolver that finds it answers at once instead of awaiting the loader (a page of
    search hits then completes without one coroutine per hit and relation)."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return None
    return future.result()


async def related(loader: DataLoader[Any, Any], key: Any | None, shape: Any) -> Any | None:
    """``shape.from_model`` of the row ``loader`` gives for ``key``: an optional relation, None
    when there is no key or no such row."""
    if key is None:
        return None
    row = await loader.load(key)
    return shape.from_model(row) if row else None


async def related_many(loader: DataLoader[Any, Any], keys: Sequence[Any], shape: Any) -> list[Any]:
    """``shape.from_model`` of each row ``loader`` gives for ``keys``, in their order, leaving out
    the keys without a row."""
    rows = await loader.load_many(keys)
    return [shape.from_model(row) for row in rows if row is not None]


def many_by(
    db: Database,
    key_column: ColumnElement[Any],
    query: Callable[[Sequence[int]], Any],
    key_of: Callable[[Any], int],
    value_of: Callable[[Any], Any] = lambda row: row,
) -> DataLoader[int, list[Any]]:
    """A loader of lists: ``query(keys)`` returns rows, grouped by ``key_of``."""

    async def load(keys: list[int]) -> list[list[Any]]:
        async with db.session() as session:
            rows = (await session.execute(query(keys))).all()
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[key_of(row)].append(value_of(row))
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load)


def document_of(db: Database, subject: Any) -> DataLoader[int, Any]:
    """The result document of each application or claim id (``marketplace.documents``), or None."""
    from marketplace.documents.services import documents_of_subjects

    async def load(keys: list[int]) -> list[Any]:
        async with db.session() as session:
            found = await documents_of_subjects(session, subject, list(keys))
        return [found.get(k) for k in keys]

    return DataLoader(load)
