"""Apply Alembic migrations from code (the CLI, the demo and tests use this)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite") and ":memory:" not in url:
        path = url.split(":///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def upgrade(url: str, revision: str = "head") -> None:
    _ensure_sqlite_dir(url)
    await _migrate(url, "upgrade", revision)


async def downgrade(url: str, revision: str = "base") -> None:
    await _migrate(url, "downgrade", revision)


async def _migrate(url: str, action: str, revision: str) -> None:
    """Run Alembic's ``action`` to ``revision`` in one transaction on a connection of its own."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run, url, action, revision)
    finally:
        await engine.dispose()


def _run(connection, url: str, action: str, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config(url)
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


def upgrade_sync(url: str, revision: str = "head") -> None:
    """Upgrade from synchronous code, also when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(upgrade(url, revision))
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, upgrade(url, revision)).result()
