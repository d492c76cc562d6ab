"""The per-request context: database, settings, the viewer, and its DataLoaders.

**One database session per query.** A query over HTTP reads through one
``AsyncSession`` (one pooled connection, one BEGIN/ROLLBACK) shared by its
resolvers and DataLoaders, instead of a session, a pool checkout and a
transaction per resolver and per loader batch (measured: 8 checkouts for the
recipient's home page). ``RequestDatabase`` wraps the process's ``Database``:
while ``SharedSession`` (the schema extension) has switched sharing on,
``session()`` hands out the request's session to one user at a time (an
``asyncio.Lock``: fields resolve concurrently, an ``AsyncSession`` must not be
used concurrently; re-entrant within a task), and the extension closes it when
the operation ends. Everything else is the plain ``Database``: ``transaction()``
always opens its own write transaction, and mutations, subscriptions (the
websocket's context lives as long as the connection) and code outside an
operation get a session of their own, as before. A mutation's payload is read
with fresh sessions after each mutation has committed, so it never sees a
snapshot from before its own writes (SQLite keeps a read snapshot for a whole
transaction).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from graphql import OperationType
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Language
from marketplace.db import Database
from marketplace.i18n import negotiate
from marketplace.settings import Settings
from schema.services import Services

if TYPE_CHECKING:
    from schema.loaders import Loaders

log = logging.getLogger("tirek.context")


class RequestDatabase:
    """A request's view of the ``Database``: ``session()`` may be the request's shared one."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sharing = False
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    def __getattr__(self, name: str) -> Any:  # engine, url, dialect, sessionmaker, dispose, ...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._db, name)

    @property
    def database(self) -> Database:
        return self._db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._db.transaction() as session:
            yield session

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        if not self._sharing:
            async with self._db.session() as session:
                yield session
            return
        task = asyncio.current_task()
        if self._owner is not None and self._owner is task:  # nested use within the same resolver
            assert self._session is not None
            yield self._session
            return
        async with self._lock:
            self._owner = task
            try:
                if self._session is None:
                    self._session = self._db.sessionmaker()
                try:
                    yield self._session
                except SQLAlchemyError:
                    await self._discard()  # a failed statement spoils the transaction: start afresh
                    raise
            finally:
                self._owner = None

    def share(self) -> None:
        self._sharing = True

    async def release(self) -> None:
        """End sharing and give the connection back (the operation is over)."""
        self._sharing = False
        async with self._lock:
            await self._discard()

    async def _discard(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                await session.close()
            except Exception as exc:  # noqa: BLE001 - a dead connection is invalidated by the pool anyway
                log.debug("closing a request's session: %s", exc)


@dataclass
class Context:
    db: Any  # a RequestDatabase around the process's Database (set from a Database in __post_init__)
    settings: Settings
    viewer: Viewer
    request: Any = None
    response: Any = None
    services: Services = field(default_factory=Services)
    # The payload of a websocket's connection_init (strawberry sets it when the attribute
    # exists); live subscriptions read the bearer token from it.
    connection_params: dict[str, Any] | None = None
    # The backends that answered this request's catalogue searches (schema/public_answers.py keeps
    # an anonymous answer only when Meilisearch gave all of them).
    search_backends: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not isinstance(self.db, RequestDatabase):
            self.db = RequestDatabase(self.db)

    @property
    def language(self) -> Language:
        """The viewer's: its account's language, or for anonymous requests the Accept-Language one."""
        return self.viewer.language

    @cached_property
    def loaders(self) -> "Loaders":
        from schema.loaders import Loaders

        return Loaders(self.db)


def request_viewer(request: Any) -> Viewer:
    """Who sent ``request`` (an HTTP request or a websocket): the account its bearer token names
    (GuardMiddleware resolved it), else an anonymous viewer speaking its Accept-Language."""
    viewer = request.scope.get("tirek.viewer")
    if viewer is not None:
        return viewer
    return Viewer(language=negotiate(request.headers.get("accept-language")))


def _shares(context: Any, operation_type: Any) -> bool:
    if not isinstance(context, Context) or not isinstance(context.db, RequestDatabase):
        return False
    if getattr(operation_type, "value", operation_type) != OperationType.QUERY.value:  # strawberry's or graphql's
        return False
    request = context.request
    return request is None or getattr(request, "scope", {}).get("type", "http") == "http"


class SharedSession(SchemaExtension):
    """Switches a query's resolvers and DataLoaders onto one session, closed when it ends.

    Not for mutations (each payload must read what its mutation committed) nor over a
    websocket (one context serves every operation of the connection)."""

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context.context
        try:
            operation_type = self.execution_context.operation_type
        except Exception:  # noqa: BLE001 - no valid operation: nothing will run
            operation_type = None
        shared = _shares(context, operation_type)
        if shared:
            context.db.share()
        try:
            yield
        finally:
            if shared:
                await context.db.release()
