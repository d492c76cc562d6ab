"""Relay connections with opaque keyset cursors; page size capped at 100."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from marketplace.errors import DomainError, ErrorCode
from schema.core.ids import INTEGER_MAX

MAX_PAGE = 100
DEFAULT_PAGE = 20

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]

    @strawberry.field(description="How many items the filters match over all pages (counted only when asked).")
    async def total_count(self) -> int:
        return await self.count()


def counter(info: Any, service: Callable[..., Awaitable[Any]], *args: Any, **filters: Any) -> Callable[[], Awaitable[int]]:
    """``totalCount`` of a connection: the list service called again with the same filters and
    ``count_only=True`` (in a session of its own, when the field is selected)."""

    async def count() -> int:
        async with info.context.db.session() as session:
            return int(await service(session, info.context.viewer, *args, count_only=True, **filters))

    return count


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, max_integer: int = INTEGER_MAX) -> list[Any] | None:
    """The values of a cursor: up to 4 integers (within ``max_integer``: a forged id past the
    column's range would reach the database and fail there, an INTERNAL error) and short strings."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after") from exc
    if not isinstance(values, list) or len(values) > 4 or len(cursor) > 500 or not all(
        (isinstance(v, int) and not isinstance(v, bool) and -max_integer <= v <= max_integer)
        or (isinstance(v, str) and len(v) <= 64)
        for v in values
    ):
        raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
    return values


def decode_id_cursor(after: str | None, max_id: int = INTEGER_MAX) -> int | None:
    """The id in a cursor of a list ordered by id (``encode_cursor([id])``), or None without one."""
    values = decode_cursor(after, max_id)
    if values is None:
        return None
    if len(values) != 1 or isinstance(values[0], bool) or not isinstance(values[0], int):
        raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
    return values[0]


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and {most}.", "first", most=MAX_PAGE)
    return first


def build_connection(
    rows: Sequence[Any],
    first: int,
    key: Callable[[Any], Sequence[Any]],
    wrap: Callable[[Any], T],
    count: Callable[[], Awaitable[int]],
    has_previous: bool = False,
) -> Connection[T]:
    """``rows`` holds up to first + 1 items: the extra one tells there is a next page."""
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [Edge(cursor=encode_cursor(key(r)), node=wrap(r)) for r in rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


async def service_connection(
    info: Any,
    service: Callable[..., Awaitable[Sequence[Any]]],
    *args: Any,
    first: int | None,
    after: str | None,
    wrap: Callable[[Any], T],
    key: Callable[[Any], Sequence[Any]] | None = None,
    page_names: tuple[str, str] = ("first", "after"),
    **filters: Any,
) -> Connection[T]:
    """One page of a list service as a connection: ``service(session, viewer, *args, **filters)``
    with the page size and the decoded cursor (passed as ``page_names``, the service's own names
    for them), and ``totalCount`` counted by the same service with the same filters.

    ``key``: the sort values a cursor holds; None for a list ordered by id (``decode_id_cursor``)."""
    size = page_size(first)
    cursor = decode_id_cursor(after) if key is None else decode_cursor(after)
    size_name, cursor_name = page_names
    async with info.context.db.session() as session:
        rows = await service(session, info.context.viewer, *args, **filters, **{size_name: size, cursor_name: cursor})
    return build_connection(rows, size, key=key or _by_id, wrap=wrap, count=counter(info, service, *args, **filters),
                            has_previous=after is not None)


def _by_id(row: Any) -> list[Any]:
    return [row.id]
