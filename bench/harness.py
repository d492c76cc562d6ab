"""What the benchmarks on the national data set share (home_page, place_order, claim_queue).

Process control and measuring come from ``bench.search`` (``Resources``,
``PhaseResult`` with its nearest-rank percentiles, the /proc probes, the
readiness wait) and the API process from ``bench._server`` (``tirek serve``'s
app with per-request SQL counting, read back from ``/__bench/stats`` by the
``x-bench-phase`` header). Added here:

* the data: an existing database filled by ``tirek generate`` (``--database-url``),
  or a throwaway one (SQLite file, or a private PostgreSQL 15 with durable
  settings) generated at ``--scale`` by ``marketplace.demo.national``;
* closed-loop clients: each of N clients sends its next request when the last
  one is answered, until a request count or a time limit is reached;
* the report: latency percentiles, throughput, ratios to the baseline measured
  in the same run, SQL statements per request inside the API process, and the
  API process's peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import platform
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bench.search import PROJECT_ROOT, GraphQLError, PhaseResult, Resources, _free_port, children_cpu_seconds
from bench.search import machine_busy_seconds, proc_cpu_seconds, run_to_the_end, self_cpu_seconds
from bench.search import peak_rss_kb, wait_until_serving, worker_pids

__all__ = [
    "GraphQLError", "PhaseResult", "Resources", "add_arguments", "command_line", "cpu_sampler", "graphql",
    "main_wrapper", "prepare_database", "print_report", "run_clients", "start_api", "token_for",
]

#: A PostgreSQL as it would run in production (the test server turns fsync off).
DURABLE_POSTGRES = {
    "fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "shared_buffers": "'2GB'",
    "effective_cache_size": "'12GB'", "max_wal_size": "'8GB'", "checkpoint_timeout": "'30min'",
    "maintenance_work_mem": "'1GB'", "max_connections": "300",
}


def command_line(module: str, doc: str | None, *, requests: int, concurrency: int) -> argparse.ArgumentParser:
    """The command line of ``python -m bench.<module>`` (described by the first paragraph of its ``doc``),
    with the harness's arguments (``add_arguments``)."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{module}", description=(doc or "").split("\n\n")[0])
    add_arguments(parser, requests=requests, concurrency=concurrency)
    return parser


def add_arguments(parser: argparse.ArgumentParser, *, requests: int, concurrency: int) -> None:
    parser.add_argument("--database-url", help="a database filled by `tirek generate` (else a throwaway one)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="the throwaway database's kind (without --database-url)")
    parser.add_argument("--scale", default="0.01", help="scale of the throwaway data set: 'national' or a fraction")
    parser.add_argument("--requests", type=int, default=requests, help="measured requests per phase, at most")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per phase, at most")
    parser.add_argument("--concurrency", type=int, default=concurrency, help="clients sending at once")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests before each phase")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes of the API server (as `tirek serve --workers N`)")


async def prepare_database(args: argparse.Namespace, res: Resources) -> str:
    """The URL of a generated data set: the given one, or a throwaway one generated now."""
    from marketplace.demo import national
    from marketplace.demo.synthetic import verification
    from marketplace.migrate import upgrade

    if args.database_url:
        url = args.database_url
    else:
        if args.database == "postgresql":
            from tests.support.postgres import PostgresServer

            res.postgres = await asyncio.to_thread(lambda: PostgresServer(settings=DURABLE_POSTGRES).start())
            url = await asyncio.to_thread(res.postgres.create_database, "tirek_bench")
        else:
            url = f"sqlite+aiosqlite:///{res.tmp / 'bench.sqlite3'}"
        await upgrade(url)
        started = time.perf_counter()
        await national.generate(url, args.scale, progress=True)
        print(f"generated in {time.perf_counter() - started:.1f}s")
    counts = await verification.table_counts(url)
    if not counts["persons"]:
        raise SystemExit(f"no generated data in {url}: run `tirek generate --database-url ...` first")
    args.data_counts = counts
    return url


