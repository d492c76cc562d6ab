"""How fast is ``searchListings``? A self-contained benchmark that prints figures.

    .venv/bin/python -m bench.search [--listings 50000] [--requests 2000] [--concurrency 8]
                                     [--database sqlite|postgresql] [--time-limit 120]

What it does, all on loopback and in a temporary directory it removes at the end:

1. starts its own Meilisearch (``search.server.MeilisearchProcess``) and a fresh
   SQLite database (or a private PostgreSQL 15 with ``--database postgresql``,
   via ``tests.support.postgres.PostgresServer``), migrated with
   ``marketplace.migrate.upgrade``;
2. writes a realistic catalogue with bulk inserts (``bench.big_catalogue``: the demo
   data's 20 regions, classifier and texts; ~1,000 providers; N published
   listings) and one recipient with ten IRP lines, then builds the index with
   ``search.indexer.reindex``;
3. starts the API in a subprocess (``bench._server``: ``create_app`` with
   ``search_services``, as ``tirek serve`` builds it, under uvicorn), and loads
   it from this process (a separate process and event loop) with httpx;
4. measures, one phase after another with the same query mix: (d) the trivial
   query ``{ __typename }``, (c) the same searches sent straight to Meilisearch
   with the app's own ``MeilisearchListingSearch`` (same filter, facets, sort
   and paging), (a) ``searchListings`` over HTTP anonymously with the kept
   answers off (cold), (a') the same with them on and every request seen once
   before (warm), and (b) as the signed-in recipient (default region and
   coverage); each phase is bounded by a request count and a time limit;
5. prints latency percentiles, throughput, the ratios, CPU per request of each
   process, the API's peak RSS (VmHWM) and the SQL statements per request
   counted inside the API process; then stops everything it started, also on
   Ctrl-C or an error.

Nothing is asserted: the numbers depend on the machine; read them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INDEX_NAME = "listings"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# -- the query mix ------------------------------------------------------------------------------
# Words buyers type, in the three languages of the catalogue; brand names; and typos
# (one wrong or missing letter in a word long enough for Meilisearch's typo tolerance).
M, P, O, H, V, Y, S, A, T, C, X = ("MOBILITY", "PROSTHETICS", "ORTHOTICS", "HEARING", "VISION", "HYGIENE",
                                   "SIGN_LANGUAGE", "PERSONAL_ASSISTANT", "SANATORIUM", "TRANSPORT", "SELF_CARE")
# (what a buyer types, the category page they would type it on)
QUERY_WORDS: dict[str, list[tuple[str, str]]] = {
    "ru": [("коляска", M), ("кресло-коляска", M), ("инвалидная коляска", M), ("коляска с электроприводом", M),
           ("слуховой аппарат", H), ("подгузники для взрослых", Y), ("подгузники", Y), ("трость", M),
           ("костыли", M), ("ходунки", M), ("протез голени", P), ("протез", P), ("ортопедическая обувь", O),
           ("обувь детская", O), ("сурдопереводчик", S), ("жестовый язык", S), ("санаторий", T),
           ("противопролежневый матрас", X), ("говорящие часы", V), ("корсет", O), ("бандаж", O),
           ("катетер", Y), ("инватакси", C), ("индивидуальный помощник", A), ("калоприёмник", Y),
           ("тонометр говорящий", V), ("брайлевский дисплей", V)],
    "kk": [("кресло-арба", M), ("арба", M), ("есту аппараты", H), ("жөргек", Y), ("таяқ", M), ("балдақ", M),
           ("протез", P), ("ортопедиялық аяқ киім", O), ("шипажай", T), ("ымдау тілі", S), ("матрац", X),
           ("сөйлейтін сағат", V), ("ақ таяқ", V), ("жеке көмекші", A), ("инватакси сапары", C)],
    "en": [("wheelchair", M), ("electric wheelchair", M), ("hearing aid", H), ("diapers", Y), ("walking cane", M),
           ("crutches", M), ("prosthesis", P), ("orthopaedic shoes", O), ("sanatorium", T), ("sign language", S),
           ("rollator", M), ("braille display", V), ("mattress", X), ("talking wristwatch", V),
           ("knee orthosis", O), ("commode chair", X)],
    "brand": [("Ottobock", M), ("Invacare Action", M), ("Meyra", M), ("Vermeiren", M), ("Ortonica", M),
              ("Oticon", H), ("Phonak", H)],
    # One wrong or missing letter (Meilisearch allows one typo from five letters on); the
    # last one also has a word no listing has, so it finds nothing, as real queries do.
    "typo": [("каляска", M), ("слуховой апарат", H), ("подгузнеки", Y), ("ортопедическя обувь", O),
             ("кастыли", M), ("санаторй", T), ("wheelchiar", M), ("wheelchar", M), ("hering aid", H),
             ("sanatorim", T), ("prostesis", P), ("есту апараты", H), ("инвалидная каляска", M)],
}
QUERY_KIND_WEIGHTS = {"ru": 33, "kk": 14, "en": 15, "brand": 5, "typo": 13, "": 20}
SORTS = [None, "PRICE_ASC", "PRICE_DESC", "RATING_DESC", "LEAD_TIME_ASC"]
SORT_WEIGHTS = [60, 20, 7, 8, 5]
CATEGORIES = ["MOBILITY", "PROSTHETICS", "ORTHOTICS", "HEARING", "VISION", "HYGIENE", "SIGN_LANGUAGE",
              "PERSONAL_ASSISTANT", "SANATORIUM", "TRANSPORT", "SELF_CARE", "SOCIAL_SERVICES"]

SEARCH_DOCUMENT = """
query Search($query: String!, $filter: ListingFilter, $sort: ListingSort, $first: Int, $after: String) {
  searchListings(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    backend
    pageInfo { hasNextPage endCursor }
    facets { name values { value count } }
    edges {
      cursor
      node {
        listing {
          id title unitPrice rating deliveryOptions leadTimeDays stock
          provider { id name }
          classifierItem { code name priceCap }
        }
        coverage { covered partlyCovered entitlementId statePays youPay reason }
      }
    }
  }
}
"""
TRIVIAL_DOCUMENT = "{ __typename }"


@dataclass(frozen=True)
class Spec:
    """One search as a buyer makes it."""

    query: str
    categories: tuple[str, ...] = ()
    classifier_codes: tuple[str, ...] = ()
    region_ids: tuple[int, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    delivery_options: tuple[str, ...] = ()
    provider_verified: bool | None = None
    sort: str | None = None
    first: int = 20
    offset: int = 0

    def graphql_variables(self) -> dict[str, Any]:
        from schema.core.ids import to_global_id
        from schema.core.pagination import encode_cursor

        f: dict[str, Any] = {}
        if self.categories:
            f["categories"] = list(self.categories)
        if self.classifier_codes:
            f["classifierCodes"] = list(self.classifier_codes)
        if self.region_ids:
            f["regionIds"] = [to_global_id("Region", r) for r in self.region_ids]
        if self.price_min is not None:
            f["priceMin"] = str(self.price_min)
        if self.price_max is not None:
            f["priceMax"] = str(self.price_max)
        if self.in_stock is not None:
            f["inStock"] = self.in_stock
        if self.delivery_options:
            f["deliveryOptions"] = list(self.delivery_options)
        if self.provider_verified is not None:
            f["providerVerified"] = self.provider_verified
        variables: dict[str, Any] = {"query": self.query, "first": self.first}
        if f:
            variables["filter"] = f
        if self.sort:
            variables["sort"] = self.sort
        if self.offset:
            variables["after"] = encode_cursor([self.offset - 1])  # the cursor of the hit before the page
        return variables

    def listing_filter(self) -> Any:
        from marketplace.catalog.models import DeliveryOption, ItemCategory
        from search.contract import ListingFilter

        return ListingFilter(
            classifier_codes=self.classifier_codes,
            categories=tuple(ItemCategory(c) for c in self.categories),
            region_ids=self.region_ids,
            price_min=Decimal(self.price_min) if self.price_min is not None else None,
            price_max=Decimal(self.price_max) if self.price_max is not None else None,
            provider_verified=self.provider_verified,
            delivery_options=tuple(DeliveryOption(d) for d in self.delivery_options),
            in_stock=self.in_stock,
        )


def make_specs(count: int, region_ids: list[int], codes: list[str], seed: int) -> list[Spec]:
    rng = random.Random(seed)
    kinds, kind_weights = zip(*QUERY_KIND_WEIGHTS.items(), strict=True)
    specs: list[Spec] = []
    for _ in range(count):
        kind = rng.choices(kinds, weights=kind_weights)[0]
        query, category = rng.choice(QUERY_WORDS[kind]) if kind else ("", "")
        f: dict[str, Any] = {}
        browse = not query
        if browse and rng.random() < 0.55:
            f["categories"] = tuple(rng.sample(CATEGORIES, k=rng.choice([1, 1, 1, 2])))
        elif not browse and rng.random() < 0.22:
            f["categories"] = (category,)  # typed on that category's page
        if rng.random() < (0.45 if browse else 0.2):
            f["region_ids"] = tuple(rng.sample(region_ids, k=rng.choice([1, 1, 1, 2, 3])))
        if rng.random() < 0.15:
            top = rng.choice([20_000, 50_000, 100_000, 250_000, 500_000])
            f["price_max"] = top
            if rng.random() < 0.3:
                f["price_min"] = top // 5
        if rng.random() < 0.1:
            f["in_stock"] = True
        if rng.random() < 0.08:
            f["delivery_options"] = (rng.choice(["HOME_DELIVERY", "PICKUP", "AT_HOME_SERVICE"]),)
        if rng.random() < 0.05:
            f["provider_verified"] = True
        if browse and rng.random() < 0.15:
            f["classifier_codes"] = (rng.choice(codes),)
        sort = rng.choices(SORTS, weights=SORT_WEIGHTS)[0]
        first = rng.choices([20, 10, 50], weights=[80, 10, 10])[0]
        page = rng.choices([0, 1, 2, 3, 4], weights=[78, 15, 4, 2, 1])[0]
        specs.append(Spec(query=query, sort=sort, first=first, offset=page * first, **f))
    return specs


# -- measuring -------------------------------------------------------------------------------------
@dataclass
class PhaseResult:
    name: str
    label: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    elapsed: float = 0.0
    stopped_by_time: bool = False
    totals: list[int] = field(default_factory=list)
    backends: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)  # seconds per process over the phase
    load_before: float = 0.0
    server: dict[str, Any] | None = None

    @property
    def completed(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.completed / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1000

    @property
    def mean_ms(self) -> float:
        return sum(self.latencies) / len(self.latencies) * 1000 if self.latencies else float("nan")


Call = Callable[[Spec], Awaitable[tuple[int | None, str | None]]]


async def run_phase(
    result: PhaseResult,
    call: Call,
    specs: list[Spec],
    *,
    requests: int,
    concurrency: int,
    time_limit: float,
    cpu_sample: Callable[[], dict[str, float]],
) -> PhaseResult:
    """``requests`` calls, ``concurrency`` at a time, stopped at ``time_limit`` seconds."""
    issued = 0
    deadline = time.perf_counter() + time_limit

    async def worker() -> None:
        nonlocal issued
        while issued < requests:
            if time.perf_counter() >= deadline:
                result.stopped_by_time = True
                return
            spec = specs[issued % len(specs)]
            issued += 1
            started = time.perf_counter()
            try:
                total, backend = await call(spec)
            except Exception as exc:  # noqa: BLE001 - counted and reported, the phase goes on
                result.errors += 1
                result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"[:500]
                continue
            result.latencies.append(time.perf_counter() - started)
            if total is not None:
                result.totals.append(total)
            if backend is not None:
                result.backends[backend] += 1

    result.load_before = os.getloadavg()[0]
    cpu_before = cpu_sample()
    started = time.perf_counter()
    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    try:
        # A request in flight at the deadline may finish; a stuck one is cancelled.
        _done, pending = await asyncio.wait(workers, timeout=time_limit + 30)
        for task in pending:
            task.cancel()
        if pending:
            result.stopped_by_time = True
            await asyncio.gather(*pending, return_exceptions=True)
    finally:
        for task in workers:
            task.cancel()
    result.elapsed = time.perf_counter() - started
    cpu_after = cpu_sample()
    result.cpu = {k: cpu_after[k] - cpu_before.get(k, 0.0) for k in cpu_after}
    return result


class GraphQLError(RuntimeError):
    pass


def graphql_caller(http: Any, phase: str, document: str, *, token: str | None = None,
                   variables: Callable[[Spec], dict[str, Any]] | None = None) -> Call:
    headers = {"x-bench-phase": phase, "content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"

    bodies: dict[Spec, str] = {}  # built once per search, outside the timed part after the first use

    async def call(spec: Spec) -> tuple[int | None, str | None]:
        content = bodies.get(spec)
        if content is None:
            body: dict[str, Any] = {"query": document}
            if variables is not None:
                body["variables"] = variables(spec)
            content = bodies[spec] = json.dumps(body)
        response = await http.post("/graphql", content=content, headers=headers)
        if response.status_code != 200:
            raise GraphQLError(f"HTTP {response.status_code}: {response.text[:300]}")
        payload = response.json()
        if payload.get("errors"):
            raise GraphQLError(json.dumps(payload["errors"], ensure_ascii=False)[:300])
        found = (payload.get("data") or {}).get("searchListings")
        if found is None:
            return None, None
        return int(found["totalCount"]), str(found["backend"])

    return call


def meilisearch_caller(search: Any) -> Call:
    from search.contract import ListingSort

    filters: dict[Spec, Any] = {}

    async def call(spec: Spec) -> tuple[int | None, str | None]:
        listing_filter = filters.get(spec)
        if listing_filter is None:
            listing_filter = filters[spec] = spec.listing_filter()
        result = await search.search(spec.query, listing_filter,
                                     ListingSort(spec.sort) if spec.sort else None, spec.first, spec.offset)
        return result.total, "meilisearch (direct)"

    return call


# -- processes ------------------------------------------------------------------------------------
def proc_cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def proc_status_kb(pid: int | None, key: str) -> int | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (``/proc/stat``)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS  # minus idle and iowait


def worker_pids(server_pid: int | None) -> list[int]:
    """The API's processes: the server itself, or with several workers its children."""
    if server_pid is None:
        return []
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == server_pid:
                    children.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return children or [server_pid]


