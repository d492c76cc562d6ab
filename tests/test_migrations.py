"""Migrations build the whole schema on SQLite and PostgreSQL, match the models, and go back down."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from marketplace.migrate import downgrade, upgrade
from marketplace.models import Base


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    name = f"m_{uuid.uuid4().hex[:12]}"
    server.create_database(name)
    request.addfinalizer(lambda: server.drop_database(name))
    return server.url(name)


async def _tables_and_diff(url: str) -> tuple[set[str], list]:  # type: ignore[type-arg]
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            def read(sync_conn):  # type: ignore[no-untyped-def]
                tables = set(inspect(sync_conn).get_table_names())
                ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return tables, compare_metadata(ctx, Base.metadata)

            return await conn.run_sync(read)
    finally:
        await engine.dispose()


async def test_upgrade_matches_models_and_downgrade_removes_everything(empty_url: str) -> None:
    await upgrade(empty_url)
    tables, diff = await _tables_and_diff(empty_url)
    assert set(Base.metadata.tables) <= tables
    assert diff == [], f"models and migrations drifted: {diff}"
    await downgrade(empty_url, "base")
    tables, _ = await _tables_and_diff(empty_url)
    assert tables <= {"alembic_version"}
    await upgrade(empty_url)  # and up again
    tables, _ = await _tables_and_diff(empty_url)
    assert set(Base.metadata.tables) <= tables
