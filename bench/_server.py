"""The API process the search benchmark loads: ``tirek serve``'s app, instrumented.

Run by ``bench.search`` as a subprocess (``python -m bench._server --port N``)
with ``TIREK_*`` in the environment. It builds the application exactly as
``tirek.app.build_application`` does (``create_app`` with
``search_services``, the outbox worker included) and serves it with uvicorn
(uvloop and httptools when installed, as ``tirek serve``), without access
logs. Two things are added around it, nothing inside it:

* a SQLAlchemy ``before/after_cursor_execute`` listener and a pool
  ``checkout`` listener that count, per HTTP request, the SQL statements, the
  time spent executing them, and the connections taken from the pool;
* a wrapper around the search backend that times the call to Meilisearch.

Requests carry an ``x-bench-phase`` header; the counts are summed per phase
and served as JSON at ``GET /__bench/stats`` (a path the app does not have).
Statements run outside a request (the outbox worker) are not counted.

``--workers N`` (N > 1) runs N uvicorn worker processes, as ``tirek serve
--workers N`` does; each then writes its counts to a file of its own in
``$TIREK_BENCH_STATS_DIR`` (every 0.2 s while it has news), and
``/__bench/stats``, whichever worker answers it, sums the files: read it a
moment after the load has stopped.
"""

from __future__ import annotations

import argparse
import contextvars
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

STATS_PATH = "/__bench/stats"
PROFILE_PATH = "/__bench/profile/"  # .../start, .../stop: cProfile of the event loop thread
ANSWERS_PATH = "/__bench/answers/"  # .../off, .../on (emptied either way), .../count: the kept anonymous answers
PHASE_HEADER = b"x-bench-phase"


@dataclass
class RequestStats:
    statements: int = 0
    begins: int = 0
    checkouts: int = 0
    sql_seconds: float = 0.0
    search_seconds: float = 0.0
    sql: list[str] = field(default_factory=list)


@dataclass
class PhaseStats:
    requests: int = 0
    statements: int = 0
    begins: int = 0
    checkouts: int = 0
    sql_seconds: float = 0.0
    search_seconds: float = 0.0
    wall_seconds: float = 0.0
    statements_histogram: Counter[int] = field(default_factory=Counter)
    sample_sql: list[str] = field(default_factory=list)
    sample_statements: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests, "statements": self.statements, "begins": self.begins,
            "checkouts": self.checkouts, "sql_seconds": self.sql_seconds, "search_seconds": self.search_seconds,
            "wall_seconds": self.wall_seconds,
            "statements_histogram": {str(k): v for k, v in sorted(self.statements_histogram.items())},
            "sample_sql": self.sample_sql, "sample_statements": self.sample_statements,
        }


_SUMMED = ("requests", "statements", "begins", "checkouts", "sql_seconds", "search_seconds", "wall_seconds")