def peak_rss_kb(server_pid: int | None) -> int | None:
    """The largest peak RSS (VmHWM) among the API's processes (``worker_pids``)."""
    return max((kb for pid in worker_pids(server_pid) if (kb := proc_status_kb(pid, "VmHWM")) is not None),
               default=None)


def children_cpu_seconds(parent: int | None) -> float:
    """CPU seconds of ``parent`` and its live children (PostgreSQL's postmaster and backends)."""
    if parent is None:
        return 0.0
    total = proc_cpu_seconds(parent)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def self_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Resources:
    """Everything the benchmark starts, stopped in reverse order by ``close()``."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="tirek-bench-"))
        self.meili: Any = None
        self.postgres: Any = None
        self.server: subprocess.Popen[bytes] | None = None
        self.server_log: Path = self.tmp / "server.log"
        self.peak_rss_kb: dict[str, int | None] = {}

    def start_server(self, port: int, env: dict[str, str], workers: int = 1) -> None:
        """``bench._server`` on 127.0.0.1:``port`` (``workers`` uvicorn processes, whose counts
        meet in ``stats/``), its output in ``server.log``."""
        if workers > 1:
            (self.tmp / "stats").mkdir(exist_ok=True)
            env = {**env, "TIREK_BENCH_STATS_DIR": str(self.tmp / "stats")}
        with open(self.server_log, "wb") as log:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "bench._server", "--host", "127.0.0.1", "--port", str(port),
                 "--workers", str(workers)],
                cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the benchmark only; it stops the server itself
            )

    def stop_server(self) -> None:
        proc, self.server = self.server, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # uvicorn shuts down gracefully (lifespan, pools)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def close(self) -> None:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("API server", self.stop_server),
            ("Meilisearch", lambda: self.meili.stop(cleanup=True) if self.meili is not None else None),
            ("PostgreSQL", lambda: self.postgres.stop() if self.postgres is not None else None),
            ("temporary directory", lambda: shutil.rmtree(self.tmp, ignore_errors=True)),
        ]
        for what, step in steps:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - keep cleaning up
                print(f"warning: could not stop the {what}: {exc}", file=sys.stderr)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


async def wait_until_serving(http: Any, res: Resources, timeout: float = 180.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if res.server is None or res.server.poll() is not None:
            raise RuntimeError(f"the API server exited during start-up; log tail:\n{log_tail(res.server_log)}")
        try:
            if (await http.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise RuntimeError(f"the API server is not ready after {timeout:.0f}s; log tail:\n{log_tail(res.server_log)}")
        await asyncio.sleep(0.2)


# -- the run ----------------------------------------------------------------------------------------
async def run(args: argparse.Namespace, res: Resources) -> None:
    import httpx

    from bench.big_catalogue import build_catalogue
    from marketplace.accounts.security import issue_token
    from marketplace.db import Database
    from marketplace.migrate import upgrade
    from search.client import make_client, server_version
    from search.indexer import reindex
    from search.meili import MeilisearchListingSearch
    from search.server import MeilisearchProcess, find_or_install_binary

    phase_seconds: dict[str, float] = {}
    args.load_at_start = os.getloadavg()
    print(f"tirek search benchmark: {args.listings:,} listings, {args.database}, "
          f"{args.requests:,} requests per phase at concurrency {args.concurrency} "
          f"(time limit {args.time_limit:.0f}s per phase), API workers {args.workers}")
    print(f"temporary directory: {res.tmp}")

    # 1. Meilisearch and the database.
    t0 = time.perf_counter()
    res.meili = await asyncio.to_thread(
        lambda: MeilisearchProcess(binary=find_or_install_binary(), data_dir=res.tmp / "meilisearch").start()
    )
    if args.database == "postgresql":
        from tests.support.postgres import PostgresServer

        res.postgres = await asyncio.to_thread(lambda: PostgresServer().start())
        url = await asyncio.to_thread(res.postgres.create_database, "tirek_bench")
    else:
        url = f"sqlite+aiosqlite:///{res.tmp / 'bench.sqlite3'}"
    await upgrade(url)
    phase_seconds["start Meilisearch + database, migrate"] = time.perf_counter() - t0
    client = make_client(res.meili.url, res.meili.master_key, timeout=30)
    meili_version = ".".join(map(str, await server_version(client)))
    print(f"Meilisearch {meili_version} at {res.meili.url}; database {url.split('://')[0]}")

    # 2. The catalogue and the index.
    db = Database(url)
    try:
        t0 = time.perf_counter()
        catalogue = await build_catalogue(db, listings=args.listings, providers=args.providers, seed=args.seed)
        phase_seconds["generate + insert the catalogue"] = time.perf_counter() - t0
        for name, timing in catalogue.timings.items():
            gen = f", texts generated in {timing.generate_seconds:.1f}s" if timing.generate_seconds else ""
            print(f"  {name}: {timing.rows:,} rows inserted in {timing.seconds:.1f}s "
                  f"= {timing.rate:,.0f} rows/s{gen}")
        t0 = time.perf_counter()
        report = await reindex(db, client, INDEX_NAME, progress=True)
        phase_seconds["reindex"] = time.perf_counter() - t0
        print(f"  index: {report.documents:,} documents in {report.seconds:.1f}s "
              f"= {report.documents / report.seconds:,.0f} docs/s")
    finally:
        await db.dispose()

    # 3. The API server, in its own process.
    port = await asyncio.to_thread(_free_port)
    secret = secrets.token_hex(32)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TIREK_")},
        "TIREK_DATABASE_URL": url, "TIREK_MEILI_URL": res.meili.url, "TIREK_MEILI_KEY": res.meili.master_key,
        "TIREK_MEILI_INDEX": INDEX_NAME, "TIREK_SECRET_KEY": secret, "TIREK_VAR_DIR": str(res.tmp),
        "PYTHONPATH": str(PROJECT_ROOT), "TIREK_BENCH_PROFILE": str(res.tmp / "server.prof"),
    }
    if args.workers > 1:
        # Each worker process keeps answers of its own, and /__bench/answers reaches only the one
        # that takes the request: so none are kept, and every phase is cold.
        env["TIREK_PUBLIC_ANSWER_CACHE_BYTES"] = "0"
    t0 = time.perf_counter()
    res.start_server(port, env, args.workers)
    token, _ = issue_token(secret, catalogue.recipient_account_id, 1, 4 * 3600)
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False, limits=limits,
                                 timeout=httpx.Timeout(30.0)) as http:
        await wait_until_serving(http, res)
        phase_seconds["start the API server"] = time.perf_counter() - t0
        server_pid = res.server.pid if res.server else None
        print(f"API server pid {server_pid} at http://127.0.0.1:{port}/graphql")

        specs = make_specs(max(500, min(args.requests, 5000)), list(catalogue.region_ids.values()),
                           catalogue.classifier_codes, seed=args.seed + 1)
        warm = specs[len(specs) // 2:] + specs[: len(specs) // 2]  # warm-up starts elsewhere in the mix
        direct = MeilisearchListingSearch(client, INDEX_NAME)

        postmaster = res.postgres.postmaster_pid() if res.postgres is not None else None

        def cpu_sample() -> dict[str, float]:
            api = proc_cpu_seconds(server_pid) if args.workers <= 1 else children_cpu_seconds(server_pid)
            sample = {"api": api, "meilisearch": proc_cpu_seconds(res.meili.pid),
                      "load generator": self_cpu_seconds()}
            if postmaster is not None:
                sample["postgresql"] = children_cpu_seconds(postmaster)
            # Whatever else runs on the machine competes for the same cores: measured, not hidden.
            sample["other processes"] = machine_busy_seconds() - sum(sample.values())
            return sample

        search_vars = Spec.graphql_variables
        phases: list[tuple[str, str, Callable[[str], Call]]] = [
            ("trivial", "(d) `{ __typename }` over HTTP",
             lambda tag: graphql_caller(http, tag, TRIVIAL_DOCUMENT)),
            ("direct", "(c) same search straight to Meilisearch",
             lambda tag: meilisearch_caller(direct)),
            ("anonymous", "(a) searchListings over HTTP, anonymous, cold: every answer made afresh",
             lambda tag: graphql_caller(http, tag, SEARCH_DOCUMENT, variables=search_vars)),
            ("anonymous-warm", "(a') searchListings over HTTP, anonymous, warm: every request seen before",
             lambda tag: graphql_caller(http, tag, SEARCH_DOCUMENT, variables=search_vars)),
            ("recipient", "(b) searchListings over HTTP, recipient + coverage",
             lambda tag: graphql_caller(http, tag, SEARCH_DOCUMENT, token=token, variables=search_vars)),
        ]
        if args.workers > 1:
            phases = [phase for phase in phases if phase[0] != "anonymous-warm"]
        results: dict[str, PhaseResult] = {}
        profiles: dict[str, str] = {}
        t0 = time.perf_counter()
        answers: dict[str, Any] = {}
        for name, label, make_call in phases:
            # The kept anonymous answers (schema/public_answers.py): off for the cold phase, so that
            # every search is made; for the warm one on, and every request of the phase seen once
            # before it, so that its figures are the reused answers' alone.
            if args.workers <= 1:
                await http.get("/__bench/answers/" + ("off" if name == "anonymous" else "on"))
            if name == "anonymous-warm":
                await run_phase(PhaseResult("fill-anonymous-warm", label), make_call("fill-anonymous-warm"), specs,
                                requests=args.requests, concurrency=args.concurrency, time_limit=args.time_limit,
                                cpu_sample=cpu_sample)
                answers["filled"] = (await http.get("/__bench/answers/count")).json()
            elif args.warmup:
                await run_phase(PhaseResult(f"warmup-{name}", label), make_call(f"warmup-{name}"), warm,
                                requests=args.warmup, concurrency=args.concurrency, time_limit=30,
                                cpu_sample=cpu_sample)
            print(f"  measuring {label} ...", flush=True)
            profiled = args.profile and name in ("anonymous", "recipient")
            if profiled:
                await http.get("/__bench/profile/start")
            results[name] = await run_phase(
                PhaseResult(name, label), make_call(name), specs, requests=args.requests,
                concurrency=args.concurrency, time_limit=args.time_limit, cpu_sample=cpu_sample,
            )
            if name == "anonymous-warm":
                counted = (await http.get("/__bench/answers/count")).json()
                answers["phase"] = {k: counted[k] - answers["filled"][k] for k in ("hits", "misses")}
                answers["kept"] = counted
            if profiled:
                path = (await http.get("/__bench/profile/stop")).json()["path"]
                profiles[name] = _profile_summary(path, args.profile_lines)
        phase_seconds["load phases"] = time.perf_counter() - t0
        if args.workers > 1:
            await asyncio.sleep(0.6)  # each worker writes its counts every 0.2 s
        stats = (await http.get("/__bench/stats")).json()
        for name, result in results.items():
            result.server = stats.get(name)
        res.peak_rss_kb = {
            "API server (VmHWM)" if args.workers <= 1 else "largest API worker (VmHWM)": peak_rss_kb(server_pid),
            "Meilisearch (VmHWM)": proc_status_kb(res.meili.pid, "VmHWM"),
        }
    await client.aclose()
    res.stop_server()

    print_report(args, results, res.peak_rss_kb, phase_seconds, meili_version, catalogue, answers)
    for name, summary in profiles.items():
        print(f"\ncProfile of the API process's event loop thread during the {name} phase "
              f"(the figures above are slowed by the profiler):\n{summary}")


def _profile_summary(path: str, lines: int) -> str:
    """Own time (tottime) by package, then the functions with the most own time."""
    import io
    import pstats
    import sysconfig

    stats = pstats.Stats(path)
    site = "site-packages/"
    stdlib = sysconfig.get_paths()["stdlib"]
    by_package: Counter[str] = Counter()
    total = 0.0
    for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if filename == "~":
            # Mostly aiosqlite's hand-offs to its thread (put_nowait, lock acquire), or other C code.
            handoff = any(w in func for w in ("put_nowait", "acquire"))
            name = "C built-ins: " + ("queue put / lock acquire" if handoff else "other")
        elif site in filename:
            name = filename.split(site, 1)[1].split("/", 1)[0].removesuffix(".py")
        elif filename.startswith(str(PROJECT_ROOT)):
            name = "tirek: " + filename[len(str(PROJECT_ROOT)) + 1:].split("/", 1)[0]
        elif filename.startswith(stdlib):
            name = "stdlib: " + filename[len(stdlib) + 1:].split("/", 1)[0].removesuffix(".py")
        else:
            name = filename
        by_package[name] += tottime
        total += tottime
    out = io.StringIO()
    out.write(f"own CPU time by package ({total:.1f}s in all):\n")
    for name, seconds in by_package.most_common(15):
        out.write(f"  {seconds / total:6.1%}  {seconds:6.2f}s  {name}\n")
    # The project's own functions by cumulative time (what they cost with what they call;
    # coroutines are counted once per resumption, so read the times, not the call counts).
    own = [
        (ct, filename[len(str(PROJECT_ROOT)) + 1:], line, func)
        for (filename, line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
        if filename.startswith(str(PROJECT_ROOT)) and "/bench/" not in filename and "/.venv/" not in filename
    ]
    out.write("the project's functions by cumulative CPU time:\n")
    for ct, filename, line, func in sorted(own, reverse=True)[:lines]:
        out.write(f"  {ct / total:6.1%}  {ct:6.2f}s  {filename}:{line}({func})\n")
    out.write("\n")
    stats.stream = out  # type: ignore[attr-defined]
    stats.strip_dirs().sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def _free_port() -> int:
    from search.server import free_port

    return free_port("127.0.0.1")


# -- the report ---------------------------------------------------------------------------------------
def _fmt(value: float, digits: int = 1) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"


def print_report(
    args: argparse.Namespace,
    results: dict[str, PhaseResult],
    peak_rss_kb: dict[str, int | None],
    phase_seconds: dict[str, float],
    meili_version: str,
    catalogue: Any,
    answers: dict[str, Any] | None = None,
) -> None:
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor() or "unknown")
    mem_gib = next((int(line.split()[1]) / 1024 / 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")), 0.0)
    start_load = getattr(args, "load_at_start", None) or os.getloadavg()
    end_load = os.getloadavg()
    print()
    print(f"## searchListings benchmark, {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")
    print()
    print(f"- machine: {os.cpu_count()} cores ({cpu_model}), {mem_gib:.0f} GiB, Linux {platform.release()}, Python "
          f"{platform.python_version()}; API server, Meilisearch {meili_version}, database and load generator "
          f"all on this machine, over loopback")
    print(f"- load average (1/5/15 min): {'/'.join(f'{v:.1f}' for v in start_load)} at the start, "
          f"{'/'.join(f'{v:.1f}' for v in end_load)} at the end (other work on the machine competes for its "
          f"{os.cpu_count()} cores)")
    print(f"- data: {catalogue.listings:,} published listings ({catalogue.listing_regions:,} listing-region rows), "
          f"{len(catalogue.provider_ids):,} selling providers, {len(catalogue.region_ids)} regions, "
          f"{len(catalogue.classifier_codes)} classifier items; database: {args.database}")
    print(f"- load: {args.requests:,} requests per phase (after {args.warmup} warm-up), concurrency "
          f"{args.concurrency}, time limit {args.time_limit:.0f}s per phase, API on "
          f"{'one uvicorn process' if args.workers <= 1 else f'{args.workers} uvicorn worker processes'}; the same mix of searches "
          f"(ru/kk/en words, typos, brands, category/region/price/stock filters, sorts, pages 1-5) in every phase")
    print()
    print("| measurement | done | errors | p50 ms | p95 ms | p99 ms | mean ms | req/s "
          "| API CPU ms/req | Meili CPU ms/req | SQL statements/req |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results.values():
        done = max(r.completed, 1)
        api_cpu = r.cpu.get("api", 0.0) * 1000 / done
        meili_cpu = r.cpu.get("meilisearch", 0.0) * 1000 / done
        if r.name == "direct":
            sql = "—"
            api = "—"
        else:
            s = r.server or {}
            sql = _fmt(s.get("statements", 0) / s["requests"], 1) if s.get("requests") else "0"
            api = _fmt(api_cpu)
        flag = " (time limit)" if r.stopped_by_time else ""
        print(f"| {r.label} | {r.completed:,}{flag} | {r.errors} | {_fmt(r.percentile(50))} | "
              f"{_fmt(r.percentile(95))} | {_fmt(r.percentile(99))} | {_fmt(r.mean_ms)} | "
              f"{_fmt(r.throughput)} | {api} | {_fmt(meili_cpu)} | {sql} |")
    busy = [(r.name, r.cpu.get("other processes", 0.0) / ((os.cpu_count() or 1) * r.elapsed))
            for r in results.values() if r.elapsed]
    noisy = [f"{name} {share:.0%}" for name, share in busy if share > 0.10]
    if noisy:
        print()
        print(f"WARNING: other processes on this machine used a share of its CPU during the phases "
              f"({', '.join(noisy)}): the latencies and rates above are inflated by them; the CPU-per-request "
              f"columns much less so.")
    print()
    direct, trivial = results.get("direct"), results.get("trivial")
    print("| ratio | p50 | p95 | req/s |")
    print("|---|---:|---:|---:|")
    for name in ("anonymous", "anonymous-warm", "recipient"):
        r = results.get(name)
        if r is None:
            continue
        for base, base_name in ((direct, "direct Meilisearch"), (trivial, "trivial query")):
            if base is None or not base.completed or not r.completed:
                continue
            print(f"| HTTP search ({name}) / {base_name} | {r.percentile(50) / base.percentile(50):.1f}× | "
                  f"{r.percentile(95) / base.percentile(95):.1f}× | {r.throughput / base.throughput:.2f}× |")
    if answers and "phase" in answers:
        phase, kept = answers["phase"], answers["kept"]
        served = phase["hits"] + phase["misses"]
        print()
        print(f"Kept anonymous answers (schema/public_answers.py), warm phase: {phase['hits']:,} of {served:,} "
              f"requests answered from memory ({phase['hits'] / max(served, 1):.0%}); {kept['answers']:,} answers "
              f"kept, {kept['bytes'] / 1024 / 1024:.1f} MiB. The cold phase ran with them off.")
    print()
    rss = ", ".join(f"{k} {v / 1024:,.0f} MiB" if v else f"{k} n/a" for k, v in peak_rss_kb.items())
    print(f"Peak RSS: {rss}.")
    print()
    print("Inside the API process, per request (means over the phase; SQL counted with a "
          "before_cursor_execute listener, BEGIN not included; Meilisearch time is the app's search call):")
    print()
    print("| phase | server time ms | in Meilisearch call ms | executing SQL ms | SQL statements "
          "(min–max) | BEGINs | pool checkouts |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results.values():
        s = r.server
        if not s or not s.get("requests"):
            continue
        n = s["requests"]
        hist = [int(k) for k in s.get("statements_histogram", {})]
        spread = f"{min(hist)}–{max(hist)}" if hist else "0"
        print(f"| {r.name} | {s['wall_seconds'] * 1000 / n:.1f} | {s['search_seconds'] * 1000 / n:.1f} | "
              f"{s['sql_seconds'] * 1000 / n:.1f} | {s['statements'] / n:.1f} ({spread}) | {s['begins'] / n:.1f} | "
              f"{s['checkouts'] / n:.1f} |")
    print()
    for name in ("anonymous", "recipient"):
        r = results.get(name)
        if r and r.server and r.server.get("sample_sql"):
            print(f"SQL of one {name} search request:")
            for statement in r.server["sample_sql"]:
                print(f"    {statement}")
            print()
    print("Results and errors:")
    for r in results.values():
        totals = r.totals
        zero = sum(1 for t in totals if t == 0)
        hits = f"mean totalCount {sum(totals) / len(totals):,.0f}, {zero / len(totals):.0%} with no hit; " \
            if totals else ""
        backends = ", ".join(f"{k}: {v}" for k, v in r.backends.items())
        cpu = ", ".join(f"{k} {v:.1f}s" for k, v in r.cpu.items())
        print(f"  {r.name}: {r.completed:,} in {r.elapsed:.1f}s; {hits}{backends or 'no search'}; "
              f"CPU over the phase ({os.cpu_count()} cores × {r.elapsed:.1f}s available): {cpu}; "
              f"1-min load average before: {r.load_before:.1f}")
        if r.first_error:
            print(f"    first error: {r.first_error}")
    print()
    print("Wall time per step: " + "; ".join(f"{k} {v:.1f}s" for k, v in phase_seconds.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=50_000, help="published listings to generate")
    parser.add_argument("--providers", type=int, default=1000, help="providers to generate")
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per phase")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per phase, at most")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests before each phase")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes of the API (as `tirek serve --workers N`); with more than "
                             "one, no answers are kept (each process would keep its own), so no warm phase")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the API process during the two searchListings phases and print the top "
                             "functions (slows those phases down: their figures are then not comparable)")
    parser.add_argument("--profile-lines", type=int, default=35, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.listings < 1 or args.providers < 20 or args.requests < 1 or args.concurrency < 1 or args.workers < 1:
        parser.error("--listings, --requests and --concurrency must be positive, --providers at least 20")

    return run_to_the_end(run, args)


def run_to_the_end(run: Callable[[argparse.Namespace, Resources], Awaitable[None]], args: argparse.Namespace) -> int:
    """``run(args, resources)`` on uvloop when installed; SIGTERM or Ctrl-C stop what was started
    (exit code 130); a failure shows the API server's log tail first."""

    def _terminate(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    res = Resources()
    try:
        try:
            import uvloop
        except ImportError:
            asyncio.run(run(args, res))
        else:
            uvloop.run(run(args, res))
    except KeyboardInterrupt:
        print("\ninterrupted: stopping what was started", file=sys.stderr)
        return 130
    except Exception:
        if res.server_log.exists():
            print(f"API server log tail:\n{log_tail(res.server_log)}", file=sys.stderr)
        raise
    finally:
        res.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
