"""The portal in a real browser: Debian's Chromium driven by Playwright, against a real
uvicorn serving the app on a free loopback port with the demo data (SQLite) and a real
Meilisearch; axe-core checks every page a journey visits.

- ``portal``: one server for the session (pages that read, forms whose effects a test undoes).
- ``fresh_portal``: a server of its own on a fresh copy of the demo database (a journey that
  spends the recipient's wheelchair line).
- Each server has a Meilisearch of its own, started on a copy of the demo's search data
  (``demo_template``: the index built once from the demo database by ``tirek reindex``), so no
  server builds an index at its start and what one test changes in listings reaches only its own.
- Each uvicorn is forked from one process that has imported the app already (``preloader``,
  ``tests/web/preloaded.py``) and builds the app from its own settings, as the command line does.
- ``browser``: one Chromium for the session; ``context``/``page`` per test, with JavaScript on
  or off (``js`` parameter); every request to a host other than the server's is refused and
  fails the test.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from marketplace.settings import PROJECT_ROOT
from schema.core.ids import parse_global_id
from search.server import MeilisearchProcess
from tests.support.meilisearch import meilisearch_process
from tests.web.preloaded import ForkedServer, Preloader

CHROMIUM = os.environ.get("TIREK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "tirek-demo-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class DemoTemplate:
    """The demo data every server starts from: a migrated, seeded SQLite database and the data
    directory of a stopped Meilisearch whose ``PORTAL_INDEX`` was built from that database."""

    database: Path
    search: Path
    master_key: str


PORTAL_INDEX = "portal-demo"
# What a copy of a Meilisearch data directory leaves behind: the old server's log, its lock and pid.
NOT_COPIED = shutil.ignore_patterns("meilisearch.log", "*.lock", "*.pid")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    """``tirek migrate``, ``tirek seed --demo`` (as ``scripts/demo.sh`` does) and ``tirek reindex``
    into a Meilisearch of the template's own, stopped afterwards; copied for each server."""
    directory = tmp_path_factory.mktemp("portal-demo")
    template = DemoTemplate(database=directory / "demo.sqlite3", search=directory / "search",
                            master_key=secrets.token_urlsafe(24))
    search = meilisearch_process(template.search, template.master_key).start()
    try:
        env = {**os.environ, "TIREK_DEMO": "1", "TIREK_DATABASE_URL": f"sqlite+aiosqlite:///{template.database}",
               "TIREK_VAR_DIR": str(directory), "TIREK_MEILI_URL": search.url, "TIREK_MEILI_KEY": template.master_key,
               "TIREK_MEILI_INDEX": PORTAL_INDEX}
        tirek = Path(sys.executable).parent / "tirek"
        for command in (["migrate"], ["seed", "--demo"], ["reindex"]):
            subprocess.run([str(tirek), *command], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    finally:
        search.stop()
    return template


@dataclass
class PortalServer:
    """A uvicorn process serving ``tirek.asgi:app`` on a loopback port."""

    url: str
    process: ForkedServer
    search: MeilisearchProcess
    log: Path
    database: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def graphql(self, query: str, variables: dict[str, Any] | None = None, login: str | None = None) -> dict[str, Any]:
        """Post to the API as a demo login (the provider delivering, say) and return ``data``."""
        headers = {}
        if login is not None:
            if login not in self.tokens:
                data = self.graphql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) '
                                    '{ token errors { code message } } }', {"u": login, "p": DEMO_PASSWORD})
                assert data["login"]["errors"] == [], data
                self.tokens[login] = data["login"]["token"]
            headers["authorization"] = f"Bearer {self.tokens[login]}"
        response = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}},
                              headers=headers, timeout=30)
        body = response.json()
        assert not body.get("errors"), body
        return body["data"]

    def placed_days_ago(self, order_id: str, days: int) -> None:
        """Date an order back as if placed ``days`` ago (in its own database), so hours of an
        earlier day can be logged on it whatever the hour is in Kazakhstan now."""
        number = int(parse_global_id(order_id)[1])
        with sqlite3.connect(self.database) as connection:
            changed = connection.execute("UPDATE orders SET placed_at = datetime(placed_at, ?) WHERE id = ?",
                                         (f"-{days} days", number)).rowcount
        assert changed == 1, order_id

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            self.search.stop()


