"""Shared fixtures: real databases (SQLite always, PostgreSQL 15 too) and a real Meilisearch.

Each test that asks for ``db`` runs once per database backend, on a fresh
database migrated by Alembic. ``TIREK_TEST_DATABASES`` picks the backends
("sqlite,postgresql" by default).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from marketplace.db import Database
from marketplace.notifications import delivery
from marketplace.notifications.events import install as install_notifications
from marketplace.migrate import upgrade_sync
from tests import factories as f
from tests.notifications.inbox import RecordingAdapter
from tests.quotes.world import QuoteWorld, quote_world

BACKENDS = [b.strip() for b in os.environ.get("TIREK_TEST_DATABASES", "sqlite,postgresql").split(",") if b.strip()]

# The day in Kazakhstan when the tests were collected: the day of the modules' ``TODAY = f.today()``.
COLLECTED_ON = f.today()


@pytest.fixture(autouse=True)
def same_day_as_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that crosses midnight in Kazakhstan (19:00 UTC) would find the services' clock a day
    ahead of the modules' ``TODAY`` (hours logged "today" before the order placed "now"): so the
    domain's clock (``marketplace.clock.now``) is set back by the whole days since collection,
    its hours still moving. Outside this process (servers, the CLI) the real clock runs."""
    from marketplace import clock

    days = (clock.today() - COLLECTED_ON).days
    if days > 0:
        real = clock.now
        monkeypatch.setattr(clock, "now", lambda: real() - dt.timedelta(days=days))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    from tests.support.postgres import PostgresServer

    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    upgrade_sync(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:  # type: ignore[no-untyped-def]
    # One template per pytest-xdist worker: two workers may share one external server.
    name = f"tirek_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    postgres_server.create_database(name)
    upgrade_sync(postgres_server.url(name))
    return name


def database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "tirek.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    server = request.getfixturevalue("postgres_server")
    pool: PostgresPool = request.getfixturevalue("postgres_pool")
    name = pool.take()
    request.addfinalizer(lambda: pool.give_back(name))
    return server.url(name)


@dataclass
class PostgresPool:
    """The PostgreSQL databases of one worker. A test gets a database as the template made it:
    one a previous test gave back emptied (``PostgresServer.empty_database``: no client still
    connected, the schema still the template's, every row deleted, every sequence restarted),
    else a new copy of the template (``CREATE DATABASE ... TEMPLATE``, which costs several times
    the emptying)."""

    server: Any
    template: str
    fingerprint: str
    free: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        name = f"t_{uuid.uuid4().hex[:16]}"
        self.server.psql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.made.append(name)
        return name

    def give_back(self, name: str) -> None:
        if self.server.empty_database(name, self.fingerprint):
            self.free.append(name)
        else:
            self.made.remove(name)
            self.server.drop_database(name)


@pytest.fixture(scope="session")
def postgres_pool(postgres_server, postgres_template: str) -> Iterator[PostgresPool]:  # type: ignore[no-untyped-def]
    pool = PostgresPool(postgres_server, postgres_template, postgres_server.schema_fingerprint(postgres_template))
    try:
        yield pool
    finally:
        for name in pool.made:
            postgres_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def db(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated database of the test's backend, with notifications installed (as every process has)."""
    database = install_notifications(Database(database_url(request, backend, tmp_path)))
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def meili() -> Iterator[object]:
    """A real Meilisearch server for the whole run (or the one TIREK_MEILI_URL names)."""
    url = os.environ.get("TIREK_TEST_MEILI_URL")
    if url:
        from types import SimpleNamespace

        yield SimpleNamespace(url=url, master_key=os.environ.get("TIREK_TEST_MEILI_KEY", ""))
        return
    from tests.support.meilisearch import meilisearch_server

    with meilisearch_server() as process:
        yield process


@pytest.fixture
def settings(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    from marketplace.settings import Settings

    return Settings(
        database_url=db.url,
        secret_key="test-secret-key-" + uuid.uuid4().hex,
        var_dir=tmp_path / "var",
        login_attempts_per_minute=5,
    )


@pytest.fixture
async def api(db: Database, settings):  # type: ignore[no-untyped-def]
    """A GraphQL client over HTTP (ASGI) against the real app and the test's database."""
    import httpx

    from tirek.app import create_app
    from tests.graphql_client import GraphQLClient

    app = create_app(settings=settings, db=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tirek.test") as http:
        yield GraphQLClient(http)


@pytest.fixture
def day_is_over(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Kazakhstan's clock at 23:59 today: hours logged for today have ended (a test that logs
    "today 09:00-12:00" would otherwise depend on the hour it runs at)."""
    from marketplace import clock

    late = clock.moment(clock.today(), dt.time(23, 59)).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: late)
    return late


@pytest.fixture
async def world(db: Database) -> f.World:
    """tests/factories.py's small portal of two regions."""
    async with db.transaction() as s:
        return await f.build_world(s)


@pytest.fixture
async def gw(db: Database) -> f.GrantWorld:
    """tests/factories.py's portal for the granted services (applications, invataxi, notifications)."""
    async with db.transaction() as s:
        return await f.build_grant_world(s)


@pytest.fixture
async def qw(db: Database) -> QuoteWorld:
    """tests/quotes/world.py's portal with custom items (quotes, over the services and over HTTP)."""
    return await quote_world(db)


@pytest.fixture
def outbox() -> Iterator[RecordingAdapter]:
    """The notifications' deliveries, kept in ``outbox.sent`` instead of sent; the adapters put back after."""
    box = RecordingAdapter()
    previous = delivery.configure_adapters([box])
    yield box
    delivery.configure_adapters(previous)


# -- the security figures across pytest-xdist workers -----------------------------------------------
# Each worker counts its own hostile requests (tests/security/hostile.py::STATS); a worker hands its
# counts to the controller when it ends, and the controller prints their sum
# (tests/security/conftest.py::pytest_terminal_summary, loaded there through this file's import).


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.security.hostile import STATS

        workeroutput["security_stats"] = dict(STATS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    from tests.security.hostile import STATS

    STATS.update(getattr(node, "workeroutput", {}).get("security_stats", {}))


def pytest_terminal_summary(terminalreporter: object) -> None:
    from tests.security.hostile import STATS

    if STATS and getattr(terminalreporter.config, "workerinput", None) is None:  # type: ignore[attr-defined]
        terminalreporter.write_line(  # type: ignore[attr-defined]
            "security tests: " + ", ".join(f"{n} {what}" for what, n in sorted(STATS.items())))