def start_api(res: Resources, url: str, secret: str, workers: int = 1) -> int:
    """``bench._server`` (``workers`` uvicorn processes, no Meilisearch: these benchmarks do not search)."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TIREK_")},
        "TIREK_DATABASE_URL": url, "TIREK_SECRET_KEY": secret, "TIREK_VAR_DIR": str(res.tmp),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    res.start_server(port, env, workers)
    return port


def token_for(secret: str, account_id: int) -> str:
    from marketplace.accounts.security import issue_token

    token, _ = issue_token(secret, account_id, 1, 4 * 3600)
    return token


async def graphql(http: Any, phase: str, document: str, variables: dict[str, Any] | None = None,
                  token: str | None = None, *, allow_errors: bool = False) -> dict[str, Any]:
    headers = {"x-bench-phase": phase, "content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body: dict[str, Any] = {"query": document}
    if variables:
        body["variables"] = variables
    response = await http.post("/graphql", content=json.dumps(body), headers=headers)
    if response.status_code != 200:
        raise GraphQLError(f"HTTP {response.status_code}: {response.text[:300]}")
    payload = response.json()
    if payload.get("errors") and not allow_errors:
        raise GraphQLError(json.dumps(payload["errors"], ensure_ascii=False)[:300])
    return payload


class LightResponse:
    """What ``graphql`` reads of an answer: the status, the body as text, the body as JSON."""

    __slots__ = ("content", "status_code")

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class LightHTTP:
    """A small HTTP/1.1 client for the load: real requests over TCP with keep-alive (a pool of
    connections, one per request in flight), ``Content-Length`` or chunked answers, every answer
    read whole and handed back for checking. It costs the load generator a fraction of httpx's
    CPU per request, so that on a shared machine more of the cores go to the API under test."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._head = f"Host: {host}:{port}\r\nConnection: keep-alive\r\n"

    async def post(self, path: str, *, content: str | bytes, headers: dict[str, str]) -> LightResponse:
        body = content.encode() if isinstance(content, str) else content
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (f"POST {path} HTTP/1.1\r\n{self._head}{head}Content-Length: {len(body)}\r\n\r\n").encode() + body
        for attempt in range(2):
            fresh = not self._idle
            reader, writer = self._idle.pop() if self._idle else await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(request)
                response, keep = await self._read(reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                writer.close()
                if fresh or attempt:  # a kept-alive connection the server closed meanwhile: once more
                    raise
                continue
            if keep:
                self._idle.append((reader, writer))
            else:
                writer.close()
            return response
        raise AssertionError("unreachable")

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> tuple[LightResponse, bool]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if b"content-length" in fields:
            body = await reader.readexactly(int(fields[b"content-length"]))
        elif fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = await reader.read()
            return LightResponse(status, body), False
        return LightResponse(status, body), fields.get(b"connection", b"").lower() != b"close"

    async def aclose(self) -> None:
        while self._idle:
            self._idle.pop()[1].close()


Client = Callable[[int], Awaitable[Any]]


async def run_clients(result: PhaseResult, clients: Sequence[Client], *, requests: int, time_limit: float,
                      cpu_sample: Callable[[], dict[str, float]]) -> PhaseResult:
    """Closed loop: client k sends its n-th request when its last one is answered; all stop after
    ``requests`` requests in total or ``time_limit`` seconds. An exception is an error, counted."""
    issued = 0
    deadline = time.perf_counter() + time_limit

    async def loop(client: Client) -> None:
        nonlocal issued
        n = 0
        while issued < requests:
            if time.perf_counter() >= deadline:
                result.stopped_by_time = True
                return
            issued += 1
            started = time.perf_counter()
            try:
                await client(n)
            except Exception as exc:  # noqa: BLE001 - counted and reported, the phase goes on
                result.errors += 1
                result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"[:500]
            else:
                result.latencies.append(time.perf_counter() - started)
            n += 1

    before = cpu_sample()
    started = time.perf_counter()
    tasks = [asyncio.create_task(loop(c)) for c in clients]
    _done, pending = await asyncio.wait(tasks, timeout=time_limit + 30)
    for task in pending:
        task.cancel()
        result.stopped_by_time = True
    await asyncio.gather(*tasks, return_exceptions=True)
    result.elapsed = time.perf_counter() - started
    after = cpu_sample()
    result.cpu = {k: after[k] - before.get(k, 0.0) for k in after}
    return result


async def run_phases(args: Any, phases: Sequence[tuple[str, str]], client_for: Callable[[str, str, int], Client],
                     cpu_sample: Callable[[], dict[str, float]], *, warmup_seed: int = 7919) -> dict[str, PhaseResult]:
    """Each ``(name, label)`` phase in turn: ``args.warmup`` unmeasured requests, then the measured
    ones (``args.requests`` / ``args.time_limit``) from ``args.concurrency`` clients
    ``client_for(name, tag, c)``."""
    results: dict[str, PhaseResult] = {}
    for name, label in phases:
        if args.warmup:
            await run_clients(PhaseResult(f"warmup-{name}", label),
                              [client_for(name, f"warmup-{name}", warmup_seed + c) for c in range(args.concurrency)],
                              requests=args.warmup, time_limit=30, cpu_sample=cpu_sample)
        print(f"  measuring {label} ...", flush=True)
        results[name] = await run_clients(
            PhaseResult(name, label), [client_for(name, name, c) for c in range(args.concurrency)],
            requests=args.requests, time_limit=args.time_limit, cpu_sample=cpu_sample)
    return results

def cpu_sampler(server_pid: int | None, postgres_pid: int | None = None,
                workers: int = 1) -> Callable[[], dict[str, float]]:
    def sample() -> dict[str, float]:
        api = proc_cpu_seconds(server_pid) if workers <= 1 else children_cpu_seconds(server_pid)
        out = {"api": api, "load generator": self_cpu_seconds(), "machine": machine_busy_seconds()}
        if postgres_pid is not None:
            out["postgresql"] = children_cpu_seconds(postgres_pid)
        return out

    return sample


async def local_postmaster(url: str) -> int | None:
    """The postmaster's pid of a PostgreSQL running on this machine (its CPU is then measured)."""
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import text

    from marketplace.db import Database

    db = Database(url)
    try:
        async with db.session() as s:
            backend = int((await s.execute(text("SELECT pg_backend_pid()"))).scalar_one())
            # Read while the backend is alive (it exits with the connection).
            return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None  # not on this machine
    except Exception:  # noqa: BLE001 - not measured then
        return None
    finally:
        await db.dispose()


def _fmt(value: float, digits: int = 1) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"


def machine_line() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GiB, Linux {platform.release()}, Python "
            f"{platform.python_version()}; load average before the run {load[0]:.1f}")


