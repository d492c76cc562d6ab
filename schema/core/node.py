"""The Relay Node interface and the registry ``node(id)`` dispatches through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from marketplace.errors import not_found

# type name -> async fetcher(info, pk) that applies the viewer's scope and
# returns the GraphQL object, or raises NOT_FOUND.
NODE_FETCHERS: dict[str, Callable[[Any, int], Awaitable[Any]]] = {}


@strawberry.interface(description="An object with a global id.")
class Node:
    id: strawberry.ID


def node_fetcher(type_name: str) -> Callable[[Callable[[Any, int], Awaitable[Any]]], Callable[[Any, int], Awaitable[Any]]]:
    def register(fn: Callable[[Any, int], Awaitable[Any]]) -> Callable[[Any, int], Awaitable[Any]]:
        NODE_FETCHERS[type_name] = fn
        return fn

    return register


def node_from_service(type_name: str, get: Callable[..., Awaitable[Any]], wrap: Callable[[Any], Any]
                      ) -> Callable[[Any, int], Awaitable[Any]]:
    """The fetcher of a type a service reads one at a time in the viewer's scope
    (``get(session, viewer, pk)``, NOT_FOUND outside it), registered for ``node(id)``."""

    async def fetch(info: strawberry.Info, pk: int) -> Any:
        async with info.context.db.session() as session:
            return wrap(await get(session, info.context.viewer, pk))

    NODE_FETCHERS[type_name] = fetch
    return fetch


def node_from_loader(type_name: str, loader: str, wrap: Callable[[Any], Any], what: str
                     ) -> Callable[[Any, int], Awaitable[Any]]:
    """The fetcher of a type anyone may read (a region, a classifier item), by the request's
    DataLoader ``loader``; NOT_FOUND (``what``) when there is no such row. Registered for ``node(id)``."""

    async def fetch(info: strawberry.Info, pk: int) -> Any:
        row = await getattr(info.context.loaders, loader).load(pk)
        if row is None:
            raise not_found(what)
        return wrap(row)

    NODE_FETCHERS[type_name] = fetch
    return fetch