def start_server(preloader: Preloader, template: DemoTemplate, directory: Path) -> PortalServer:
    """A uvicorn process (forked by ``preloader``) on copies of the template's database and search
    data, with a Meilisearch of its own; returned once its search answers from Meilisearch."""
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "tirek.sqlite3"
    shutil.copyfile(template.database, database)
    shutil.copytree(template.search, directory / "search", ignore=NOT_COPIED)
    search = meilisearch_process(directory / "search", template.master_key).start()
    port = free_port()
    env = {
        **os.environ,
        "TIREK_DEMO": "1",
        "TIREK_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "TIREK_VAR_DIR": str(directory),
        "TIREK_MEILI_URL": search.url,
        "TIREK_MEILI_KEY": template.master_key,
        "TIREK_MEILI_INDEX": PORTAL_INDEX,
        "TIREK_TERM_REMINDER_INTERVAL": "0",
        "TIREK_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
    }
    log = directory / "uvicorn.log"
    process = preloader.start(env, port, log)
    server = PortalServer(url=f"http://127.0.0.1:{port}", process=process, search=search, log=log, database=database)
    deadline = time.monotonic() + 120
    while True:  # up, and searching the copied index
        if process.poll() is not None:
            search.stop()
            raise RuntimeError(f"the portal did not start:\n{log.read_text()}")
        try:
            found = server.graphql('{ searchListings(query: "") { totalCount backend } }')["searchListings"]
            if found["backend"] == "meilisearch" and found["totalCount"] > 0:
                return server
        except (httpx.HTTPError, json.JSONDecodeError, AssertionError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the portal's search did not become ready:\n{log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def preloader() -> Iterator[Preloader]:
    """Where the servers are forked from (``tests.web.preloaded``): the app's modules imported once."""
    parent = Preloader(dict(os.environ), PROJECT_ROOT)
    try:
        yield parent
    finally:
        parent.close()


@pytest.fixture(scope="session")
def portal(preloader: Preloader, demo_template: DemoTemplate,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServer]:
    server = start_server(preloader, demo_template, tmp_path_factory.mktemp("portal"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_portal(preloader: Preloader, demo_template: DemoTemplate, tmp_path: Path) -> Iterator[PortalServer]:
    """A server of its own on fresh copies of the demo database and search data: what one test
    changes (a price, an archive, a publication, a spent line) reaches its own server only."""
    server = start_server(preloader, demo_template, tmp_path / "portal")
    try:
        yield server
    finally:
        server.stop()


def csrf(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


@contextmanager
def signed_in_client(server: PortalServer, login: str = "recipient") -> Iterator[httpx.Client]:
    """``login`` signed in to ``server`` as a browser without script would be: an HTTP client
    keeping the session cookie (redirects not followed)."""
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as http:
        signed = http.post("/sign-in", data={"csrf_token": csrf(http.get("/sign-in").text), "username": login,
                                             "password": DEMO_PASSWORD, "next": "/"})
        assert signed.status_code == 303, signed.text
        yield http


@pytest.fixture
def browser_session(portal: PortalServer) -> Iterator[httpx.Client]:
    """The demo recipient signed in to the session's portal (``signed_in_client``)."""
    with signed_in_client(portal) as http:
        yield http


# -- the browser ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: bash scripts/setup.sh installs Debian's chromium")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def js(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
async def visit(browser: Any, js: bool) -> AsyncIterator[Any]:
    """``await visit(server)`` → a fresh page (a new browser context: no cookies) on that server."""
    from tests.web.browsing import Visit

    opened: list[Any] = []

    async def open_page(server: PortalServer, *, language: str = "ru") -> Visit:
        context = await browser.new_context(java_script_enabled=js, bypass_csp=True, locale=language,
                                            extra_http_headers={"accept-language": language},
                                            viewport={"width": 1024, "height": 900})
        opened.append(context)
        auditor = None
        if not js:
            audit_context = await browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 900})
            opened.append(audit_context)
            auditor = await audit_context.new_page()
        return await Visit.open(context, server, js, auditor)

    yield open_page
    for context in opened:
        await context.close()
