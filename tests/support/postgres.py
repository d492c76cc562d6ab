"""A throwaway PostgreSQL server for tests.

``PostgresServer().start()`` runs ``initdb`` into a temporary directory and
starts the server with ``pg_ctl`` on a free loopback port (as the ``postgres``
OS user when running as root). With ``$TIREK_TEST_POSTGRES_URL`` set, that
existing server is used instead and only databases are created and dropped.
Database administration goes through the ``psql`` client, so no Python
driver is needed here.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, unquote, urlsplit

URL_ENV = "TIREK_TEST_POSTGRES_URL"
PREFERRED_BINDIR = Path("/usr/lib/postgresql/15/bin")
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "logging_collector": "off",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL binaries are missing or the server cannot be started or reached."""


def find_bindir() -> Path:
    """Directory holding initdb/pg_ctl/postgres: PostgreSQL 15 first, else pg_config's, else newest."""
    candidates = [PREFERRED_BINDIR]
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], check=False, capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for bindir in candidates:
        if all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
        f"{', '.join(map(str, dict.fromkeys(candidates)))}; install postgresql-15 "
        f"(scripts/test.sh does this as root) or set ${URL_ENV}"
    )


def _version_key(path: Path) -> int:
    return int(path.parent.name) if path.parent.name.isdigit() else 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# Running servers, stopped at interpreter exit (strong refs: a forgotten object still gets stopped).
_live: set[PostgresServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_live):
        server.stop()


# Everything of a database a test could change other than its rows (see empty_database).
SCHEMA_FINGERPRINT = """
SELECT md5(concat_ws('|',
  (SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%temp\\_%'),
  (SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || coalesce((
      SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull::text, ';'
                        ORDER BY attnum)
      FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped), ''), ','
      ORDER BY n.nspname, c.relname)
   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')),
  (SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ',' ORDER BY conname, oid) FROM pg_constraint
   WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)),
  (SELECT string_agg(p.oid::regprocedure::text, ',' ORDER BY p.oid::regprocedure::text) FROM pg_proc p
   WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)),
  (SELECT string_agg(tgname || ' ' || tgrelid::regclass::text, ',' ORDER BY tgname, tgrelid::regclass::text)
   FROM pg_trigger WHERE NOT tgisinternal),
  (SELECT string_agg(extname || ' ' || extversion, ',' ORDER BY extname) FROM pg_extension),
  (SELECT string_agg(s.setrole::text || array_to_string(setconfig, ';'), ',' ORDER BY s.setrole)
   FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()),
  (SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version)
))
"""

# Every row deleted (TRUNCATE of every table but alembic_version) and every sequence restarted,
# in one transaction; refused with an exception (so psql fails) when a client is still connected
# or the fingerprint differs, or when a lock does not come within 5 s.
EMPTY_DATABASE = """
SET lock_timeout = '5s';
DO $$
DECLARE
  tables text;
  seq record;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
             AND pid <> pg_backend_pid() AND backend_type = 'client backend') THEN
    RAISE EXCEPTION 'still connected';
  END IF;
  IF (""" + SCHEMA_FINGERPRINT.strip() + """) IS DISTINCT FROM '{fingerprint}' THEN
    RAISE EXCEPTION 'schema changed';
  END IF;
  SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables FROM pg_tables
   WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> 'alembic_version';
  IF tables IS NOT NULL THEN
    EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE';
  END IF;
  FOR seq IN SELECT schemaname, sequencename FROM pg_sequences
             WHERE schemaname NOT IN ('pg_catalog', 'information_schema') LOOP
    EXECUTE format('ALTER SEQUENCE %I.%I RESTART', seq.schemaname, seq.sequencename);
  END LOOP;
END $$;
"""