def print_report(title: str, args: argparse.Namespace, url: str, results: dict[str, PhaseResult],
                 baseline: str, peak_rss_kb: int | None, notes: Sequence[str] = ()) -> None:
    counts = getattr(args, "data_counts", {})
    print()
    print(f"## {title}, {dt.date.today().isoformat()}")
    print()
    workers = getattr(args, "workers", 1)
    server = "one uvicorn process" if workers <= 1 else f"{workers} uvicorn worker processes"
    print(f"- machine: {args.machine}; API server ({server}), database and load generator on this "
          "machine, over loopback")
    print(f"- database: {url.split('://')[0]}; data: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"- load: at most {args.requests:,} requests or {args.time_limit:.0f}s per phase, {args.concurrency} "
          f"clients in a closed loop (after {args.warmup} warm-up requests)")
    for note in notes:
        print(f"- {note}")
    print()
    base = results.get(baseline)
    print("| measurement | done | errors | p50 ms | p95 ms | p99 ms | req/s | p50 × base | p95 × base | "
          "req/s × base | SQL statements/req | API CPU ms/req |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results.values():
        s = r.server or {}
        sql = _fmt(s["statements"] / s["requests"]) if s.get("requests") else "—"
        api_cpu = _fmt(r.cpu.get("api", 0.0) * 1000 / max(1, r.completed)) if s.get("requests") else "—"
        if base is not None and base.completed and r.completed and r is not base:
            ratios = (f"{r.percentile(50) / base.percentile(50):.1f}×", f"{r.percentile(95) / base.percentile(95):.1f}×",
                      f"{r.throughput / base.throughput:.2f}×")
        else:
            ratios = ("—", "—", "—")
        flag = " (time limit)" if r.stopped_by_time else ""
        print(f"| {r.label} | {r.completed:,}{flag} | {r.errors} | {_fmt(r.percentile(50))} | "
              f"{_fmt(r.percentile(95))} | {_fmt(r.percentile(99))} | {_fmt(r.throughput)} | {' | '.join(ratios)} | "
              f"{sql} | {api_cpu} |")
    print()
    cpu_lines = []
    for r in results.values():
        if not r.completed or not r.cpu:
            continue
        per = {k: v * 1000 / r.completed for k, v in r.cpu.items()}
        others = per.get("machine", 0.0) - sum(v for k, v in per.items() if k != "machine")
        parts = [f"API {per.get('api', 0):.1f}"]
        if "postgresql" in per:
            parts.append(f"PostgreSQL {per['postgresql']:.1f}")
        parts += [f"load generator {per.get('load generator', 0):.1f}", f"other processes {max(0.0, others):.1f}"]
        cores = per.get("machine", 0.0) * r.completed / 1000 / r.elapsed if r.elapsed else 0.0
        cpu_lines.append(f"{r.name}: {', '.join(parts)} (machine busy {cores:.2f} of {os.cpu_count()} cores)")
    if cpu_lines:
        print("CPU ms per request by process: " + "; ".join(cpu_lines) + ".")
    print(f"Peak RSS of the API process (VmHWM{', the largest worker' if workers > 1 else ''}): "
          f"{'n/a' if peak_rss_kb is None else f'{peak_rss_kb / 1024:,.0f} MiB'}; load average after the run "
          f"{os.getloadavg()[0]:.1f}.")
    for r in results.values():
        if r.first_error:
            print(f"  {r.name}: first error: {r.first_error}")
        s = r.server or {}
        if s.get("sample_sql"):
            print(f"  SQL of one '{r.name}' request ({len(s['sample_sql'])} statements):")
            for statement in s["sample_sql"]:
                print(f"      {statement}")


async def serve_and_measure(
    args: argparse.Namespace, res: Resources, url: str,
    phases: Callable[[Any, str, Callable[[], dict[str, float]]], Awaitable[dict[str, PhaseResult]]],
    *, dispose: Any = None,
) -> tuple[dict[str, PhaseResult], int | None]:
    """Start the API, run ``phases(http, secret, cpu_sample)``, attach the server's per-phase counts;
    ``dispose``: the database the phases also read directly, disposed of once they are over (or failed)."""
    if dispose is not None:
        try:
            return await serve_and_measure(args, res, url, phases)
        finally:
            await dispose.dispose()
    import httpx

    secret = secrets.token_hex(32)
    workers = getattr(args, "workers", 1)
    port = start_api(res, url, secret, workers)
    limits = httpx.Limits(max_connections=args.concurrency + 4, max_keepalive_connections=args.concurrency + 4)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False, limits=limits,
                                 timeout=httpx.Timeout(60.0)) as http:
        await wait_until_serving(http, res)
        pid = res.server.pid if res.server else None
        print(f"API server pid {pid} at http://127.0.0.1:{port}/graphql"
              + (f" ({workers} workers: {worker_pids(pid)})" if workers > 1 else ""))
        postmaster = await local_postmaster(url)
        results = await phases(http, secret, cpu_sampler(pid, postmaster, workers=workers))
        if workers > 1:
            await asyncio.sleep(0.6)  # each worker writes its counts every 0.2 s
        stats = (await http.get("/__bench/stats")).json()
        for name, r in results.items():
            r.server = stats.get(name)
        peak = peak_rss_kb(pid)
    res.stop_server()
    return results, peak


def main_wrapper(run: Callable[[argparse.Namespace, Resources], Awaitable[None]], args: argparse.Namespace) -> int:
    args.machine = machine_line()
    return run_to_the_end(run, args)


def ratio_note(what: str, slow: PhaseResult, fast: PhaseResult) -> list[str]:
    """``what``'s p50 and p95 ratios of ``slow`` over ``fast``, as a report note (none when either
    phase did not complete)."""
    if not (slow.completed and fast.completed):
        return []
    return [f"{what}: p50 {slow.percentile(50) / fast.percentile(50):.1f}×, "
            f"p95 {slow.percentile(95) / fast.percentile(95):.1f}×"]


def counter_line(counter: Counter[str]) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in counter.most_common())
