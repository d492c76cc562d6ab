"""Where the national data set's rows go: PostgreSQL by ``COPY`` (asyncpg), SQLite by ``executemany``
on its own connection, each chunk in one transaction; values converted per column from the models' types."""

from __future__ import annotations

import abc
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import JSON, Boolean, Date, Time
from sqlalchemy.engine import make_url

from marketplace.db import ExactDecimal, UTCDateTime
from marketplace.models import Base  # every table, for the converters


def columns_of(model: type[Base], *, left_to_defaults: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The model's columns in the order it declares them, less those the generator leaves to their
    defaults: a column added to a model is generated, or named here, or the load fails."""
    columns = tuple(c.name for c in model.__table__.columns)
    unknown = set(left_to_defaults) - set(columns)
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    return tuple(c for c in columns if c not in left_to_defaults)


# -- one converter per kind of column: a generated value (None stays None) as the driver takes it --
def _hundredths_as_decimal(v: Any) -> Any:
    return None if v is None else Decimal(v).scaleb(-2)


def _epoch_as_utc_datetime(v: Any) -> Any:
    return None if v is None else dt.datetime.fromtimestamp(v, dt.UTC)


def _epoch_as_sqlite_timestamp(v: Any) -> Any:
    return None if v is None else dt.datetime.fromtimestamp(v, dt.UTC).isoformat(" ", "microseconds")[:26]


def _as_json_text(v: Any) -> Any:
    return None if v is None else json.dumps(v, ensure_ascii=False)


def _date_as_iso(v: Any) -> Any:
    return None if v is None else v.isoformat()


def _time_as_iso(v: Any) -> Any:
    return None if v is None else v.isoformat("microseconds")


def _bool_as_int(v: Any) -> Any:
    return None if v is None else int(v)


def _converters(dialect: str, table: str, columns: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """Per column, how a generated value becomes what the driver expects (None: as it is).

    Generated values: money and quantities as integer hundredths, timestamps as
    epoch seconds (UTC), dates and times as ``date``/``time``, JSON as Python data.
    """
    out: list[Callable[[Any], Any] | None] = []
    cols = Base.metadata.tables[table].c
    for name in columns:
        t = cols[name].type
        f: Callable[[Any], Any] | None = None
        if isinstance(t, ExactDecimal):
            if dialect == "postgresql":
                f = _hundredths_as_decimal
        elif isinstance(t, UTCDateTime):
            f = _epoch_as_utc_datetime if dialect == "postgresql" else _epoch_as_sqlite_timestamp
        elif isinstance(t, JSON):
            f = _as_json_text
        elif dialect == "sqlite" and isinstance(t, Date):
            f = _date_as_iso
        elif dialect == "sqlite" and isinstance(t, Time):
            f = _time_as_iso
        elif dialect == "sqlite" and isinstance(t, Boolean):
            f = _bool_as_int
        out.append(f)
    return out


@dataclass
class Batch:
    """Rows for one table, in its columns' order."""

    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


class Sink(abc.ABC):
    """Where generated rows go: PostgreSQL (COPY) or SQLite (executemany)."""

    dialect: str
    deferred_keys = False  # foreign keys are checked by ``check_foreign_keys`` rather than row by row

    @abc.abstractmethod
    async def query(self, sql: str) -> list[tuple[Any, ...]]: ...

    @abc.abstractmethod
    async def write(self, batches: Sequence[Batch]) -> None: ...

    @abc.abstractmethod
    async def execute(self, sql: str) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def scalar(self, sql: str) -> Any:
        rows = await self.query(sql)
        return rows[0][0] if rows else None

    def _prepared(self, batch: Batch) -> list[tuple[Any, ...]]:
        convs = _converters(self.dialect, batch.table, batch.columns)
        if not any(convs):
            return batch.rows
        pairs = [(i, f) for i, f in enumerate(convs) if f is not None]
        out = []
        for row in batch.rows:
            r = list(row)
            for i, f in pairs:
                r[i] = f(r[i])
            out.append(tuple(r))
        return out


class SqliteSink(Sink):
    """Its own sqlite3 connection: ``executemany`` in one transaction per chunk, synchronous=OFF."""

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=60)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "foreign_keys=ON", "cache_size=-262144",
                       "temp_store=MEMORY", "busy_timeout=60000"):
            self.conn.execute(f"PRAGMA {pragma}")

    async def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql).fetchall()

    async def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    async def write(self, batches: Sequence[Batch]) -> None:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for b in batches:
                if b.rows:
                    marks = ", ".join("?" * len(b.columns))
                    cur.executemany(f"INSERT INTO {b.table} ({', '.join(b.columns)}) VALUES ({marks})",
                                    self._prepared(b))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    async def close(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


class PostgresSink(Sink):
    """Its own asyncpg connection: ``COPY`` (binary) in one transaction per chunk."""

    dialect = "postgresql"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @classmethod
    async def connect(cls, dsn: str) -> PostgresSink:
        conn = await asyncpg.connect(dsn)
        await conn.execute("SET synchronous_commit = off")
        sink = cls(conn)
        # Bulk-load practice: with the right to, skip the foreign-key triggers (one lookup per
        # key per row, over half the load time) and check every key in one pass at the end.
        if await conn.fetchval("SELECT current_setting('is_superuser') = 'on'"):
            await conn.execute("SET session_replication_role = replica")
            sink.deferred_keys = True
        return sink

    async def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.conn.fetch(sql)]

    async def execute(self, sql: str) -> None:
        await self.conn.execute(sql)

    async def write(self, batches: Sequence[Batch]) -> None:
        async with self.conn.transaction():
            for b in batches:
                if b.rows:
                    await self.conn.copy_records_to_table(b.table, records=self._prepared(b), columns=list(b.columns))

    async def close(self) -> None:
        await self.conn.close()


async def open_sink(url: str) -> Sink:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if not u.database or u.database == ":memory:":
            raise ValueError("generate needs a SQLite file, not an in-memory database")
        return SqliteSink(u.database)
    if u.get_backend_name() == "postgresql":
        return await PostgresSink.connect(u.set(drivername="postgresql").render_as_string(hide_password=False))
    raise ValueError(f"unsupported database {u.get_backend_name()!r}")
