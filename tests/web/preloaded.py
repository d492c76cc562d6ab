"""Portal servers forked from one process that has imported the app already.

A server started as ``python -m uvicorn tirek.asgi:app`` spends about 2.5 s of CPU importing
Python modules (strawberry, SQLAlchemy, the schema, the portal) before it builds the app; the
web tests start some seventy of them. ``python -m tests.web.preloaded`` imports all that once
and then, for each JSON line it reads on stdin (``{"env": ..., "port": ..., "log": ...}``),
forks a child that takes that environment and runs uvicorn on ``tirek.asgi:app`` exactly as the
command line does: the app is built in the child, from the child's settings. The parent answers
each line with the child's pid.

``Preloader`` is the tests' side: ``start(env, port, log)`` gives a ``ForkedServer``, which
answers ``poll``, ``terminate``, ``kill`` and ``wait`` like a ``subprocess.Popen``.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import traceback
from pathlib import Path
from typing import IO

from search.server import die_with_parent



class ForkedServer:
    """A server forked by the preloaded parent. It is not the tests' child, so its end is seen
    through a pidfd (which stays its own even if the pid is taken again) and its exit status is
    not known: ``poll`` gives -1 once it has ended."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # ended before it could be watched
            self._pidfd = None

    def poll(self) -> int | None:
        if self._pidfd is None or select.select([self._pidfd], [], [], 0)[0]:
            self._close()
            return -1
        return None

    def wait(self, timeout: float | None = None) -> int:
        if self._pidfd is not None and not select.select([self._pidfd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(f"forked server {self.pid}", timeout or 0)
        self._close()
        return -1

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, number: int) -> None:
        if self._pidfd is not None:
            try:
                signal.pidfd_send_signal(self._pidfd, number)
            except ProcessLookupError:
                pass

    def _close(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


class Preloader:
    """The preloaded parent, started with ``env`` and ``cwd``; ``close()`` ends it (its servers
    get SIGTERM from the kernel when it ends, should one still run)."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self._process = subprocess.Popen([sys.executable, "-m", "tests.web.preloaded"], cwd=cwd, env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def start(self, env: dict[str, str], port: int, log: Path) -> ForkedServer:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"env": env, "port": port, "log": str(log)}) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the preloaded parent has ended (exit {self._process.wait()})")
        return ForkedServer(int(answer))

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _serve(request: dict[str, object], stdin: IO[str]) -> None:  # pragma: no cover - the forked child
    """In the child: die with the parent, write to the log, take the environment, run uvicorn."""
    die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    stdin.close()
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(str(request["log"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ.clear()
    os.environ.update(request["env"])  # type: ignore[arg-type]
    import uvicorn

    uvicorn.run("tirek.asgi:app", host="127.0.0.1", port=int(request["port"]), log_level="warning")  # type: ignore[call-overload]


def main() -> None:
    import tirek.app  # noqa: F401 - what every server imports, imported once here
    import uvicorn  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended servers are reaped by the kernel
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                _serve(request, sys.stdin)
            except BaseException:  # noqa: BLE001 - told in the server's log, then the child ends
                traceback.print_exc()
                status = 1
            finally:
                sys.stderr.flush()
                os._exit(status)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
