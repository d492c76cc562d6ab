"""The officers' work queues (claims, applications), ordered by due date: their keyset cursor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

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