class PostgresServer:
    """A private PostgreSQL server, or a handle on ``$TIREK_TEST_POSTGRES_URL``."""

    def __init__(
        self,
        *,
        external_url: str | None = None,
        bindir: Path | None = None,
        port: int | None = None,
        settings: dict[str, str] | None = None,
        private: bool = False,
    ) -> None:
        # private: a server of the caller's own even when $TIREK_TEST_POSTGRES_URL names one (a
        # test that restarts or stops the server must not touch a shared one)
        external_url = None if private else (external_url or os.environ.get(URL_ENV) or None)
        self.external = external_url is not None
        self._bindir = bindir
        self.host = "127.0.0.1"
        self.port = port
        self.user = "postgres"
        self.password: str | None = None
        self.maintenance_db = "postgres"
        self.settings = {**SETTINGS, **(settings or {})}
        self.base_dir: Path | None = None
        self._running = False
        if external_url is not None:
            self._parse_external(external_url)

    def _parse_external(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.scheme.startswith("postgres"):
            raise PostgresUnavailable(f"${URL_ENV} is not a postgresql:// URL: {url!r}")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5432
        self.user = unquote(parts.username or "postgres")
        self.password = unquote(parts.password) if parts.password else None
        self.maintenance_db = parts.path.lstrip("/") or "postgres"

    # -- URLs ---------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL: ``postgresql+asyncpg://postgres@127.0.0.1:PORT/DBNAME``."""
        return self._url("postgresql+asyncpg", dbname)

    def dsn(self, dbname: str = "postgres") -> str:
        """libpq/asyncpg DSN: ``postgresql://postgres@127.0.0.1:PORT/DBNAME``."""
        return self._url("postgresql", dbname)

    def _url(self, scheme: str, dbname: str) -> str:
        if self.port is None:
            raise PostgresUnavailable("PostgreSQL has not been started")
        auth = quote(self.user, safe="")
        if self.password is not None:
            auth += ":" + quote(self.password, safe="")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{auth}@{host}:{self.port}/{quote(dbname, safe='')}"

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> Self:
        if self.external:
            self.psql("SELECT 1")  # fail early and clearly if unreachable
            return self
        if self._running:
            return self
        bindir = self._bindir = self._bindir or find_bindir()
        self.base_dir = Path(tempfile.mkdtemp(prefix="tirek-pg-"))
        _live.add(self)
        try:
            self._chown(self.base_dir)
            self._run_as_owner(
                [bindir / "initdb", "-D", self.data_dir, "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                what="initdb",
            )
            port_given = self.port is not None
            for attempt in range(1 if port_given else 3):
                if not port_given:
                    self.port = _free_port()
                self._write_config()
                try:
                    self._run_as_owner(
                        [bindir / "pg_ctl", "-D", self.data_dir, "-l", self.log_path,
                         "-w", "-t", "60", "-s", "start"],
                        what="pg_ctl start",
                    )
                    self._running = True
                    return self
                except PostgresUnavailable as exc:
                    if port_given or attempt == 2 or "in use" not in str(exc):
                        raise
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """``pg_ctl stop -m fast`` and remove the temporary directory (no-op for external)."""
        if self.external or self.base_dir is None:
            return
        if self._running or (self.data_dir / "postmaster.pid").exists():
            self._running = False
            try:
                pg_ctl = (self._bindir or find_bindir()) / "pg_ctl"
                self._run_as_owner(
                    [pg_ctl, "-D", self.data_dir, "-m", "fast", "-w", "-t", "60", "-s", "stop"],
                    what="pg_ctl stop",
                )
            except PostgresUnavailable:
                self._kill_postmaster()
        shutil.rmtree(self.base_dir, ignore_errors=True)
        self.base_dir = None
        _live.discard(self)

    def restart(self, down_for: float = 0.0, *, mode: str = "fast") -> None:
        """Fault injection: stop the server (``mode`` "fast" or "immediate": a crash), stay down
        ``down_for`` seconds, start it again on the same port with the same data. Blocking."""
        if self.external or self.base_dir is None:
            raise PostgresUnavailable("only a server started here can be restarted")
        pg_ctl = (self._bindir or find_bindir()) / "pg_ctl"
        self._running = False
        self._run_as_owner([pg_ctl, "-D", self.data_dir, "-m", mode, "-w", "-t", "60", "-s", "stop"],
                           what="pg_ctl stop")
        time.sleep(down_for)
        self._run_as_owner([pg_ctl, "-D", self.data_dir, "-l", self.log_path, "-w", "-t", "60", "-s", "start"],
                           what="pg_ctl start")
        self._running = True

    def _kill_postmaster(self) -> None:
        pid = self.postmaster_pid()
        if pid is not None:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError, PostgresUnavailable):
            return None

    @property
    def data_dir(self) -> Path:
        if self.base_dir is None:
            raise PostgresUnavailable("no local data directory (external or not started)")
        return self.base_dir / "data"

    @property
    def log_path(self) -> Path:
        if self.base_dir is None:
            raise PostgresUnavailable("no local log (external or not started)")
        return self.base_dir / "postgres.log"

    def _write_config(self) -> None:
        assert self.base_dir is not None
        conf = {**self.settings, "port": str(self.port),
                "unix_socket_directories": f"'{self.base_dir}'"}
        # postgresql.auto.conf is read last and is owned by the server user.
        text = "".join(f"{key} = {value}\n" for key, value in conf.items())
        (self.data_dir / "postgresql.auto.conf").write_text(text)
        self._chown(self.data_dir / "postgresql.auto.conf")

    # -- databases ----------------------------------------------------------
    def create_database(self, name: str) -> str:
        """Create ``name`` and return its SQLAlchemy URL."""
        self.psql(f"CREATE DATABASE {_quote_ident(name)}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` if it exists, disconnecting its sessions."""
        self.psql(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")

    def schema_fingerprint(self, name: str) -> str:
        """What a test could change in ``name`` besides its rows: its schemas, relations and their
        columns, constraints, functions, triggers, extensions, settings and Alembic revision."""
        return self.psql(SCHEMA_FINGERPRINT, dbname=name)

    def empty_database(self, name: str, fingerprint: str) -> bool:
        """Make ``name`` as its template left it, for the next test: every row deleted and every
        sequence restarted, when no client is connected to it any more and ``schema_fingerprint``
        still gives ``fingerprint``. False (and nothing done) otherwise: the caller drops it."""
        try:
            self.psql(EMPTY_DATABASE.replace("{fingerprint}", fingerprint), dbname=name)
        except PostgresUnavailable:
            return False
        return True

    def psql(self, sql: str, dbname: str | None = None) -> str:
        """Run one SQL statement with ``psql`` and return its unaligned output."""
        exe = (self._bindir / "psql") if self._bindir and (self._bindir / "psql").is_file() \
            else shutil.which("psql")
        if exe is None:
            raise PostgresUnavailable("the psql client is not installed")
        env = self._clean_env()
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        result = subprocess.run(
            [str(exe), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", self.host, "-p", str(self.port), "-U", self.user,
             "-d", dbname or self.maintenance_db, "-c", sql],
            env=env, check=False, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"psql failed ({sql!r}): {result.stderr.strip()}")
        return result.stdout.strip()

    # -- helpers ------------------------------------------------------------
    @staticmethod
    def _clean_env() -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        return env

    def _owner_kwargs(self) -> dict[str, Any]:
        if os.geteuid() != 0:
            return {}
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise PostgresUnavailable(
                "running as root but there is no 'postgres' OS user to run the server as"
            ) from exc
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}

    def _chown(self, path: Path) -> None:
        if kw := self._owner_kwargs():
            os.chown(path, kw["user"], kw["group"])

    def _run_as_owner(self, args: list[Any], *, what: str) -> None:
        assert self.base_dir is not None
        result = subprocess.run(
            [str(a) for a in args], cwd=self.base_dir, env=self._clean_env(),
            check=False, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
            **self._owner_kwargs(),
        )
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{what} failed (exit {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()}\n{self._log_tail()}"
            )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except (OSError, PostgresUnavailable):
            return ""
        tail = "\n".join(text.splitlines()[-lines:])
        return f"server log tail:\n{tail}" if tail else ""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}" if self.port else "not started"
        return f"<PostgresServer {'external ' if self.external else ''}{where}>"