def merge_stats(parts: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The per-phase stats of several worker processes, summed."""
    out: dict[str, dict[str, Any]] = {}
    for part in parts:
        for phase, stats in part.items():
            into = out.setdefault(phase, {k: 0 for k in _SUMMED} | {
                "statements_histogram": {}, "sample_sql": [], "sample_statements": 0})
            for k in _SUMMED:
                into[k] += stats.get(k, 0)
            for k, v in stats.get("statements_histogram", {}).items():
                into["statements_histogram"][k] = into["statements_histogram"].get(k, 0) + v
            if stats.get("sample_statements", 0) > into["sample_statements"]:
                into["sample_statements"] = stats["sample_statements"]
                into["sample_sql"] = stats.get("sample_sql", [])
    return out


_current: contextvars.ContextVar[RequestStats | None] = contextvars.ContextVar("bench_request", default=None)
_phases: dict[str, PhaseStats] = {}
STATS_DIR_ENV = "TIREK_BENCH_STATS_DIR"
#: Seconds an idle keep-alive connection stays open. uvicorn's 5 s default closed the load
#: generator's connections while it paused between phases, and the next request on such a
#: connection failed (httpx ReadError) instead of measuring anything.
KEEP_ALIVE = 120


class _StatsFile:
    """With several workers: this process's counts in ``$TIREK_BENCH_STATS_DIR/<pid>.json``."""

    def __init__(self) -> None:
        import os

        self.directory = os.environ.get(STATS_DIR_ENV) or None
        self.dirty = False
        self.task: Any = None

    def touched(self) -> None:
        if self.directory is None:
            return
        self.dirty = True
        if self.task is None:
            import asyncio

            self.task = asyncio.get_running_loop().create_task(self._writer())

    async def _writer(self) -> None:
        import asyncio

        while True:
            await asyncio.sleep(0.2)
            if self.dirty:
                self.write()

    def write(self) -> None:
        import os
        from pathlib import Path

        assert self.directory is not None
        self.dirty = False
        path = Path(self.directory) / f"{os.getpid()}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({name: p.as_dict() for name, p in _phases.items()}))
        tmp.replace(path)

    def read_all(self) -> dict[str, dict[str, Any]]:
        from pathlib import Path

        if self.directory is None:
            return {name: p.as_dict() for name, p in _phases.items()}
        self.write()
        parts = []
        for path in sorted(Path(self.directory).glob("*.json")):
            try:
                parts.append(json.loads(path.read_text()))
            except (OSError, ValueError):
                continue
        return merge_stats(parts)


_stats_file = _StatsFile()


def instrument_engine(engine: Any) -> None:
    from sqlalchemy import event

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        stats = _current.get()
        if stats is None:
            return
        conn.info.setdefault("bench_started", []).append(time.perf_counter())
        if statement.strip().upper().startswith("BEGIN"):
            stats.begins += 1
        else:
            stats.statements += 1
        stats.sql.append(" ".join(statement.split())[:160])

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        stats = _current.get()
        started = conn.info.get("bench_started")
        if stats is None or not started:
            return
        stats.sql_seconds += time.perf_counter() - started.pop()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        stats = _current.get()
        if stats is not None:
            stats.checkouts += 1


class TimedSearch:
    """The app's search backend, with the time of each call added to the request's stats."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def search(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await self.inner.search(*args, **kwargs)
        finally:
            stats = _current.get()
            if stats is not None:
                stats.search_seconds += time.perf_counter() - started


class BenchStats:
    """ASGI wrapper: per-request counting, and the stats endpoint."""

    def __init__(self, app: Any) -> None:
        self.app = app
        graphql = next(r.app for r in app.routes if getattr(r, "path", None) == "/graphql")
        self.answers = graphql.public_answers  # schema/public_answers.py
        self.answer_bytes = self.answers.max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == STATS_PATH:
            await _json(send, _stats_file.read_all())
            return
        if scope["path"].startswith(PROFILE_PATH):
            await _json(send, _profile(scope["path"][len(PROFILE_PATH):]))
            return
        if scope["path"].startswith(ANSWERS_PATH):
            await _json(send, self._answers(scope["path"][len(ANSWERS_PATH):]))
            return
        phase = next((v.decode() for k, v in scope["headers"] if k == PHASE_HEADER), None)
        if phase is None:
            await self.app(scope, receive, send)
            return
        stats = RequestStats()
        token = _current.set(stats)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
            p = _phases.setdefault(phase, PhaseStats())
            p.requests += 1
            p.statements += stats.statements
            p.begins += stats.begins
            p.checkouts += stats.checkouts
            p.sql_seconds += stats.sql_seconds
            p.search_seconds += stats.search_seconds
            p.wall_seconds += time.perf_counter() - started
            p.statements_histogram[stats.statements] += 1
            # Keep the SQL of the request that ran the most statements.
            if stats.statements > p.sample_statements:
                p.sample_statements = stats.statements
                p.sample_sql = stats.sql
            _stats_file.touched()


    def _answers(self, action: str) -> dict[str, Any]:
        """Turn the kept answers off (a phase that measures every search made afresh) or on,
        emptied and counted from zero either way; or read the counts."""
        if action in ("on", "off"):
            self.answers.clear()
            self.answers.hits = self.answers.misses = 0
            self.answers.max_bytes = self.answer_bytes if action == "on" else 0
        return {"enabled": self.answers.enabled, "hits": self.answers.hits, "misses": self.answers.misses,
                "answers": len(self.answers), "bytes": self.answers.bytes}


async def _json(send: Any, value: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(value).encode()})


_profiler: Any = None


def _profile(action: str) -> dict[str, Any]:
    """Start cProfile, or stop it and write the stats to ``$TIREK_BENCH_PROFILE``."""
    global _profiler
    import cProfile
    import os

    if action == "start":
        _profiler = cProfile.Profile()
        _profiler.enable()
        return {"profiling": True}
    if action == "stop" and _profiler is not None:
        _profiler.disable()
        path = os.environ.get("TIREK_BENCH_PROFILE") or "server.prof"
        _profiler.dump_stats(path)
        _profiler = None
        return {"profiling": False, "path": path}
    return {"error": f"unknown action {action!r}"}


def build() -> Any:
    from marketplace.db import Database
    from marketplace.settings import get_settings
    from tirek.app import create_app
    from tirek.wiring import search_services

    settings = get_settings()
    db = Database(settings.database_url)
    instrument_engine(db.engine)
    services = search_services(settings, db)
    services.listing_search = TimedSearch(services.listing_search)
    return BenchStats(create_app(settings=settings, db=db, services=services))


def main() -> None:
    import os
    import tempfile

    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (as `tirek serve --workers`)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.workers <= 1:
        config = uvicorn.Config(build(), host=args.host, port=args.port, log_level="warning", access_log=False,
                                lifespan="on", timeout_keep_alive=KEEP_ALIVE)
        uvicorn.Server(config).run()
        return
    # Several processes: the app is built in each worker (a factory), their counts meet in files.
    if not os.environ.get(STATS_DIR_ENV):  # bench.harness sets it (inside its temporary directory)
        os.environ[STATS_DIR_ENV] = tempfile.mkdtemp(prefix="tirek-bench-stats-")
    global _stats_file
    _stats_file = _StatsFile()
    uvicorn.run("bench._server:build", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level="warning", access_log=False, lifespan="on", timeout_keep_alive=KEEP_ALIVE)


if __name__ == "__main__":
    main()
