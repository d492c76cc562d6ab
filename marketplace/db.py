"""Database plumbing: the declarative base, column types, the column declarations and CHECK rules
the models share, engine and sessions.

The same models run on SQLite (embedded default) and PostgreSQL (production).
Money and quantities are exact decimals on both: PostgreSQL stores NUMERIC;
SQLite, which has no exact decimal type, stores them as integers scaled by 100.
"""

from __future__ import annotations

import datetime as dt
import enum
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, TypeVar

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, MetaData, Numeric, event, func, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

from marketplace import clock
from marketplace.errors import DomainError, ErrorCode

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A primary key that is BIGINT on PostgreSQL and the rowid alias on SQLite.
BigIntPK = BigInteger().with_variant(Integer, "sqlite")


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(precision, 2) on PostgreSQL; integer hundredths on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 14, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.scale = scale
        self.quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.impl.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        value = Decimal(value).quantize(self.quantum, rounding=ROUND_HALF_UP)
        if dialect.name == "sqlite":
            return int(value.scaleb(self.scale))
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self.quantum)
        return Decimal(value).quantize(self.quantum)

    @property
    def python_type(self) -> type:
        return Decimal


Money = ExactDecimal(14, 2)
Quantity = ExactDecimal(12, 2)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def enum_column(enum_cls: type[enum.Enum]) -> SAEnum:
    """A portable enum stored as its name, with a CHECK constraint."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(m.name) for m in enum_cls) + 4,
        name=enum_cls.__name__.lower(),
    )


def utcnow() -> dt.datetime:
    return clock.now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # A moment needs no column type of its own: ``Mapped[dt.datetime]`` is stored as UTCDateTime
    # (and ``Mapped[dt.date]`` as DATE, by SQLAlchemy's own map).
    type_annotation_map = {dt.datetime: UTCDateTime()}


# -- column declarations the models share -------------------------------------------
# Each is a whole column, written once: ``id: Mapped[PrimaryKey]``, ``total: Mapped[Tenge]``,
# ``person_id: Mapped[PersonId | None]``; a model adds what differs on the right
# (``placed_at: Mapped[WrittenAt] = mapped_column(index=True)``).

#: The primary key of an ordinary table.
PrimaryKey = Annotated[int, mapped_column(Integer, primary_key=True)]
#: The primary key of a table that only grows (audit events, the search outbox, notifications).
BigPrimaryKey = Annotated[int, mapped_column(BigIntPK, primary_key=True, autoincrement=True)]
#: An amount of money, in tenge (NUMERIC(14, 2)).
Tenge = Annotated[Decimal, mapped_column(Money)]
#: A quantity in an item's units (pieces, hours, days: NUMERIC(12, 2)).
Units = Annotated[Decimal, mapped_column(Quantity)]
#: The moment a row was written (created, submitted, placed, issued ...).
WrittenAt = Annotated[dt.datetime, mapped_column(default=utcnow)]
#: The moment a row was written, moved on at every change.
ChangedAt = Annotated[dt.datetime, mapped_column(default=utcnow, onupdate=utcnow)]
#: The audit-friendly version of a row, counted up from 1 at every change a client may race.
Version = Annotated[int, mapped_column(Integer, default=1)]
#: A running count or sum that starts at nothing (the ratings of a provider or a listing).
Tally = Annotated[int, mapped_column(Integer, default=0)]

# The parties most tables point at. A person's, a region's and a provider's rows are looked
# up by them (indexed); the account is who did it (not indexed unless a model says so).
PersonId = Annotated[int, mapped_column(ForeignKey("persons.id"), index=True)]
RegionId = Annotated[int, mapped_column(ForeignKey("regions.id"), index=True)]
ProviderId = Annotated[int, mapped_column(ForeignKey("providers.id"), index=True)]
AccountId = Annotated[int, mapped_column(ForeignKey("accounts.id"))]


# -- rules on a column's values, as named CHECK constraints --------------------------
def positive(column: str, *, optional: bool = False, name: str | None = None) -> CheckConstraint:
    """``column > 0`` (or NULL when ``optional``), named ``<column>_positive`` unless ``name``."""
    return _rule(column, f"{column} > 0", optional, name or f"{column}_positive")


def not_negative(column: str, *, optional: bool = False, name: str | None = None) -> CheckConstraint:
    """``column >= 0`` (or NULL when ``optional``), named ``<column>_not_negative`` unless ``name``."""
    return _rule(column, f"{column} >= 0", optional, name or f"{column}_not_negative")


def in_range(column: str, low: int, high: int, *, optional: bool = False, name: str | None = None) -> CheckConstraint:
    """``low <= column <= high`` (or NULL when ``optional``), named ``<column>_range`` unless ``name``."""
    rule = f"{column} >= {low} AND {column} <= {high}"
    return _rule(column, f"({rule})" if optional else rule, optional, name or f"{column}_range")


def valid_period(*, open_ended: bool = False) -> CheckConstraint:
    """``valid_from`` comes before ``valid_until`` (which may be NULL, no end, when ``open_ended``)."""
    return _rule("valid_until", "valid_until >= valid_from", open_ended, "valid_period")


def _rule(column: str, rule: str, optional: bool, name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {rule}" if optional else rule, name=name)


async def count_rows(session: AsyncSession, stmt: Any) -> int:
    """How many rows ``stmt`` (a SELECT) returns, counted by the database."""
    return int((await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))).scalar_one())


async def id_page(
    session: AsyncSession, stmt: Any, model: Any, *, first: int, after: int | None, count_only: bool,
    newest_first: bool = False,
) -> list[Any] | int:
    """A page of a list keyset-paged by id: the rows of ``stmt`` (a SELECT of ``model``) oldest
    first (or ``newest_first``), after the id ``after`` (the last of the previous page); up to
    ``first + 1`` rows, an extra row meaning there is a next page. ``count_only``: how many rows
    ``stmt`` finds."""
    if count_only:
        return await count_rows(session, stmt)
    if after is not None:
        stmt = stmt.where(model.id < after if newest_first else model.id > after)
    order = model.id.desc() if newest_first else model.id
    return list((await session.execute(stmt.order_by(order).limit(first + 1))).scalars())


def select_for_update(model: Any, row_id: Any) -> Any:
    """The SELECT of the row ``row_id`` of ``model``, locked for the transaction (FOR UPDATE on
    PostgreSQL; SQLite serialises writers) and read afresh over what the session holds."""
    return select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        # aiosqlite: let SQLAlchemy emit BEGIN itself so that writers take the
        # lock at the start of a transaction (BEGIN IMMEDIATE) and never
        # deadlock upgrading a read lock.
        @event.listens_for(engine.sync_engine, "connect")
        def _no_pysqlite_begin(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            writes = conn.get_execution_options().get("tirek_writes", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

        return engine
    # At most 30 connections per process, as before (10 + 20 overflow), but all of them kept once
    # opened: with 10 kept, a busy process (50 clients) closed and reopened overflow connections
    # all the time (180 connects per 5,000 transactions of 50 concurrent tasks), each paying a
    # connect, authentication and the preparing again of every statement it runs.
    kwargs.setdefault("pool_size", 30)
    kwargs.setdefault("max_overflow", 0)
    # No ping on every checkout (measured: 6 ms of a 20 ms home page at national scale). Instead:
    # connections are replaced after POOL_RECYCLE_SECONDS, one idle for IDLE_PING_SECONDS is pinged
    # before use (the likely case after a database restart in a quiet hour), and a connection found
    # dead in use fails the request as RETRYABLE (schema.core.errors.database_unavailable) while
    # SQLAlchemy invalidates the whole pool, so the next requests get fresh connections.
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
    idle_ping = kwargs.pop("idle_ping_seconds", IDLE_PING_SECONDS)
    engine = create_async_engine(url, **kwargs)
    if idle_ping is not None and not kwargs["pool_pre_ping"]:
        _ping_idle_connections(engine, idle_ping)
    return engine


#: Pooled connections older than this are closed and replaced (server or firewall idle limits).
POOL_RECYCLE_SECONDS = 1800
#: A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 10.0


def _ping_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    """``pool_pre_ping`` for connections that sat idle, not for the hot ones of a busy process."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["tirek_idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("tirek_idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            alive = dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure means "use another connection"
            raise DisconnectionError(f"an idle connection did not answer: {exc}") from exc
        if alive is False:
            raise DisconnectionError("an idle connection did not answer")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class Database:
    """The engine and session factory of one process."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessionmaker = make_sessionmaker(self.engine)
        self.write_sessionmaker = make_sessionmaker(self.engine.execution_options(tirek_writes=True))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncConnection]:
        """A connection for a single read statement (the bearer token's account). On PostgreSQL it
        is in autocommit: no BEGIN and ROLLBACK round trips around the one statement (a single
        statement sees one consistent snapshot anyway). SQLite: an ordinary connection."""
        async with self.engine.connect() as conn:
            if self.engine.dialect.name == "postgresql":
                await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits at the end, or rolls back on error."""
        async with self.write_sessionmaker() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


# -- the transaction-retry policy ---------------------------------------------------
T = TypeVar("T")

#: PostgreSQL's serialization failure and deadlock detected: the transaction may simply run again.
RETRY_SQLSTATES = frozenset({"40001", "40P01"})
#: How many times a write transaction runs at the most.
TRANSACTION_ATTEMPTS = 3


def retryable(exc: BaseException) -> bool:
    """Whether a transaction that failed with ``exc`` is run again: RETRYABLE refusals (among
    them a concurrent request with the same idempotency key, ``audit.idempotency.ConcurrentDuplicate``),
    a unique constraint lost to a concurrent transaction (the next attempt's checks see the
    winner's row and answer properly: the earlier result or DUPLICATE), a deadlock or a
    serialization failure. Nothing else."""
    if isinstance(exc, DomainError):
        return exc.code == ErrorCode.RETRYABLE
    if isinstance(exc, IntegrityError):
        text = str(exc.orig).lower()
        return "unique" in text or "duplicate" in text
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES
    return False


async def run_in_transaction(
    db: Database,
    fn: Callable[..., Awaitable[T]],
    viewer: Any,
    /,
    *args: Any,
    attempts: int = TRANSACTION_ATTEMPTS,
    **kwargs: Any,
) -> T:
    """Run ``fn(session, viewer, *args, **kwargs)`` in a write transaction of its own.

    When it fails in a way ``retryable`` admits, the transaction rolls back and the call is made
    again (at most ``attempts`` times in all); the new attempt typically finds the winner's
    idempotency key and returns the earlier result, not an error.
    """
    for attempt in range(attempts):
        try:
            async with db.transaction() as session:
                return await fn(session, viewer, *args, **kwargs)
        except (DomainError, DBAPIError) as exc:
            if attempt == attempts - 1 or not retryable(exc):
                raise
    raise AssertionError("unreachable")
