"""Counting the SQL a block of code sends to the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from marketplace.db import Database


@contextmanager
def sql_statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement the database sees while the block runs."""
    seen: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", listener)
