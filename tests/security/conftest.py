"""Fixtures of the security tests: the real app over HTTP, with catalogue search served from the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from marketplace.db import Database
from tests.graphql_client import GraphQLClient
from tests.security.scene import Scene


def make_app(db: Database, settings: Any, services: dict[str, Any] | None = None) -> Any:
    from schema.app import create_app
    from schema.wiring import search_services

    if services is None:
        services = search_services(settings, db, run_indexer=False)  # no TIREK_MEILI_URL: the database answers
    return create_app(settings=settings, db=db, services=services)


@pytest.fixture
async def client(db: Database, settings: Any) -> AsyncIterator[GraphQLClient]:
    """Like ``api``, with searchListings wired (from the database)."""
    app = make_app(db, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        yield GraphQLClient(http)


@pytest.fixture
async def scene(db: Database, settings: Any) -> Scene:
    return await Scene.build(db, settings)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The figures docs/SECURITY.md quotes: hostile requests made, faults injected."""
    from tests.security.hostile import STATS

    if STATS:
        terminalreporter.write_line("security tests: " + ", ".join(f"{n} {what}" for what, n in sorted(STATS.items())))
