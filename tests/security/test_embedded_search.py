"""The embedded Meilisearch of `tirek serve` is looked after (issue 12): a real API process, killed.

* The API killed with SIGKILL takes its Meilisearch with it (PR_SET_PDEATHSIG), and a restarted API
  runs exactly one server on the data directory; a stale server named by the pid file (an API of
  an older version, a non-Linux host) is stopped before a new one starts.
* Meilisearch killed under a running API is reaped (no zombie), logged and restarted on the same
  port; /readyz comes back by itself and the outbox written meanwhile is caught up.
* uvicorn does not rewrite the client's address from X-Forwarded-For on loopback: only
  TIREK_TRUSTED_PROXIES decides (here empty), so a sign-in failure is counted for the connection.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from marketplace.settings import PROJECT_ROOT
from search.server import PID_FILE, find_or_install_binary, free_port

pytestmark = pytest.mark.slow
LOGIN = 'mutation { login(username: "nobody-here", password: "wrong password!") { errors { code } } }'


def meilisearch_pids(data_dir: Path) -> list[int]:
    """Live (not zombie) Meilisearch processes whose command line names ``data_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if "meilisearch" in cmdline and f"{data_dir}/data.ms" in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def process_state(pid: int) -> str | None:
    """'Z' for a zombie, None when the process is gone (reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def wait_for(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Api:
    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.port = free_port()
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TIREK_", "MEILI_", "FORWARDED"))},
                    "TIREK_VAR_DIR": str(var_dir), "TIREK_SECRET_KEY": "embedded-search-" + "x" * 32,
                    "TIREK_DATABASE_URL": f"sqlite+aiosqlite:///{var_dir / 'tirek.sqlite3'}",
                    "TIREK_MEILI_BINARY": str(find_or_install_binary(PROJECT_ROOT / "var")),
                    "TIREK_TERM_REMINDER_INTERVAL": "0"}
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "tirek.cli", *args], env=self.env, check=True,
                       capture_output=True, timeout=300)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tirek.cli", "serve", "--port", str(self.port)], env=self.env,
            stdout=open(self.var_dir / "api.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self.ready, 120, "the API's /readyz")

    def ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"the API exited: {(self.var_dir / 'api.log').read_text()[-3000:]}")
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def child(self) -> int:
        return int((self.var_dir / "meilisearch" / PID_FILE).read_text())

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig) if sig == signal.SIGTERM else self.proc.send_signal(sig)
            self.proc.wait(timeout=60)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    server = Api(tmp_path / "var")
    server.var_dir.mkdir()
    server.cli("migrate")
    try:
        yield server
    finally:
        server.kill()
        for pid in meilisearch_pids(server.var_dir / "meilisearch"):
            os.kill(pid, signal.SIGKILL)


def test_the_embedded_meilisearch_dies_with_the_api_and_is_restarted_when_it_dies(api: Api) -> None:
    data_dir = api.var_dir / "meilisearch"
    api.start()
    first = api.child()
    assert meilisearch_pids(data_dir) == [first]

    # Loopback is no trusted proxy unless TIREK_TRUSTED_PROXIES says so: the failure counts for 127.0.0.1.
    answer = httpx.post(f"http://127.0.0.1:{api.port}/graphql", json={"query": LOGIN},
                        headers={"x-forwarded-for": "203.0.113.5"}, timeout=30)
    assert answer.json()["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    with sqlite3.connect(api.var_dir / "tirek.sqlite3") as db:
        assert db.execute("SELECT address FROM login_attempts").fetchall() == [("127.0.0.1",)]

    # Meilisearch dies: reaped, restarted on the same port, /readyz recovers with no one acting, and the
    # outbox written meanwhile (a listing change: here one of a listing gone, a delete) reaches the index.
    os.kill(first, signal.SIGKILL)
    with sqlite3.connect(api.var_dir / "tirek.sqlite3") as db:
        db.execute("INSERT INTO search_outbox (entity, entity_id, created_at) VALUES ('listing', 424242, "
                   "'2026-01-01 00:00:00.000000')")
    second = wait_for(lambda: meilisearch_pids(data_dir) and api.child() != first and api.child(), 60,
                      "a new Meilisearch")
    assert process_state(first) is None  # reaped, not a zombie
    wait_for(api.ready, 60, "/readyz after the restart")
    assert meilisearch_pids(data_dir) == [second]
    assert "restarting it" in (api.var_dir / "api.log").read_text()

    def outbox_empty() -> bool:
        with sqlite3.connect(api.var_dir / "tirek.sqlite3") as db:
            return db.execute("SELECT count(*) FROM search_outbox").fetchone() == (0,)

    wait_for(outbox_empty, 60, "the outbox to be caught up")

    # The API dies with SIGKILL: its Meilisearch follows; a new API runs one server on the directory.
    api.kill(signal.SIGKILL)
    wait_for(lambda: not meilisearch_pids(data_dir), 30, "the orphaned Meilisearch to exit")
    api.start()
    assert meilisearch_pids(data_dir) == [api.child()]


def test_a_stale_meilisearch_on_the_data_directory_is_stopped_first(api: Api) -> None:
    """A server no API looks after (its parent gone without PDEATHSIG), named by the pid file."""
    data_dir = api.var_dir / "meilisearch"
    data_dir.mkdir(parents=True)
    binary = api.env["TIREK_MEILI_BINARY"]
    stale = subprocess.Popen([binary, "--db-path", str(data_dir / "data.ms"), "--http-addr",
                              f"127.0.0.1:{free_port()}", "--no-analytics"], cwd=data_dir,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: meilisearch_pids(data_dir) == [stale.pid], 30, "the stale server")
        (data_dir / PID_FILE).write_text(f"{stale.pid}\n")
        api.start()
        stale.wait(timeout=30)  # it was stopped (and here reaped by its real parent, this test)
        assert meilisearch_pids(data_dir) == [api.child()] and api.child() != stale.pid
    finally:
        if stale.poll() is None:
            stale.kill()
            stale.wait()
