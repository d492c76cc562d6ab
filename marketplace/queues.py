"""The officers' work queues (claims, applications, quotes), ordered by due date: their keyset
cursor, the page query, what is overdue in them and the overdue count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.db import count_rows
from marketplace.errors import DomainError, ErrorCode


def due_date_cursor(due_date: dt.date, pk: int) -> list[Any]:
    """The keyset of an item in a queue soonest due first (for ``schema.core.pagination``'s opaque cursors)."""
    return [due_date.isoformat(), pk]


def parse_due_date_cursor(after: Sequence[Any] | None) -> tuple[dt.date, int] | None:
    """``after`` as (due date, id), or None; anything else is INVALID."""
    if after is None:
        return None
    bad = DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
    if isinstance(after, str | bytes) or len(after) != 2:
        raise bad
    raw_date, raw_id = after
    if not isinstance(raw_date, str) or isinstance(raw_id, bool) or not isinstance(raw_id, int):
        raise bad
    try:
        return dt.date.fromisoformat(raw_date), raw_id
    except ValueError as exc:
        raise bad from exc


def due_date_page(
    model: Any, conditions: Sequence[Any], after: Sequence[Any] | None, first: int, *, ascending: bool = True,
) -> Select[Any]:
    """The rows of ``model`` (which has ``due_date`` and ``id``) meeting ``conditions``, by (due date,
    id) soonest due first (``ascending``) or latest first, after the cursor ``after``
    (``due_date_cursor`` of the previous page's last row); up to ``first + 1`` rows, an extra row
    meaning there is a next page."""
    where = list(conditions)
    cursor = parse_due_date_cursor(after)
    if cursor is not None:
        due, pk = cursor
        if ascending:
            where.append((model.due_date > due) | ((model.due_date == due) & (model.id > pk)))
        else:
            where.append((model.due_date < due) | ((model.due_date == due) & (model.id < pk)))
    order = (model.due_date.asc(), model.id.asc()) if ascending else (model.due_date.desc(), model.id.desc())
    return select(model).where(*where).order_by(*order).limit(first + 1)


def queue_order_ascending(viewer: Viewer) -> bool:
    """Officers and admins work a queue (soonest due first); recipients and providers see newest first."""
    return viewer.role in (Role.LOCAL_BODY, Role.ADMIN)


def overdue(model: Any, awaiting: Any) -> list[Any]:
    """The conditions of an item of ``model`` that is overdue: still ``awaiting`` (the status in
    which it waits for the officer) and past its due date (Almaty today)."""
    return [model.status == awaiting, model.due_date < clock.today()]


async def queue_page(
    session: AsyncSession, model: Any, conditions: Sequence[Any], *, awaiting: Any, overdue_only: bool,
    first: int, after: Sequence[Any] | None, count_only: bool, ascending: bool = True,
) -> list[Any] | int:
    """A page of a queue: the rows of ``model`` meeting ``conditions`` (and overdue, with
    ``overdue_only``) as ``due_date_page`` gives them, or how many there are (``count_only``)."""
    where = [*conditions, *(overdue(model, awaiting) if overdue_only else [])]
    if count_only:
        return await count_rows(session, select(model).where(*where))
    rows = await session.execute(due_date_page(model, where, after, first, ascending=ascending))
    return list(rows.scalars())


async def count_overdue_in(session: AsyncSession, model: Any, conditions: Sequence[Any], awaiting: Any) -> int:
    """How many rows of ``model`` meeting ``conditions`` are overdue (for an officer's dashboard)."""
    stmt = select(func.count()).select_from(model).where(*conditions, *overdue(model, awaiting))
    return int((await session.execute(stmt)).scalar_one())
